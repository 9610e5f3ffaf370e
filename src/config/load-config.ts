import { applyOverrides } from '../sources/graphql/overrides.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPublicKeyFile, type PublicKeyFileProblem } from '../auth/jwt-verifier.js';
import type { ProblemList } from './config-error.js';
import { readYamlFile, yamlLineOf } from './yaml-file.js';
import { deepFreeze } from './deep-freeze.js';
import { gatewayFileSchema, type GatewayFileOptions } from './gateway-options.js';
import { parseSourceFile, type SourceDefinition } from '../sources/index.js';
import { clientFileSchema } from '../clients/client-options.js';
import { parseClientSchema, type ClientDefinition } from '../clients/parse-client.js';

/** A configuration folder, read and checked file by file: `schema/` (sources) and `clients/`. */
export interface GatewayConfig {
  dir: string;
  /** gateway.yaml (defaults when absent). */
  gateway: GatewayFileOptions;
  sources: SourceDefinition[];
  clients: ClientDefinition[];
  /** False when a schema/ file could not be read as a source: the graph then lacks its part. */
  allSourcesLoaded: boolean;
}

const clientNamePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Reads and validates a configuration folder. Every file is read and checked, even when another
 * one is broken, and every problem is collected before failing; file paths are relative to the
 * folder (`schema/orders.graphql`). Structural checks that need the built graph (client
 * projections, proto methods) happen in the build step; `facet check` runs both. The result is
 * frozen: nothing downstream can change what was validated.
 */
