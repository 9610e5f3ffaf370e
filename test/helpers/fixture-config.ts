// Configuration folders built at test time under os.tmpdir(): sources copied from the repository's
// schema/ folder, clients (schema, client.yaml and any other files, e.g. a REST facade) written inline. Removed with `cleanup()`.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from './gateway.js';

export interface FixtureClient {
  /** clients/<name>/client.yaml (omitted when undefined). */
  yaml?: string;
  /** clients/<name>/schema.graphql */
  schema: string;
  /** More files of clients/<name>/, by path relative to it, e.g. { 'rest/rest.yaml': 'defaultVersion: v1' }. */
  files?: Record<string, string>;
}

export interface FixtureConfigOptions {
  /** Files of the repository's schema/ folder to copy, e.g. ['catalog.graphql']. */
  sources: string[];
  /** More files of schema/, written inline, by name, e.g. { 'accounts.graphql': 'extend schema @source(…)' }. */
  sourceFiles?: Record<string, string>;
  clients: Record<string, FixtureClient>;
  /** gateway.yaml (omitted when undefined). */
  gatewayYaml?: string;
}

export interface FixtureConfig {
  dir: string;
  /** Rewrites gateway.yaml (read by startGateway at start-up). */
  writeGatewayYaml(text: string): void;
  cleanup(): void;
}

export function createFixtureConfig(options: FixtureConfigOptions): FixtureConfig {
  const dir = mkdtempSync(join(tmpdir(), 'facet-fixture-'));
  mkdirSync(join(dir, 'schema'));
  // a source's folder (schema/subgraphs: SDL files named by @source(sdl:)) is copied whole
  for (const file of options.sources)
    cpSync(join(repoRoot, 'schema', file), join(dir, 'schema', file), { recursive: true });
  for (const [file, text] of Object.entries(options.sourceFiles ?? {})) writeFileSync(join(dir, 'schema', file), text);
  for (const [name, client] of Object.entries(options.clients)) {
    const folder = join(dir, 'clients', name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'schema.graphql'), client.schema);
    if (client.yaml !== undefined) writeFileSync(join(folder, 'client.yaml'), client.yaml);
    for (const [path, text] of Object.entries(client.files ?? {})) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), text);
    }
  }
  const writeGatewayYaml = (text: string) => writeFileSync(join(dir, 'gateway.yaml'), text);
  if (options.gatewayYaml !== undefined) writeGatewayYaml(options.gatewayYaml);
  return { dir, writeGatewayYaml, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A client folder name unique to this run (lower case, as client names must be). */
export function uniqueClientName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/**
 * Limits count in epoch-aligned windows with a sliding estimate: a burst that straddles a window
 * edge can be weighed slightly differently. Exact-count tests call this first so that their burst
 * (which takes well under `marginMs`) stays inside one window.
 */
export async function awayFromWindowEdge(windowMs: number, marginMs = 3000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await sleep(left + 50);
}
