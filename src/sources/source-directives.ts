import { ejectAfterFailures } from './parse-source-instances.js';
import { protocolNames, protocols } from './protocols.js';

/**
 * Largest backend answer read by default: 1 MiB. JSON.parse of an object-heavy 1 MiB body takes
 * about 7 ms on a 2-core machine (4 MiB: about 18–29 ms), time the event loop gives no other request.
 */
const defaultMaxResponseBytes = 1024 * 1024;

/**
 * @source's integer arguments: default and accepted range, defined once. The loader applies them,
 * the SDL below prints the defaults, and a unit test checks the README's directive table.
 */
export const sourceIntArguments = {
  timeoutMs: { default: 5000, min: 1, max: 120_000 },
  retries: { default: 1, min: 0, max: 5 },
  connections: { default: 32, min: 1, max: 1024 },
  maxResponseBytes: { default: defaultMaxResponseBytes, min: 256, max: 64 * 1024 * 1024 },
} as const;
const { timeoutMs, retries, connections, maxResponseBytes } = sourceIntArguments;

/**
 * The directives a source file may use, with their arguments. Exported as SDL for the README and
 * editors (each protocol brings its call directive); the loader checks usages against `directiveArguments` and strips them before building.
 */
export const sourceDirectivesSdl = /* GraphQL */ `
"A backend. On \`extend schema\` in schema/<name>.graphql."
directive @source(name: String!, protocol: Protocol!, url: [String!]!, proto: String, service: String, sdl: String,
                  timeoutMs: Int = ${timeoutMs.default}, retries: Int = ${retries.default}, connections: Int = ${connections.default}, maxResponseBytes: Int = ${maxResponseBytes.default},
                  ejectAfterFailures: Int = ${ejectAfterFailures.default}, healthCheck: JSON) on SCHEMA
enum Protocol { ${protocolNames.join(' ')} }
${Object.values(protocols)
  .flatMap((p) => (p.directive ? [p.directive.sdl] : []))
  .join('\n')}
"Collapse the lookups of one request into one call; results matched back by key."
directive @batch(key: String!, arg: String, maxSize: Int = 100) on FIELD_DEFINITION
"Root field that resolves the returned entity by its key (type-merging entry point)."
directive @lookup on FIELD_DEFINITION
"An entity: other sources may add fields to it."
directive @key(fields: String!) on OBJECT
"Read the field from another payload property."
directive @map(from: String!) on FIELD_DEFINITION
"Reference an entity of another source from the parent's data."
directive @ref(key: JSON!) on FIELD_DEFINITION
"Cache the call's answers (each key's, for @batch) for maxAge seconds; PRIVATE: per caller (the identity headers it forwards). On a type: for the calls returning it that declare none."
directive @cacheControl(maxAge: Int!, scope: CacheScope = PUBLIC) on FIELD_DEFINITION | OBJECT
enum CacheScope { PUBLIC PRIVATE }
"On a mutation: once it succeeds, purge the cached answers holding this entity (besides the entities it returns)."
directive @invalidates(type: String!, key: JSON!) repeatable on FIELD_DEFINITION
`;

export const directiveArguments: Record<string, { required: string[]; optional: string[] }> = {
  source: {
    required: ['name', 'protocol', 'url'],
    optional: [
      'proto',
      'service',
      'sdl',
      'timeoutMs',
      'retries',
      'connections',
      'maxResponseBytes',
      'ejectAfterFailures',
      'healthCheck',
    ],
  },
  ...Object.fromEntries(
    Object.values(protocols).flatMap((p) => (p.directive ? [[p.directive.name, p.directive.arguments]] : [])),
  ),
  batch: { required: ['key'], optional: ['arg', 'maxSize'] },
  lookup: { required: [], optional: [] },
  key: { required: ['fields'], optional: [] },
  map: { required: ['from'], optional: [] },
  ref: { required: ['key'], optional: [] },
  cacheControl: { required: ['maxAge'], optional: ['scope'] },
  invalidates: { required: ['type', 'key'], optional: [] },
};

export const sourceDirectiveNames = new Set(Object.keys(directiveArguments));
