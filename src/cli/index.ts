import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, formatProblem } from '../config/index.js';
import { buildGateway, startGateway } from '../server/index.js';
import { installShutdownHandlers } from './shutdown.js';
import { mintToken } from './token.js';
import { directiveDefinitions } from './directives.js';
import { sha256Hex } from '../auth/index.js';

const usage = `Usage:
  facet start [--dir <folder>] [--port <n>] [--host <addr>] [--watch]   serve a configuration folder
  facet check [--dir <folder>]                                          validate it and list every problem
  facet token --sub <user> [--scopes "a b"] [--roles "r"] [--expires-in 1h] [--client <name>] [--dir <folder>]
                                                                        mint a JWT for a client verified with a secret
  facet directives                                                      print the directive definitions (for editors)
  facet hash-key <api-key>                                              print the sha256 to put in client.yaml

The folder holds schema/ (one <source>.graphql per backend, plus .proto files) and clients/<name>/.
Environment: PORT, HOST, LOG_LEVEL, and the variables your sources use in \${...}.`;

/** Exit codes: 0 ok, 1 invalid configuration or failed start, 2 wrong usage. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: { dir: { type: 'string', default: '.' }, port: { type: 'string' }, host: { type: 'string' }, watch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, sub: { type: 'string' }, scopes: { type: 'string' }, roles: { type: 'string' }, 'expires-in': { type: 'string', default: '1h' }, client: { type: 'string' } }, allowPositionals: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values['help'] || !command || command === 'help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  const dir = resolve(String(values['dir']));
  try {
    switch (command) {
      case 'check': {
        const built = buildGateway(dir, process.env);
        console.log(`OK: ${built.sources.length} sources (${built.sources.map((s) => s.name).join(', ')}), ${built.clients.length} clients (${built.clients.map((c) => c.definition.endpoint).join(', ')})`);
        await built.close();
        return 0;
      }
      case 'start': {
        const port = Number(values['port'] ?? process.env['PORT'] ?? 4000);
        if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`invalid port: ${String(values['port'] ?? process.env['PORT'])}`); return 2; }
        const gateway = await startGateway({ dir, port, host: String(values['host'] ?? process.env['HOST'] ?? '127.0.0.1'), watch: Boolean(values['watch']) });
        installShutdownHandlers(() => gateway.close());
        console.log(`Facet listening on ${gateway.url}`);
        for (const client of gateway.current().clients) console.log(`  ${gateway.url}${client.definition.endpoint}`);
        return 0;
      }
      case 'token': {
        if (typeof values['sub'] !== 'string') { console.error(`facet token needs --sub <user id>\n\n${usage}`); return 2; }
        console.log(await mintToken({ dir, env: process.env, sub: values['sub'], scopes: values['scopes'] as string | undefined, roles: values['roles'] as string | undefined, expiresIn: String(values['expires-in']), client: values['client'] as string | undefined }));
        return 0;
      }
      case 'directives':
        console.log(directiveDefinitions());
        return 0;
      case 'hash-key': {
        const key = positionals[0];
        if (!key) { console.error(`facet hash-key needs the key\n\n${usage}`); return 2; }
        console.log(`sha256: ${sha256Hex(key)}`);
        return 0;
      }
      default:
        console.error(`unknown command "${command}"\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration in ${dir} is invalid:`);
      for (const problem of error.problems) console.error(`  ${formatProblem(problem)}`);
      return 1;
    }
    console.error(`facet ${command} failed: ${(error as Error).message}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
