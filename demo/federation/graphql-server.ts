// Lean GraphQL-over-HTTP server of the federation demo and benchmark backends: plain node:http,
// POST /graphql with a JSON body (one operation, or an array of them), `parse` + `validate` cached
// per query text, then `execute`. Call counting (one call per operation; `_entities:<Type>` per entity
// type of an `_entities` request), latency, fault injection, GET /__calls, and a close() that does
// not wait on keep-alive sockets.
import http from 'node:http';
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  validate,
  valueFromASTUntyped,
} from 'graphql';
import { type CallCounter, Counter } from '../counter.js';
import { defaultLatencyMs, type Fault, INTERNAL_ERROR_DETAILS } from '../faults.js';
import type { DemoBackend } from '../index.js';
import { closeServer, displayHost, listenOn, send } from '../rest/http-server.js';

/**
 * 'down' answers 503 with a text body; 'garbage' answers 200 with the body `not json{`; 'slow' answers
 * after 10 s; 'error' answers 500 with a JSON body carrying internal-looking details.
 */
export type GraphqlFault = 'down' | 'garbage' | 'slow' | 'error';
export const GRAPHQL_FAULTS: readonly GraphqlFault[] = ['down', 'garbage', 'slow', 'error'];
/** How long the 'slow' fault holds an answer back. */
export const SLOW_FAULT_MS = 10_000;
/** Counter key of requests whose body or query could not be read, parsed or validated. */
export const INVALID_OPERATION = 'INVALID';

export interface GraphqlBackend {
  name: string;
  /** 'http://127.0.0.1:PORT/graphql'. */
  url: string;
  calls: CallCounter;
  setLatency(ms: number): void;
  setFault(f: GraphqlFault | null): void;
  close(): Promise<void>;
}

export interface GraphqlServerOptions {
  name: string;
  schema: GraphQLSchema;
  host: string;
  port: number;
  /** Default: env DEMO_LATENCY_MS, else 0. */
  latencyMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_CACHED_QUERIES = 1000;

interface Prepared {
  document?: DocumentNode;
  errors?: readonly GraphQLError[];
  fragments: Map<string, FragmentDefinitionNode>;
}

interface Call {
  /** Operation to run, or a ready answer (request errors). */
  run: (() => ExecutionResult | Promise<ExecutionResult>) | ExecutionResult;
}

const errorResult = (message: string): ExecutionResult => ({ errors: [new GraphQLError(message)] });

/** Top-level field names of a `@key(fields:)` selection ("id", "upc sku", "id org { id }" → id, org). */
function keyFieldNames(fields: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fields.replace(/[{}]/g, ' $& ').split(/[\s,]+/)) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (token !== '' && depth === 0) names.push(token);
  }
  return names;
}

/** Entity type → its (first) key's top-level field names, from the schema's `@key` directives. */
function entityKeys(schema: GraphQLSchema): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const node of [type.astNode, ...type.extensionASTNodes]) {
      const key = node?.directives?.find((d) => d.name.value === 'key');
      const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (fields?.kind === Kind.STRING && !keys.has(type.name)) keys.set(type.name, keyFieldNames(fields.value));
    }
  }
  return keys;
}

const idText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'));

function selectOperation(document: DocumentNode, name: unknown): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (typeof name === 'string' && name !== '') {
      if (def.name?.value === name) return def;
    } else {
      if (found) return undefined; // several operations and no operationName
      found = def;
    }
  }
  return found;
}

