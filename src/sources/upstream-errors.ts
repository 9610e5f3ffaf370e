import type { GraphQLError } from 'graphql';
import { createGatewayError } from '../errors/index.js';
import { CircuitOpenError } from '../resilience/index.js';

/** An upstream answered with a status the gateway treats as an error; kept internal (logged). */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`upstream answered ${status}`);
  }
}

/** An upstream answered 2xx with a body that is not the expected JSON/shape. */
export class UpstreamBadResponseError extends Error {}

/** An upstream answer larger than the source's `maxResponseBytes`: cut off unread, the backend's doing. */
export class ResponseTooLargeError extends UpstreamBadResponseError {
  constructor(
    source: string,
    readonly limit: number,
  ) {
    super(`response from ${source} is larger than maxResponseBytes (${limit})`);
  }
}

/**
 * The gateway could not build or send the request (a header value, metadata, serialization):
 * raised before anything left the gateway, so it says nothing about the backend's health and
 * never counts against its circuit breaker.
 */
export class LocalCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const grpcStatus = {
  DEADLINE_EXCEEDED: 4,
  UNAVAILABLE: 14,
  INVALID_ARGUMENT: 3,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  ALREADY_EXISTS: 6,
} as const;

/**
 * Turns whatever a REST or gRPC call threw into a coded GraphQL error naming the source. The
 * backend's own message, body and address reach only the log (runCall publishes them on the
 * upstream-call channel), never the answer.
 */
export function toUpstreamError(source: string, error: unknown): GraphQLError {
  if (error instanceof CircuitOpenError) {
    return createGatewayError('CIRCUIT_OPEN', {
      source,
      extensions: { retryAfter: Math.ceil(error.retryAfterMs / 1000) },
    });
  }
  if (error instanceof LocalCallError) {
    return createGatewayError('BAD_USER_INPUT', {
      source,
      message: `The request to source ${source} cannot be built from this input`,
    });
  }
  if (error instanceof ResponseTooLargeError) {
    return createGatewayError('UPSTREAM_BAD_RESPONSE', {
      source,
      message: 'The backend answered with a response larger than its limit',
      extensions: { maxResponseBytes: error.limit },
    });
  }
  if (error instanceof UpstreamBadResponseError) return createGatewayError('UPSTREAM_BAD_RESPONSE', { source });
  const e = error as { code?: unknown; statusCode?: unknown; status?: unknown; name?: string };
  if (error instanceof UpstreamStatusError || typeof e.statusCode === 'number') {
    const status = error instanceof UpstreamStatusError ? error.status : (e.statusCode as number);
    if (status === 503)
      return createGatewayError('UPSTREAM_UNAVAILABLE', { source, extensions: { upstreamStatus: status } });
    if (status === 504)
      return createGatewayError('UPSTREAM_TIMEOUT', { source, extensions: { upstreamStatus: status } });
    if (status >= 400 && status < 500)
      return createGatewayError('UPSTREAM_REJECTED', { source, extensions: { upstreamStatus: status } });
    return createGatewayError('UPSTREAM_ERROR', { source, extensions: { upstreamStatus: status } });
  }
  if (typeof e.code === 'number') {
    // gRPC status codes (grpc-js ServiceError)
    if (e.code === grpcStatus.DEADLINE_EXCEEDED) return createGatewayError('UPSTREAM_TIMEOUT', { source });
    if (e.code === grpcStatus.UNAVAILABLE) return createGatewayError('UPSTREAM_UNAVAILABLE', { source });
    if (
      [
        grpcStatus.INVALID_ARGUMENT,
        grpcStatus.FAILED_PRECONDITION,
        grpcStatus.OUT_OF_RANGE,
        grpcStatus.ALREADY_EXISTS,
      ].includes(e.code as 3)
    ) {
      return createGatewayError('UPSTREAM_REJECTED', { source });
    }
    return createGatewayError('UPSTREAM_ERROR', { source });
  }
  if (typeof e.code === 'string' && timeoutCodes.has(e.code)) return createGatewayError('UPSTREAM_TIMEOUT', { source });
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return createGatewayError('UPSTREAM_TIMEOUT', { source });
  return createGatewayError('UPSTREAM_UNAVAILABLE', { source });
}

/**
 * Which failures say the backend is unhealthy (for the circuit breaker). Client-side 4xx do not,
 * and neither does a request the gateway failed to build: one caller's odd input must not open
 * the circuit for everyone.
 */
export function isBackendFailure(error: unknown): boolean {
  if (error instanceof LocalCallError) return false;
  if (error instanceof UpstreamStatusError) return error.status >= 500;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode >= 500;
  if (typeof e.code === 'number')
    return (
      e.code === grpcStatus.UNAVAILABLE || e.code === grpcStatus.DEADLINE_EXCEEDED || e.code === 13 || e.code === 2
    );
  return true;
}