export function loadConfigFolder(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: ProblemList,
): GatewayConfig {
  const root = resolve(dir);
  const config: GatewayConfig = {
    dir: root,
    gateway: gatewayFileSchema.parse({}),
    sources: [],
    clients: [],
    allSourcesLoaded: false,
  };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    problems.add({ file: root, message: 'configuration folder not found' });
    return deepFreeze(config);
  }
  problems.folder ??= root;
  const display = (file: string) => problems.display(file);

  const gatewayFile = join(root, 'gateway.yaml');
  if (existsSync(gatewayFile))
    config.gateway =
      readYamlFile(display(gatewayFile), readFileSync(gatewayFile, 'utf8'), gatewayFileSchema, problems, env) ??
      config.gateway;
  if (config.gateway.cache.store === 'redis' && !env['REDIS_URL'])
    problems.add({
      file: display(gatewayFile),
      path: 'cache.store',
      message: 'cache.store is redis but REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)',
    });

  const schemaDir = join(root, 'schema');
  const sourceFiles = existsSync(schemaDir)
    ? readdirSync(schemaDir)
        .filter((f) => f.endsWith('.graphql'))
        .sort()
    : [];
  if (sourceFiles.length === 0)
    problems.add({ file: display(schemaDir), message: 'no sources: add schema/<name>.graphql files with @source' });
  const sourceNames = new Map<string, string>();
  config.allSourcesLoaded = true;
  for (const fileName of sourceFiles) {
    const file = join(schemaDir, fileName);
    // parsed with its absolute path (a proto is found next to it), then shown relative to the folder
    const parsed = parseSourceFile(file, readFileSync(file, 'utf8'), env, problems);
    if (!parsed) {
      config.allSourcesLoaded = false;
      continue;
    }
    // a GraphQL source's problems point into its SDL file (`@source(sdl:)`), which may be another file
    const source = { ...parsed, file: display(parsed.file) };
    const here = source.sourceLine ? `${source.file}:${source.sourceLine}` : source.file;
    const clash = sourceNames.get(source.name);
    if (clash) {
      config.allSourcesLoaded = false;
      problems.add({
        file: source.file,
        line: source.sourceLine,
        path: 'schema @source',
        message: `source name "${source.name}" is already used by ${clash}; each source needs its own name`,
      });
      continue;
    }
    sourceNames.set(source.name, here);
    config.sources.push(source);
  }
  applyOverrides(config.sources);

  const clientsDir = join(root, 'clients');
  const clientDirs = existsSync(clientsDir)
    ? readdirSync(clientsDir)
        .filter((d) => statSync(join(clientsDir, d)).isDirectory())
        .sort()
    : [];
  if (clientDirs.length === 0)
    problems.add({ file: display(clientsDir), message: 'no clients: add clients/<name>/schema.graphql' });
  for (const name of clientDirs) {
    const folder = join(clientsDir, name);
    if (!clientNamePattern.test(name)) {
      problems.add({
        file: display(folder),
        message: 'client folder names are lower-case words (they become /<name>/graphql)',
      });
      continue;
    }
    const optionsFile = join(folder, 'client.yaml');
    const schemaFile = join(folder, 'schema.graphql');
    const options = existsSync(optionsFile)
      ? readYamlFile(display(optionsFile), readFileSync(optionsFile, 'utf8'), clientFileSchema, problems, env)
      : clientFileSchema.parse({});
    if (!existsSync(schemaFile)) {
      problems.add({ file: display(schemaFile), message: 'missing: each client declares the schema it sees' });
      continue;
    }
    const parsed = parseClientSchema(name, display(schemaFile), readFileSync(schemaFile, 'utf8'), problems);
    if (!parsed) continue;
    for (const [i, key] of (options?.auth.apiKeys?.keys ?? []).entries()) {
      if (key.plan && !options?.quotas.plans[key.plan])
        problems.add({
          file: display(optionsFile),
          path: `auth.apiKeys.keys.${i}.plan`,
          message: `plan "${key.plan}" is not defined under quotas.plans`,
        });
    }
    const jwt = options?.auth.jwt;
    if (jwt?.publicKeyFile) {
      // read now, so that `facet check`, start-up and reload refuse a key the verifier could not use
      const keyFile = resolve(folder, jwt.publicKeyFile);
      const loaded = readPublicKeyFile(keyFile, jwt.algorithms);
      if ('problem' in loaded)
        problems.add({
          file: display(optionsFile),
          line: yamlLineOf(readFileSync(optionsFile, 'utf8'), ['auth', 'jwt', 'publicKeyFile']),
          path: 'auth.jwt.publicKeyFile',
          message: publicKeyFileMessage(loaded.problem, display(keyFile), `${display(folder)}/`),
        });
    }
    // A broken client.yaml must not hide the schema's problems: the schema is still checked
    // against the graph (with default options; the problems already listed stop the start).
    config.clients.push({
      ...parsed,
      endpoint: options?.path ?? parsed.endpoint,
      options: options ?? clientFileSchema.parse({}),
      optionsFile: display(optionsFile),
      folder,
    });
  }
  return deepFreeze(config);
}

/** What is wrong with a client's publicKeyFile and what to do, for `facet check` and start-up. */
function publicKeyFileMessage(problem: PublicKeyFileProblem, file: string, clientFolder: string): string {
  const spki = 'SPKI PEM ("-----BEGIN PUBLIC KEY-----", e.g. from `openssl pkey -pubout`)';
  switch (problem.kind) {
    case 'missing':
      return `${file} does not exist (publicKeyFile is relative to ${clientFolder}); put the issuer’s PEM public key there, or correct the path`;
    case 'unreadable':
      return `${file} cannot be read (${problem.reason}); publicKeyFile names the file holding the issuer’s PEM public key`;
    case 'private_key':
      return `${file} holds a private key; the gateway needs only the issuer’s public key: write it there as ${spki}, and keep the private key with the issuer`;
    case 'not_a_key':
      return `${file} is not a PEM public key; write the issuer’s key there as ${spki}`;
    case 'wrong_key_type':
      return `${file} holds an ${problem.keyType} key, which cannot verify ${problem.algorithm}; use the issuer’s ${problem.needs} key, or list the algorithms this key signs with`;
  }
}