export async function startGraphqlServer(opts: GraphqlServerOptions): Promise<GraphqlBackend> {
  const { schema } = opts;
  const counter = new Counter();
  const keys = entityKeys(schema);
  const cache = new Map<string, Prepared>();
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = opts.latencyMs ?? defaultLatencyMs();
  let fault: GraphqlFault | null = null;
  let closed = false;

  /** Resolves after `ms`; never once the server is closed (its socket is destroyed instead). */
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return;
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const prepare = (query: string): Prepared => {
    let prepared = cache.get(query);
    if (prepared) return prepared;
    const fragments = new Map<string, FragmentDefinitionNode>();
    try {
      const document = parse(query);
      for (const def of document.definitions)
        if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      const errors = validate(schema, document);
      prepared = errors.length > 0 ? { errors, fragments } : { document, fragments };
    } catch (error) {
      prepared = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))], fragments };
    }
    if (cache.size >= MAX_CACHED_QUERIES) cache.clear();
    cache.set(query, prepared);
    return prepared;
  };

  /** Records the call of one operation: `_entities:<Type>` per entity type, else its root field names. */
  const recordOperation = (
    prepared: Prepared,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
  ): void => {
    const fields: string[] = [];
    const entityIds = new Map<string, string[]>();
    const visited = new Set<string>();
    const walk = (set: SelectionSetNode): void => {
      for (const sel of set.selections) {
        if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
        else if (sel.kind === Kind.FRAGMENT_SPREAD) {
          const frag = prepared.fragments.get(sel.name.value);
          if (frag && !visited.has(frag.name.value)) {
            visited.add(frag.name.value);
            walk(frag.selectionSet);
          }
        } else if (sel.name.value !== '_entities') {
          if (!fields.includes(sel.name.value)) fields.push(sel.name.value);
        } else {
          const arg = sel.arguments?.find((a) => a.name.value === 'representations');
          const reps: unknown = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
          for (const rep of Array.isArray(reps) ? reps : []) {
            if (rep === null || typeof rep !== 'object') continue;
            const r = rep as Record<string, unknown>;
            const typename = String(r['__typename']);
            const keyFields = keys.get(typename) ?? Object.keys(r).filter((k) => k !== '__typename');
            const ids = entityIds.get(typename) ?? [];
            ids.push(keyFields.map((k) => idText(r[k])).join(':'));
            entityIds.set(typename, ids);
          }
        }
      }
    };
    walk(operation.selectionSet);
    for (const [typename, ids] of entityIds) counter.record(`_entities:${typename}`, ids);
    if (fields.length > 0 || entityIds.size === 0) counter.record(fields.join(','));
  };

  /** Validates and records one operation of the body; its execution is deferred to after latency and faults. */
  const accept = (body: unknown): Call => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      counter.record(INVALID_OPERATION);
      return { run: errorResult('POST body must be a JSON object') };
    }
    const { query, variables, operationName } = body as Record<string, unknown>;
    if (typeof query !== 'string') {
      counter.record(INVALID_OPERATION);
      return { run: errorResult('Must provide query string.') };
    }
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) {
      counter.record(INVALID_OPERATION);
      return { run: errorResult('Variables must be provided as an Object where each property is a variable value.') };
    }
    const prepared = prepare(query);
    const { document } = prepared;
    if (!document) {
      counter.record(INVALID_OPERATION);
      return { run: { errors: prepared.errors ?? [] } };
    }
    const vars = (variables ?? undefined) as Record<string, unknown> | undefined;
    const operation = selectOperation(document, operationName);
    if (operation) recordOperation(prepared, operation, vars);
    else counter.record(INVALID_OPERATION);
    return {
      run: () =>
        execute({
          schema,
          document,
          variableValues: vars,
          operationName: typeof operationName === 'string' ? operationName : undefined,
        }),
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/__calls') {
      req.resume();
      send(res, 200, JSON.stringify(counter.snapshot()));
      return;
    }
    if (path !== '/graphql') {
      req.resume();
      send(res, 404, JSON.stringify({ errors: [{ message: 'not found' }] }));
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, JSON.stringify({ errors: [{ message: 'POST a JSON body' }] }), { allow: 'POST' });
      return;
    }
    const text = await readBody(req);
    let calls: Call[] | undefined;
    let batched = false;
    let badRequest: string | undefined;
    if (text === undefined) {
      counter.record(INVALID_OPERATION);
      badRequest = 'request body too large';
    } else {
      try {
        const body: unknown = JSON.parse(text);
        batched = Array.isArray(body);
        calls = Array.isArray(body) ? body.map(accept) : [accept(body)];
      } catch {
        counter.record(INVALID_OPERATION);
        badRequest = 'POST body is not valid JSON';
      }
    }

    if (latencyMs > 0) await wait(latencyMs);
    switch (fault) {
      case 'down':
        send(res, 503, 'service unavailable', { 'content-type': 'text/plain', 'retry-after': '1' });
        return;
      case 'garbage':
        send(res, 200, 'not json{');
        return;
      case 'error':
        send(res, 500, JSON.stringify({ errors: [{ message: INTERNAL_ERROR_DETAILS(opts.name) }] }));
        return;
      case 'slow':
        await wait(SLOW_FAULT_MS);
        break;
      case null:
        break;
    }

    if (!calls) {
      send(res, 400, JSON.stringify(errorResult(badRequest ?? 'bad request')));
      return;
    }
    const results = await Promise.all(calls.map((c) => (typeof c.run === 'function' ? c.run() : c.run)));
    send(res, 200, JSON.stringify(batched ? results : results[0]));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`[demo:${opts.name}]`, err);
      send(res, 500, JSON.stringify({ errors: [{ message: 'internal server error' }] }));
    });
  });

  const port = await listenOn(server, opts.host, opts.port);

  let closing: Promise<void> | undefined;
  return {
    name: opts.name,
    url: `http://${displayHost(opts.host)}:${port}/graphql`,
    calls: counter,
    setLatency(ms) {
      latencyMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
    },
    setFault(f) {
      if (f !== null && !GRAPHQL_FAULTS.includes(f)) throw new Error(`${opts.name}: unknown fault ${String(f)}`);
      fault = f;
    },
    close() {
      if (!closing) {
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        closing = closeServer(server);
      }
      return closing;
    },
  };
}

/** The body as text; undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A GraphQL backend as one of the demo shop's backends (protocol 'GRAPHQL', address = its url). Demo
 * faults map to GraphQL ones: unavailable → 'down' (503), malformed → 'garbage', hang → 'slow' (10 s),
 * error → 'error' (500); 'huge' is refused (REST only).
 */
export function toDemoBackend(backend: GraphqlBackend): DemoBackend {
  const FAULT_OF: Record<Exclude<Fault, 'huge'>, GraphqlFault> = {
    unavailable: 'down',
    malformed: 'garbage',
    hang: 'slow',
    error: 'error',
  };
  return {
    name: backend.name,
    protocol: 'GRAPHQL',
    address: backend.url,
    calls: backend.calls,
    setFault(f) {
      if (f === 'huge') throw new Error(`${backend.name}: the huge fault is for REST backends`);
      if (f !== null && !(f in FAULT_OF)) throw new Error(`${backend.name}: unknown fault ${String(f)}`);
      backend.setFault(f === null ? null : FAULT_OF[f]);
    },
    setLatency: (ms) => backend.setLatency(ms),
    close: () => backend.close(),
  };
}
