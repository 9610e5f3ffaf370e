import DataLoader from 'dataloader';
import type { SelectionSetNode } from 'graphql';
import { CircuitBreaker } from '../../resilience/index.js';
import type { SourceCallContext } from '../call-context.js';
import { getLoader } from '../loaders.js';
import type { FieldBinding, SourceCall, SourceDefinition } from '../model.js';
import type { CompiledCall, PreparedCall, ProtocolClient, Report, SourceProtocol } from '../protocol.js';
import type { TemplateScope } from '../template.js';
import { publishCircuitState } from '../upstream-events.js';
import { createBatchCall, type BatchCall } from './batch-call.js';
import { createCallRunner, type CallRunner } from './run-call.js';

export type { BatchCall } from './batch-call.js';

/** One plain call of a bound field: its value for this scope (null when the backend said "not found"). */
export type FieldCall = (
  scope: TemplateScope,
  context: SourceCallContext,
  selection?: SelectionSetNode,
) => Promise<unknown>;

/**
 * Everything needed to call one source by field, independent of GraphQL execution: the compiled
 * calls, the circuit breaker, the call budget, the upstream events and the per-request loaders.
 * The subschema adapter builds resolvers on it; a query planner can call it directly.
 */
export interface SourceRuntime {
  readonly definition: SourceDefinition;
  readonly protocol: SourceProtocol;
  readonly breaker: CircuitBreaker;
  /** The plain call of `Type.field`; undefined when the field has none, has a batch call or did not compile. */
  callOf(coordinate: string): FieldCall | undefined;
  /** The batch call of a `@batch` field `Type.field`. */
  batchOf(coordinate: string): BatchCall | undefined;
  close(): Promise<void>;
}

/** Compiles the calls of a source on its client; problems (a binding that does not fit the source) go to `report`. */
export function createSourceRuntime(
  def: SourceDefinition,
  protocol: SourceProtocol,
  client: ProtocolClient,
  report: Report,
): SourceRuntime {
  const breaker = new CircuitBreaker({ onStateChange: (state) => publishCircuitState({ source: def.name, state }) });
  const runner = createCallRunner(def, protocol, breaker);
  const calls = new Map<string, FieldCall>();
  const batches = new Map<string, BatchCall>();
  for (const binding of def.bindings) {
    if (!binding.call) continue;
    const compiled = compileBinding(protocol, client, binding as FieldBinding & { call: SourceCall }, report);
    if (!compiled) continue;
    const coordinate = `${binding.typeName}.${binding.fieldName}`;
    if (binding.batch) batches.set(coordinate, createBatchCall(def.name, coordinate, binding.batch, compiled, runner));
    else calls.set(coordinate, createFieldCall(def.name, coordinate, compiled, runner));
  }
  return {
    definition: def,
    protocol,
    breaker,
    callOf: (coordinate) => calls.get(coordinate),
    batchOf: (coordinate) => batches.get(coordinate),
    close: () => client.close(),
  };
}

function compileBinding(
  protocol: SourceProtocol,
  client: ProtocolClient,
  binding: FieldBinding & { call: SourceCall },
  report: Report,
): CompiledCall | undefined {
  if (binding.call.kind === protocol.directive.name) return protocol.compile(binding, client, report);
  report(
    binding.line,
    `${binding.typeName}.${binding.fieldName}`,
    `${protocol.label} sources use @${protocol.directive.name}, not @${binding.call.kind}`,
  );
  return undefined;
}

/**
 * A plain call. Identical upstream requests within one request (same signature: method, path,
 * query, body, call headers) are sent once and their raw answer is shared; each field then reads
 * its own part of it, so two fields on one URL with different `result` paths each get their own value.
 */
function createFieldCall(source: string, operation: string, compiled: CompiledCall, runner: CallRunner): FieldCall {
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
  return (scope, context, selection) => {
    const prepared = runner.prepare(operation, compiled, scope, context, selection);
    return getLoader(context, loaderKey, createLoader)
      .load({ ...prepared, operation, context })
      .then(compiled.extract);
  };
}
