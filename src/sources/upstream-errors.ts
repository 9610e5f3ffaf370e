import type { GraphQLError } from 'graphql';
import { createGatewayError } from '../errors/index.js';
import { CircuitOpenError } from '../resilience/index.js';

/** An upstream answered with a status the gateway treats as an error; kept internal (logged). */
export class UpstreamStatusError extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(`upstream answered ${status}`);
  }
}

/** An upstream answered 2xx with a body that is not the expected JSON/shape. */
export class UpstreamBadResponseError extends Error {}

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const grpcStatus = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14, INVALID_ARGUMENT: 3, FAILED_PRECONDITION: 9, OUT_OF_RANGE: 11, ALREADY_EXISTS: 6 } as const;

/**
 * Turns whatever a REST or gRPC call threw into a coded GraphQL error naming the source. The
 * backend's own message, body and address reach only the log (runCall publishes them on the
 * upstream-call channel), never the answer.
 */
export function toUpstreamError(source: string, error: unknown): GraphQLError {
  if (error instanceof CircuitOpenError) {
    return createGatewayError('CIRCUIT_OPEN', { source, extensions: { retryAfter: Math.ceil(error.retryAfterMs / 1000) } });
  }
  if (error instanceof UpstreamBadResponseError) return createGatewayError('UPSTREAM_BAD_RESPONSE', { source });
  const e = error as { code?: unknown; statusCode?: unknown; status?: unknown; name?: string };
  if (error instanceof UpstreamStatusError || typeof e.statusCode === 'number') {
    const status = error instanceof UpstreamStatusError ? error.status : (e.statusCode as number);
    if (status === 503) return createGatewayError('UPSTREAM_UNAVAILABLE', { source, extensions: { upstreamStatus: status } });
    if (status === 504) return createGatewayError('UPSTREAM_TIMEOUT', { source, extensions: { upstreamStatus: status } });
    if (status >= 400 && status < 500) return createGatewayError('UPSTREAM_REJECTED', { source, extensions: { upstreamStatus: status } });
    return createGatewayError('UPSTREAM_ERROR', { source, extensions: { upstreamStatus: status } });
  }
  if (typeof e.code === 'number') {
    // gRPC status codes (grpc-js ServiceError)
    if (e.code === grpcStatus.DEADLINE_EXCEEDED) return createGatewayError('UPSTREAM_TIMEOUT', { source });
    if (e.code === grpcStatus.UNAVAILABLE) return createGatewayError('UPSTREAM_UNAVAILABLE', { source });
    if ([grpcStatus.INVALID_ARGUMENT, grpcStatus.FAILED_PRECONDITION, grpcStatus.OUT_OF_RANGE, grpcStatus.ALREADY_EXISTS].includes(e.code as 3)) {
      return createGatewayError('UPSTREAM_REJECTED', { source });
    }
    return createGatewayError('UPSTREAM_ERROR', { source });
  }
  if (typeof e.code === 'string' && timeoutCodes.has(e.code)) return createGatewayError('UPSTREAM_TIMEOUT', { source });
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return createGatewayError('UPSTREAM_TIMEOUT', { source });
  return createGatewayError('UPSTREAM_UNAVAILABLE', { source });
}

/** Which failures say the backend is unhealthy (for the circuit breaker). Client-side 4xx do not. */
export function isBackendFailure(error: unknown): boolean {
  if (error instanceof UpstreamStatusError) return error.status >= 500;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode >= 500;
  if (typeof e.code === 'number') return e.code === grpcStatus.UNAVAILABLE || e.code === grpcStatus.DEADLINE_EXCEEDED || e.code === 13 || e.code === 2;
  return true;
}
