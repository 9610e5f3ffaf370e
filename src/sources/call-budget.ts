import { createGatewayError } from '../errors/index.js';
import type { SourceCallContext } from './call-context.js';

/** Upstream calls started so far, per request context. */
const startedCalls = new WeakMap<object, number>();

/**
 * Counts an upstream call of the request as it starts. Past the client's `maxUpstreamCalls` the
 * call is not made and fails with QUERY_TOO_COMPLEX, and so does every later one: a request that
 * fans out (a long list, a deep chain of references) stops calling backends instead of flooding them.
 */
export function chargeUpstreamCall(context: SourceCallContext, source: string): void {
  const max = context.maxUpstreamCalls;
  if (max === undefined) return;
  const started = (startedCalls.get(context) ?? 0) + 1;
  startedCalls.set(context, started);
  if (started > max) {
    throw createGatewayError('QUERY_TOO_COMPLEX', {
      source,
      message: `This request needs more than ${max} upstream calls (limits.maxUpstreamCalls)`,
      extensions: { maxUpstreamCalls: max },
    });
  }
}
