import DataLoader from 'dataloader';
import { CircuitBreaker } from '../../resilience/index.js';
import { instanceStatus } from '../../resilience/instance-pool.js';
import type { InstanceStatus } from '../../resilience/instance-status.js';
import type { SourceCallContext } from '../call-context.js';
import { getLoader } from '../loaders.js';
import type { FieldBinding, SourceCall, SourceDefinition } from '../model.js';
import type { CompiledCall, PreparedCall, ProtocolClient, Pushdown, Report, SourceProtocol } from '../protocol.js';
import type { TemplateScope } from '../template.js';
import { publishCircuitState } from '../upstream-events.js';
import { createBatchCall, type BatchCall } from './batch-call.js';
import { createCallRunner, type CallRunner } from './run-call.js';
import { createEntityBatch, type EntityBatch } from './entity-batch.js';
import { CallCache } from './call-cache.js';
import type { CachedCalls } from './batch-call.js';
import type { CacheStore } from '../../cache/cache-store.js';
import { EntityTagger } from '../../cache/entity-tags.js';
import { createInvalidation, type Invalidate } from './invalidate.js';

export type { BatchCall } from './batch-call.js';
export type { EntityBatch } from './entity-batch.js';

/** One plain call of a bound field: its value for this scope (null when the backend said "not found"). */
export type FieldCall = (scope: TemplateScope, context: SourceCallContext, pushdown?: Pushdown) => Promise<unknown>;

/**
 * Everything needed to call one source by field, independent of GraphQL execution: the compiled
 * calls, the circuit breaker, the call budget, the upstream events and the per-request loaders.
 * The subschema adapter builds resolvers on it; a query planner can call it directly.
 */
export interface SourceRuntime {
  readonly definition: SourceDefinition;
  readonly protocol: SourceProtocol;
  readonly breaker: CircuitBreaker;
  /** Each instance's status (one entry for a single-url source: the source's breaker). */
  instances(): InstanceStatus[];
  /** The plain call of `Type.field`; undefined when the field has none, has a batch call or did not compile. */
  callOf(coordinate: string): FieldCall | undefined;
  /** The batch call of a `@batch` field `Type.field`. */
  batchOf(coordinate: string): BatchCall | undefined;
  /** A federation subgraph's `_entities` fetch of an entity type it resolves. */
  entitiesOf(typeName: string): EntityBatch | undefined;
  close(): Promise<void>;
}

/** Compiles the calls of a source on its client; problems (a binding that does not fit the source) go to `report`. */
export function createSourceRuntime(
  def: SourceDefinition,
  protocol: SourceProtocol,
  client: ProtocolClient,
  report: Report,
  store?: CacheStore,
): SourceRuntime {
  const breaker = new CircuitBreaker({ onStateChange: (state) => publishCircuitState({ source: def.name, state }) });
  const instances = client.instances ? () => client.instances!() : () => [instanceStatus(def.url, breaker)];
  const someInstanceHealthy = client.instances && (() => instances().some((instance) => instance.healthy));
  const runner = createCallRunner(def, protocol, breaker, someInstanceHealthy);
  const tagger = store && new EntityTagger(def);
  const cache = tagger && def.bindings.some((b) => b.cache) ? new CallCache(def.name, store, tagger) : undefined;
  const calls = new Map<string, FieldCall>();
  const batches = new Map<string, BatchCall>();
  for (const binding of def.bindings) {
    if (!binding.call) continue;
    const compiled = compileBinding(protocol, client, binding as FieldBinding & { call: SourceCall }, report);
    if (!compiled) continue;
    const coordinate = `${binding.typeName}.${binding.fieldName}`;
    const cached = binding.cache && cache ? { cache, hint: binding.cache, binding } : undefined;
    const invalidate = binding.typeName === 'Mutation' && store && tagger && createInvalidation(binding, store, tagger);
    if (binding.batch)
      batches.set(coordinate, createBatchCall(def.name, coordinate, binding.batch, compiled, runner, cached));
    else
      calls.set(coordinate, createFieldCall(def.name, coordinate, compiled, runner, cached, invalidate || undefined));
  }
  const entities = new Map<string, EntityBatch>();
  for (const [typeName, keys] of def.federation?.keys ?? []) {
    const compiled = keys.some((k) => k.resolvable) ? protocol.compileEntities?.(typeName, client) : undefined;
    if (compiled) entities.set(typeName, createEntityBatch(def.name, typeName, compiled, runner));
  }
  return {
    definition: def,
    protocol,
    breaker,
    instances,
    callOf: (coordinate) => calls.get(coordinate),
    batchOf: (coordinate) => batches.get(coordinate),
    entitiesOf: (typeName) => entities.get(typeName),
    close: () => client.close(),
  };
}

