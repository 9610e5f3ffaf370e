import { Pool, interceptors, type Dispatcher } from 'undici';
import type { InstanceStatus } from '../../resilience/instance-status.js';
import type { SourceDefinition } from '../model.js';
import { LocalCallError, ResponseTooLargeError } from '../upstream-errors.js';
import { readLimitedBody } from './read-limited-body.js';
import { countAttempt, currentCallSpan } from '../../observability/tracing/index.js';

/** Statuses worth another attempt for idempotent calls: the backend or a proxy was briefly down. */
export const retryableStatuses = [502, 503, 504];
const retryableErrorCodes = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EHOSTUNREACH'];

/** One HTTP exchange: the status, headers and body text (read within `maxResponseBytes`). */
export interface HttpExchange {
  status: number;
  text: string;
}

export interface HttpTransport {
  /** Sends a request; `retry` says whether it may be repeated (idempotent). Failures come out as the shared upstream errors. */
  send(request: Dispatcher.RequestOptions, retry: boolean): Promise<HttpExchange>;
  /** Several instances (http-instances.ts): each one's status. */
  instances?(): InstanceStatus[];
  close(): Promise<void>;
}

/**
 * The HTTP side every HTTP-based source shares (REST, GraphQL): one keep-alive undici Pool per
 * origin; per attempt, `timeoutMs` bounds the wait for headers and for the body, and bodies are
 * read up to the source's `maxResponseBytes`. undici's retry interceptor repeats the requests
 * `send` may retry on connection errors and 502/503/504, with backoff (Retry-After honoured,
 * capped at 1 s).
 */
export function createHttpTransport(
  source: SourceDefinition,
  origin: string,
  retryMethods: Dispatcher.HttpMethod[],
): HttpTransport {
  const pool = createOriginPool(source, origin);
  const retrying: Dispatcher =
    source.retries > 0
      ? pool.compose(
          // inside the retry interceptor: sees every attempt, for the call span's retry count
          countAttempts,
          interceptors.retry({
            maxRetries: source.retries,
            minTimeout: 50,
            maxTimeout: 1_000,
            timeoutFactor: 2,
            methods: retryMethods,
            statusCodes: retryableStatuses,
            errorCodes: retryableErrorCodes,
          }),
        )
      : pool;
  return {
    send: (request, retry) => exchange(source, retry ? retrying : pool, request),
    close: () => pool.close(),
  };
}

/** The keep-alive pool of one origin, bounded by the source's timeouts and answer size. */
export function createOriginPool(source: SourceDefinition, origin: string): Pool {
  return new Pool(origin, {
    connections: source.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: source.timeoutMs,
    bodyTimeout: source.timeoutMs,
    connectTimeout: Math.min(source.timeoutMs, 3_000),
    // undici's own cap on the bytes read from the socket, behind readLimitedBody's
    maxResponseSize: source.maxResponseBytes,
  });
}

/** One request on `dispatcher`, its body read within `maxResponseBytes`; failures come out as the shared upstream errors. */
export async function exchange(
  source: SourceDefinition,
  dispatcher: Dispatcher,
  request: Dispatcher.RequestOptions,
): Promise<HttpExchange> {
  let response: Dispatcher.ResponseData;
  let text: string | undefined;
  const span = currentCallSpan();
  // the call's span is the backend's parent (W3C trace context)
  const sent = span
    ? { ...request, headers: { ...(request.headers as Record<string, string>), ...span.headers } }
    : request;
  try {
    response = await dispatcher.request(sent);
    text = await readLimitedBody(response, source.maxResponseBytes);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // undici refuses a request it cannot send (e.g. a header value with CR/LF) before any I/O
    if (code === 'UND_ERR_INVALID_ARG')
      throw new LocalCallError(`request to ${source.name} not sent: ${(error as Error).message}`, { cause: error });
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
    throw error;
  }
  if (text === undefined) throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
  return { status: response.statusCode, text };
}

/** Whether another attempt may help: the connection failed, or the backend (or a proxy) was briefly down. */
export function isRetryableHttpFailure(error: unknown): boolean {
  const { code, statusCode, status } = (error ?? {}) as { code?: unknown; statusCode?: unknown; status?: unknown };
  const answered = typeof statusCode === 'number' ? statusCode : status;
  if (typeof answered === 'number') return retryableStatuses.includes(answered);
  return typeof code === 'string' && retryableErrorCodes.includes(code);
}

/** Tells tracing of each attempt undici's retry interceptor makes (a boolean check when tracing is off). */
const countAttempts: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
  countAttempt(handler);
  return dispatch(options, handler);
};

/** `url` as an http(s) URL; undefined when it is not one (the protocols' `checkUrl` say why). */
export function httpUrlOf(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
