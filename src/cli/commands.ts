import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: exit code 2, the message and the command's usage on stderr. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
    readonly showUsage = true,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

interface OptionSpec {
  type: 'string' | 'boolean';
  /** How the value is shown in the usage, e.g. "<folder>". */
  value?: string;
  description: string;
  default?: string;
}

interface CommandSpec {
  summary: string;
  /** Positional arguments, in order, as shown in the usage, e.g. ["<api-key>"]; all required. */
  positionals?: string[];
  options: Record<string, OptionSpec>;
}

const dirOption: OptionSpec = {
  type: 'string',
  value: '<folder>',
  description: 'configuration folder (schema/, clients/, gateway.yaml)',
  default: '.',
};

export const commands = {
  start: {
    summary: 'serve a configuration folder',
    options: {
      dir: dirOption,
      port: {
        type: 'string',
        value: '<n>',
        description: 'port to listen on; 0 picks a free one (default: $PORT, else 4000)',
      },
      host: { type: 'string', value: '<addr>', description: 'address to bind (default: $HOST, else 127.0.0.1)' },
      watch: { type: 'boolean', description: 'rebuild and swap in when the configuration changes' },
      'readiness-delay': {
        type: 'string',
        value: '<ms>',
        description:
          'on SIGTERM, answer /readyz 503 this long before closing the listener (default: $FACET_READINESS_DELAY_MS, else 0)',
      },
      workers: {
        type: 'string',
        value: '<n|auto>',
        description:
          'worker processes sharing the port; auto = one per core; over 1, quotas and @rateLimit need REDIS_URL (default: $FACET_WORKERS, else 1)',
      },
      'heap-growth': {
        type: 'string',
        value: '<percent>',
        description:
          "how far the JavaScript heap may grow past its live objects before a full collection, 0 to 400; 0 = V8's own policy, which lets it reach 300 under load (default: $FACET_HEAP_GROWTH, else 100)",
      },
    },
  },
  check: {
    summary: 'validate a configuration folder and list every problem (file:line)',
    options: { dir: dirOption },
  },
  token: {
    summary: 'mint a JWT for a client that verifies JWTs with a secret (the demo issuer)',
    options: {
      sub: { type: 'string', value: '<user>', description: 'the subject (user id); required' },
      scopes: {
        type: 'string',
        value: '"a b"',
        description: 'space-separated scopes (default: every scope the clients ask for)',
      },
      roles: { type: 'string', value: '"r s"', description: 'space-separated roles' },
      'expires-in': { type: 'string', value: '<duration>', description: 'lifetime: 30s, 15m, 1h, 7d', default: '1h' },
      client: {
        type: 'string',
        value: '<name>',
        description: 'the client whose issuer signs (default: the first with a secret)',
      },
      dir: dirOption,
    },
  },
  directives: {
    summary: 'print the definitions of every directive Facet reads, for editors and linters',
    options: {},
  },
  cache: {
    summary: 'purge cached answers holding an entity, on a running gateway (its admin endpoint)',
    positionals: ['purge'],
    options: {
      type: { type: 'string', value: '<Type>', description: 'the entity type, e.g. Product; required' },
      id: { type: 'string', value: '<key>', description: 'its key; without it every cached answer holding a <Type>' },
      url: {
        type: 'string',
        value: '<url>',
        description: 'the gateway (default: $FACET_URL, else http://127.0.0.1:4000); the key is $FACET_ADMIN_KEY',
      },
    },
  },
  'hash-key': {
    summary: 'print the SHA-256 of an API key, to put in client.yaml',
    positionals: ['<api-key>'],
    options: {},
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof commands;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

const helpLine = `${'  -h, --help'.padEnd(28)}show this help`;

export function generalUsage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 3;
  return [
    'Usage: facet <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, spec]) => `  ${name.padEnd(width)}${spec.summary}`),
    '',
    'Run `facet <command> --help` for the options of a command.',
    'A configuration folder holds schema/ (one <source>.graphql per backend, plus .proto files),',
    'clients/<name>/ and an optional gateway.yaml.',
    'Environment: PORT, HOST, LOG_LEVEL, REDIS_URL, and the variables your sources use in ${...}.',
  ].join('\n');
}

export function commandUsage(name: CommandName): string {
  const spec: CommandSpec = commands[name];
  const options = Object.entries(spec.options).map(([option, o]) => {
    const left = `  --${option}${o.value ? ` ${o.value}` : ''}`;
    return `${left.padEnd(28)}${o.description}${o.default !== undefined && !o.description.includes('default') ? ` (default: ${o.default})` : ''}`;
  });
  return [
    `Usage: facet ${name}${spec.positionals?.length ? ` ${spec.positionals.join(' ')}` : ''}${options.length ? ' [options]' : ''}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...options,
    helpLine,
  ].join('\n');
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** Strict parsing against the command's own options: unknown options and extra arguments are usage errors. */
export function parseCommand(name: CommandName, args: string[]): ParsedCommand {
  const spec: CommandSpec = commands[name];
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [option, o] of Object.entries(spec.options))
    options[option] = o.default === undefined ? { type: o.type } : { type: o.type, default: o.default };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), name);
  }
  const help = parsed.values['help'] === true;
  const expected = spec.positionals ?? [];
  if (!help && parsed.positionals.length > expected.length) {
    throw new UsageError(
      `unexpected argument${parsed.positionals.length - expected.length > 1 ? 's' : ''} ${parsed.positionals
        .slice(expected.length)
        .map((p) => `"${p}"`)
        .join(' ')}`,
      name,
    );
  }
  if (!help && parsed.positionals.length < expected.length)
    throw new UsageError(`missing ${expected.slice(parsed.positionals.length).join(' ')}`, name);
  return { values: parsed.values, positionals: parsed.positionals, help };
}

/** node:util's messages are long and suggest `--`; keep the part that names the problem. */
function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option ${quoted}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    const option = quoted.split(' ')[0];
    return /argument missing/.test(error.message)
      ? `option ${option} needs a value`
      : `option ${option} takes no value`;
  }
  return error.message.split('\n')[0]!;
}
