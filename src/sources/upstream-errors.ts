import type { GraphQLError } from 'graphql';
import { createGatewayError } from '../errors/index.js';
import { CircuitOpenError } from '../resilience/index.js';
import type { ProtocolFailure } from './protocol.js';

// The failures every protocol shares. A protocol's own (an HTTP or gRPC status) go through its
// `classifyFailure` (protocol.ts).

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

/**
 * A call whose request cannot be made from the values it was given (an empty URL path segment):
 * thrown by `prepare`, before the breaker, the call budget and any I/O. The field fails with
 * SOURCE_CALL_INVALID, and the log line says what was missing.
 */
export class UnsendableCallError extends LocalCallError {
  constructor(
    message: string,
    /** The request method, when the protocol has one (REST), for the log. */
    readonly method?: string,
  ) {
    super(message);
  }
}

type Classify = (error: unknown) => ProtocolFailure | undefined;

const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Turns whatever a call threw into a coded GraphQL error naming the source: the shared failures
 * here, the protocol's own through `classify`. The backend's own message, body and address reach
 * only the log (runCall publishes them on the upstream-call channel), never the answer.
 */
export function toUpstreamError(source: string, error: unknown, classify: Classify): GraphQLError {
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
  const failure = classify(error);
  if (failure) {
    const { code, upstreamStatus } = failure;
    return upstreamStatus === undefined
      ? createGatewayError(code, { source })
      : createGatewayError(code, { source, extensions: { upstreamStatus } });
  }
  const e = error as { code?: unknown; name?: string };
  if (typeof e.code === 'string' && timeoutCodes.has(e.code)) return createGatewayError('UPSTREAM_TIMEOUT', { source });
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return createGatewayError('UPSTREAM_TIMEOUT', { source });
  return createGatewayError('UPSTREAM_UNAVAILABLE', { source });
}

/**
 * Which failures say the backend is unhealthy (for the circuit breaker). A status the protocol
 * reads says so itself (a 4xx does not); a request the gateway failed to build never does: one
 * caller's odd input must not open the circuit for everyone. Anything else (connection errors,
 * timeouts, malformed or too large answers) does.
 */
export function isBackendFailure(error: unknown, classify?: Classify): boolean {
  if (error instanceof LocalCallError) return false;
  return classify?.(error)?.backendFailure ?? true;
}
