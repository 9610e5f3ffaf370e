// A temporary copy of the demo configuration (schema/, clients/, gateway.yaml) with text edits:
// for tests that declare what the demo does not (e.g. @cacheControl).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './gateway.js';

/** `[file under the folder, text to find (exactly once), its replacement ($& is the found text)]` */
export type ConfigEdit = [file: string, find: string, replace: string];

/** The demo's catalog lookups and order lookups declared cacheable for 60 s (public). */
export const cacheCatalogAndOrders: ConfigEdit[] = [
  [
    'schema/catalog.graphql',
    'product(id: ID!): Product @http(GET: "/products/{args.id}")',
    '$& @cacheControl(maxAge: 60)',
  ],
  ['schema/catalog.graphql', '@batch(key: "id") @lookup', '$& @cacheControl(maxAge: 60)'],
  [
    'schema/orders.graphql',
    'order(id: ID!): Order @grpc(method: "GetOrder", request: { id: "{args.id}" })',
    '$& @cacheControl(maxAge: 60)',
  ],
  ['schema/orders.graphql', '@batch(key: "id") @lookup', '$& @cacheControl(maxAge: 60)'],
];

export function copyConfig(edits: readonly ConfigEdit[]): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'facet-config-'));
  for (const entry of ['schema', 'clients', 'gateway.yaml'])
    cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  for (const [file, find, replace] of edits) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    assert.equal(text.split(find).length, 2, `${file} holds "${find}" exactly once`);
    writeFileSync(path, text.replace(find, replace));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