function compileBinding(
  protocol: SourceProtocol,
  client: ProtocolClient,
  binding: FieldBinding & { call: SourceCall },
  report: Report,
): CompiledCall | undefined {
  if (binding.call.kind === protocol.callKind) return protocol.compile(binding, client, report);
  report(
    binding.line,
    `${binding.typeName}.${binding.fieldName}`,
    protocol.directive
      ? `${protocol.label} sources use @${protocol.directive.name}, not @${binding.call.kind}`
      : `${protocol.label} sources take no call directives (@${binding.call.kind}): their root fields are the calls`,
  );
  return undefined;
}

/**
 * A plain call. Identical upstream requests within one request (same signature: method, path,
 * query, body, call headers) are sent once and their raw answer is shared; each field then reads
 * its own part of it, so two fields on one URL with different `result` paths each get their own value.
 */
function createFieldCall(
  source: string,
  operation: string,
  compiled: CompiledCall,
  runner: CallRunner,
  cached?: CachedCalls,
  invalidate?: Invalidate,
): FieldCall {
  type Pending = PreparedCall & { operation: string; context: SourceCallContext };
  const loaderKey = `${source}:calls`;
  const createLoader = () =>
    new DataLoader<Pending, unknown, string>(
      (calls) =>
        Promise.all(
          calls.map((call) =>
            runner.run(call.operation, call.send, 0, call.context, call).catch((error: Error) => error),
          ),
        ),
      { batch: false, cacheKeyFn: (call) => call.signature },
    );
  if (invalidate)
    // a mutation: once it succeeded, the cached answers holding what it changed are purged
    // before its answer is returned, so the caller's next read is fresh
    return async (scope, context, pushdown) => {
      const prepared = runner.prepare(operation, compiled, scope, context, pushdown);
      const raw = await getLoader(context, loaderKey, createLoader).load({ ...prepared, operation, context });
      const value = compiled.extract(raw);
      await invalidate(scope, value);
      return value;
    };
  if (!cached)
    return (scope, context, pushdown) => {
      const prepared = runner.prepare(operation, compiled, scope, context, pushdown);
      return getLoader(context, loaderKey, createLoader)
        .load({ ...prepared, operation, context })
        .then(compiled.extract);
    };
  // @cacheControl: the raw answer by signature (and identity, PRIVATE), before the request's loader
  const { cache, hint, binding } = cached;
  return async (scope, context, pushdown) => {
    const prepared = runner.prepare(operation, compiled, scope, context, pushdown);
    const key = cache.keyOf(hint, `${operation}\u0000${prepared.signature}`, context);
    const [hit] = await cache.get([key], context);
    if (hit !== undefined) return compiled.extract(hit);
    const epoch = cache.store.epoch;
    const raw = await getLoader(context, loaderKey, createLoader).load({ ...prepared, operation, context });
    const value = compiled.extract(raw);
    if (!(raw instanceof Error)) cache.set([{ key, raw, value, root: scope.root }], hint, binding, context, epoch);
    return value;
  };
}
