import { Pool, interceptors, type Dispatcher } from 'undici';
import type { SourceDefinition } from '../model.js';
import { LocalCallError, ResponseTooLargeError, UpstreamBadResponseError } from '../upstream-errors.js';
import { UpstreamStatusError } from './rest-failures.js';
import { readLimitedBody } from './read-limited-body.js';

export interface HttpRequest {
  method: Dispatcher.HttpMethod;
  /** Path with query string, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResult {
  status: number;
  /** Parsed JSON, or undefined for 404 (treated as "no such entity"). */
  json: unknown;
}

/** Statuses worth another attempt for idempotent calls: the backend or a proxy was briefly down. */
export const retryableStatuses = [502, 503, 504];
const retryableErrorCodes = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EHOSTUNREACH'];

/**
 * One keep-alive undici Pool per REST source origin. Per attempt, `timeoutMs` bounds the wait for
 * headers and for the body, and bodies are read up to the source's `maxResponseBytes`. undici's retry
 * interceptor repeats idempotent methods on connection errors and 502/503/504 with backoff
 * (honouring Retry-After, capped at 1 s).
 */
export function createHttpClient(source: SourceDefinition) {
  const pool = new Pool(source.url, {
    connections: source.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: source.timeoutMs,
    bodyTimeout: source.timeoutMs,
    connectTimeout: Math.min(source.timeoutMs, 3_000),
    // undici's own cap on the bytes read from the socket, behind readLimitedBody's
    maxResponseSize: source.maxResponseBytes,
  });
  const dispatcher =
    source.retries > 0
      ? pool.compose(
          interceptors.retry({
            maxRetries: source.retries,
            minTimeout: 50,
            maxTimeout: 1_000,
            timeoutFactor: 2,
            methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'],
            statusCodes: retryableStatuses,
            errorCodes: retryableErrorCodes,
          }),
        )
      : pool;

  async function request(req: HttpRequest): Promise<HttpResult> {
    let response: Dispatcher.ResponseData;
    let text: string | undefined;
    try {
      response = await dispatcher.request({
        origin: source.url,
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body,
      });
      text = await readLimitedBody(response, source.maxResponseBytes);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // undici refuses a request it cannot send (e.g. a header value with CR/LF) before any I/O
      if (code === 'UND_ERR_INVALID_ARG')
        throw new LocalCallError(`request to ${source.name} not sent: ${(error as Error).message}`, { cause: error });
      if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
        throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
      throw error;
    }
    if (text === undefined) throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
    if (response.statusCode === 404) return { status: 404, json: undefined };
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new UpstreamStatusError(response.statusCode, text.slice(0, 200));
    if (text === '') return { status: response.statusCode, json: null };
    try {
      return { status: response.statusCode, json: JSON.parse(text) };
    } catch {
      throw new UpstreamBadResponseError(`invalid JSON from ${source.name}`);
    }
  }

  return { request, close: () => pool.close() };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
