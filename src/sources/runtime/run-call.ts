import { createGatewayError, errorCodeOf } from '../../errors/index.js';
import type { CircuitBreaker } from '../../resilience/index.js';
import { chargeUpstreamCall } from '../call-budget.js';
import type { SourceCallContext } from '../call-context.js';
import { trackCall } from '../coalesce.js';
import type { SourceDefinition } from '../model.js';
import type { CompiledCall, PreparedCall, Pushdown, SourceProtocol } from '../protocol.js';
import type { TemplateScope } from '../template.js';
import { isBackendFailure, toUpstreamError, UnsendableCallError } from '../upstream-errors.js';
import { publishUpstreamCall } from '../upstream-events.js';
import { runInCallSpan } from '../../observability/tracing/index.js';

/** How every call of one source is prepared and run: the call budget, the breaker, the events, the error mapping. */
export interface CallRunner {
  /**
   * Builds a call's request. One that cannot be built (an empty path value) fails here, before
   * the breaker, the call budget and any I/O, so it never counts against the source's circuit;
   * it is logged like a failed call, saying what was empty.
   */
  prepare(
    operation: string,
    compiled: CompiledCall,
    scope: TemplateScope,
    context: SourceCallContext,
    pushdown?: Pushdown,
  ): PreparedCall;
  /** Runs one logical call (`run` sends it, retries live in the client) and publishes its outcome; failures come out coded. */
  run(
    operation: string,
    run: () => Promise<unknown>,
    batchSize: number,
    context: SourceCallContext,
    request?: PreparedCall,
  ): Promise<unknown>;
}

/**
 * `someInstanceHealthy`: a source with several instances; its breaker counts a failure only when
 * none of them is healthy (one instance failing is the instance breakers' business).
 */
export function createCallRunner(
  def: SourceDefinition,
  protocol: SourceProtocol,
  breaker: CircuitBreaker,
  someInstanceHealthy?: () => boolean,
): CallRunner {
  const classify = (error: unknown) => protocol.classifyFailure(error);
  const backendFailure = someInstanceHealthy
    ? (error: unknown) => isBackendFailure(error, classify) && !someInstanceHealthy()
    : (error: unknown) => isBackendFailure(error, classify);
  return {
    prepare(operation, compiled, scope, context, pushdown) {
      try {
        return compiled.prepare(scope, context.upstreamHeaders, pushdown);
      } catch (error) {
        if (!(error instanceof UnsendableCallError)) throw error;
        publishUpstreamCall({
          source: def.name,
          operation,
          durationMs: 0,
          outcome: 'SOURCE_CALL_INVALID',
          batchSize: 0,
          requestId: context.requestId,
          detail: error.message,
          method: error.method,
        });
        throw createGatewayError('SOURCE_CALL_INVALID', { source: def.name });
      }
    },
    async run(operation, run, batchSize, context, request) {
      chargeUpstreamCall(context, def.name);
      const started = performance.now();
      const requestId = context.requestId;
      const span = context.trace?.startCall(`${def.name} ${request?.rpc ?? operation}`, {
        'facet.source': def.name,
        'facet.source.protocol': def.protocol,
        'facet.operation': operation,
        'http.request.method': request?.method,
        'url.template': request?.pathTemplate,
        'rpc.method': request?.rpc,
        'facet.batch.size': batchSize,
        // the state the call found: an open circuit refuses it without I/O
        'facet.breaker.state': breaker.state,
      });
      try {
        const send = () => breaker.run(run, backendFailure);
        const result = await trackCall(context, span ? () => runInCallSpan(span, send) : send);
        span?.end({ 'facet.outcome': 'ok' }, false);
        publishUpstreamCall({
          source: def.name,
          operation,
          durationMs: performance.now() - started,
          outcome: 'ok',
          batchSize,
          requestId,
        });
        return result;
      } catch (error) {
        const coded = toUpstreamError(def.name, error, classify);
        span?.end(
          {
            'facet.outcome': errorCodeOf(coded) ?? 'error',
            'http.response.status_code': coded.extensions['upstreamStatus'] as number | undefined,
          },
          true,
        );
        publishUpstreamCall({
          source: def.name,
          operation,
          durationMs: performance.now() - started,
          outcome: errorCodeOf(coded) ?? 'error',
          batchSize,
          requestId,
          detail: describe(error),
          method: request?.method,
          path: request?.path,
          upstreamStatus: coded.extensions['upstreamStatus'] as number | undefined,
        });
        throw coded;
      }
    },
  };
}

/** What the backend or the client library said, for the log line only. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: string }).detail;
  return `${error.name}: ${error.message}${detail ? ` — ${detail}` : ''}`;
}
