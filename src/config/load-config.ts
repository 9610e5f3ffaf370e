import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { ProblemList } from './config-error.js';
import { readYamlFile } from './yaml-file.js';
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
}

const clientNamePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Reads and validates a configuration folder. Collects every problem before failing, with
 * file paths relative to the working directory so messages can be clicked in a terminal.
 * Structural checks that need the built graph (client projections, proto methods) happen in
 * the build step; `facet check` runs both.
 */
export function loadConfigFolder(dir: string, env: Readonly<Record<string, string | undefined>>, problems: ProblemList): GatewayConfig {
  const root = resolve(dir);
  const display = (file: string) => relative(process.cwd(), file) || file;
  const config: GatewayConfig = { dir: root, gateway: gatewayFileSchema.parse({}), sources: [], clients: [] };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    problems.add({ file: display(root), message: 'configuration folder not found' });
    return config;
  }

  const gatewayFile = join(root, 'gateway.yaml');
  if (existsSync(gatewayFile)) config.gateway = readYamlFile(display(gatewayFile), readFileSync(gatewayFile, 'utf8'), gatewayFileSchema, problems, env) ?? config.gateway;

  const schemaDir = join(root, 'schema');
  const sourceFiles = existsSync(schemaDir) ? readdirSync(schemaDir).filter((f) => f.endsWith('.graphql')).sort() : [];
  if (sourceFiles.length === 0) problems.add({ file: display(schemaDir), message: 'no sources: add schema/<name>.graphql files with @source' });
  const sourceNames = new Map<string, string>();
  for (const fileName of sourceFiles) {
    const file = join(schemaDir, fileName);
    const source = parseSourceFile(display(file), readFileSync(file, 'utf8'), env, problems);
    if (!source) continue;
    const clash = sourceNames.get(source.name);
    if (clash) problems.add({ file: display(file), message: `source name "${source.name}" is already used by ${clash}` });
    sourceNames.set(source.name, display(file));
    config.sources.push(source);
  }

  const clientsDir = join(root, 'clients');
  const clientDirs = existsSync(clientsDir) ? readdirSync(clientsDir).filter((d) => statSync(join(clientsDir, d)).isDirectory()).sort() : [];
  if (clientDirs.length === 0) problems.add({ file: display(clientsDir), message: 'no clients: add clients/<name>/schema.graphql' });
  for (const name of clientDirs) {
    const folder = join(clientsDir, name);
    if (!clientNamePattern.test(name)) { problems.add({ file: display(folder), message: 'client folder names are lower-case words (they become /<name>/graphql)' }); continue; }
    const optionsFile = join(folder, 'client.yaml');
    const schemaFile = join(folder, 'schema.graphql');
    const options = existsSync(optionsFile)
      ? readYamlFile(display(optionsFile), readFileSync(optionsFile, 'utf8'), clientFileSchema, problems, env)
      : clientFileSchema.parse({});
    if (!existsSync(schemaFile)) { problems.add({ file: display(schemaFile), message: 'missing: each client declares the schema it sees' }); continue; }
    const parsed = parseClientSchema(name, display(schemaFile), readFileSync(schemaFile, 'utf8'), problems);
    if (parsed && options) {
      for (const [i, key] of (options.auth.apiKeys?.keys ?? []).entries()) {
        if (key.plan && !options.quotas.plans[key.plan]) problems.add({ file: display(optionsFile), path: `auth.apiKeys.keys.${i}.plan`, message: `plan "${key.plan}" is not defined under quotas.plans` });
      }
      config.clients.push({ ...parsed, options, optionsFile: display(optionsFile) });
    }
  }
  return config;
}
