import { resolve } from 'node:path';
import {
  commandUsage,
  generalUsage,
  isCommand,
  parseCommand,
  UsageError,
  type CommandName,
  type ParsedCommand,
} from './commands.js';

/**
 * `facet <command> [options]`. Exit codes: 0 ok, 1 invalid configuration or failed start,
 * 2 wrong usage (the problem and the usage go to stderr). Commands load their modules lazily,
 * so `--help` and mistakes answer at once.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    console.log(generalUsage());
    return 0;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (rest.length === 0 || (rest.length === 1 && topic && isCommand(topic))) {
      console.log(topic && isCommand(topic) ? commandUsage(topic) : generalUsage());
      return 0;
    }
    console.error(
      `facet help: ${rest.length > 1 ? 'one command at most' : `unknown command "${topic}"`}\n\n${generalUsage()}`,
    );
    return 2;
  }
  if (!command || !isCommand(command)) {
    console.error(
      `${command ? `facet: unknown command "${command}"` : 'facet: a command is needed'}\n\n${generalUsage()}`,
    );
    return 2;
  }
  let dir = resolve('.');
  try {
    const parsed = parseCommand(command, rest);
    if (parsed.help) {
      console.log(commandUsage(command));
      return 0;
    }
    dir = resolve(String(parsed.values['dir'] ?? '.'));
    return await run(command, dir, parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `facet ${error.command ?? command}: ${error.message}${error.showUsage ? `\n\n${commandUsage(error.command ?? command)}` : ''}`,
      );
      return 2;
    }
    const { ConfigError, formatProblem } = await import('../config/index.js');
    const { StartRefused } = await import('../cluster/index.js');
    if (error instanceof StartRefused) {
      console.error(`facet ${command}: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration in ${dir} is invalid:`);
      for (const problem of error.problems) console.error(`  ${formatProblem(problem)}`);
      return 1;
    }
    console.error(`facet ${command} failed: ${(error as Error).message}`);
    return 1;
  }
}

async function run(command: CommandName, dir: string, { values, positionals }: ParsedCommand): Promise<number> {
  switch (command) {
    case 'check': {
      const { buildGateway } = await import('../server/index.js');
      const built = buildGateway(dir, process.env);
      const { formatProblem } = await import('../config/index.js');
      for (const warning of built.warnings) console.error(`warning: ${formatProblem(warning)}`);
      console.log(
        `OK: ${built.sources.length} sources (${built.sources.map((s) => s.name).join(', ')}), ${built.clients.length} clients (${built.clients.map((c) => c.definition.endpoint).join(', ')})`,
      );
      await built.close();
      return 0;
    }
    case 'start': {
      const portText = String(values['port'] ?? process.env['PORT'] ?? 4000);
      const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
      if (!(port >= 0 && port <= 65535)) throw new UsageError(`invalid port "${portText}" (0 to 65535)`, 'start');
      const delayText = String(values['readiness-delay'] ?? process.env['FACET_READINESS_DELAY_MS'] ?? 0);
      if (!/^\d+$/.test(delayText))
        throw new UsageError(`invalid readiness delay "${delayText}" (milliseconds)`, 'start');
      const workersText = String(values['workers'] ?? process.env['FACET_WORKERS'] ?? 1);
      const {
        serveGateway,
        parseWorkerCount,
        maxWorkers,
        parseHeapGrowthPercent,
        defaultHeapGrowthPercent,
        heapGrowthRange,
      } = await import('../cluster/index.js');
      const workers = parseWorkerCount(workersText);
      if (workers === undefined)
        throw new UsageError(`invalid worker count "${workersText}" (1 to ${maxWorkers}, or auto)`, 'start');
      const growthText = String(values['heap-growth'] ?? process.env['FACET_HEAP_GROWTH'] ?? defaultHeapGrowthPercent);
      const heapGrowthPercent = parseHeapGrowthPercent(growthText);
      if (heapGrowthPercent === undefined)
        throw new UsageError(`invalid heap growth "${growthText}" (${heapGrowthRange})`, 'start');
      await serveGateway({
        workers,
        heapGrowthPercent,
        gateway: {
          dir,
          port,
          host: String(values['host'] ?? process.env['HOST'] ?? '127.0.0.1'),
          watch: values['watch'] === true,
          readinessDelayMs: Number(delayText),
        },
        announce(url, clients) {
          console.log(`Facet listening on ${url}${workers > 1 ? ` (${workers} workers)` : ''}`);
          for (const client of clients) console.log(`  ${url}${client.endpoint}`);
        },
      });
      return 0;
    }
    case 'token': {
      if (typeof values['sub'] !== 'string') throw new UsageError('--sub <user id> is required', 'token');
      const { mintToken } = await import('./token.js');
      console.log(
        await mintToken({
          dir,
          env: process.env,
          sub: values['sub'],
          scopes: values['scopes'] as string | undefined,
          roles: values['roles'] as string | undefined,
          expiresIn: String(values['expires-in']),
          client: values['client'] as string | undefined,
        }),
      );
      return 0;
    }
    case 'directives': {
      const { directiveDefinitions } = await import('./directives.js');
      console.log(directiveDefinitions());
      return 0;
    }
    case 'cache': {
      if (positionals[0] !== 'purge') throw new UsageError(`unknown cache action "${positionals[0]}" (purge)`, 'cache');
      if (typeof values['type'] !== 'string') throw new UsageError('--type <Type> is required', 'cache');
      const { purgeCache } = await import('./cache-purge.js');
      return purgeCache({
        url: String(values['url'] ?? process.env['FACET_URL'] ?? 'http://127.0.0.1:4000'),
        adminKey: process.env['FACET_ADMIN_KEY'],
        type: values['type'],
        id: values['id'] as string | undefined,
      });
    }
    case 'hash-key': {
      const { sha256Hex } = await import('../auth/index.js');
      console.log(`sha256: ${sha256Hex(positionals[0]!)}`);
      return 0;
    }
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
