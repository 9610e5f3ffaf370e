import { Pool, interceptors, type Dispatcher } from 'undici';
import type { SourceDefinition } from '../model.js';
import { readLimitedBody } from '../rest/read-limited-body.js';
import { UpstreamStatusError } from '../rest/rest-failures.js';
import { LocalCallError, ResponseTooLargeError, UpstreamBadResponseError } from '../upstream-errors.js';
import type { SubgraphAnswer } from './subgraph-answer.js';

const retryableErrorCodes = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EHOSTUNREACH'];

/**
 * One keep-alive undici Pool per GraphQL source, as for REST: per-attempt timeouts for headers and
 * body, answers read up to `maxResponseBytes`. Queries are retried on connection errors and
 * 502/503/504 (they are reads); mutations never are.
 */
export function createGraphqlClient(source: SourceDefinition) {
  const endpoint = new URL(source.url);
  const path = endpoint.pathname + endpoint.search;
  const pool = new Pool(endpoint.origin, {
    connections: source.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: source.timeoutMs,
    bodyTimeout: source.timeoutMs,
    connectTimeout: Math.min(source.timeoutMs, 3_000),
    maxResponseSize: source.maxResponseBytes,
  });
  const retrying: Dispatcher =
    source.retries > 0
      ? pool.compose(
          interceptors.retry({
            maxRetries: source.retries,
            minTimeout: 50,
            maxTimeout: 1_000,
            timeoutFactor: 2,
            methods: ['POST'],
            statusCodes: [502, 503, 504],
            errorCodes: retryableErrorCodes,
          }),
        )
      : pool;

  /** Posts one GraphQL request (`body` is its JSON); the answer's `data` and `errors`, or a coded failure. */
  async function request(body: string, headers: Record<string, string>, write: boolean): Promise<SubgraphAnswer> {
    let response: Dispatcher.ResponseData;
    let text: string | undefined;
    try {
      response = await (write ? pool : retrying).request({
        origin: endpoint.origin,
        method: 'POST',
        path,
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        },
        body,
      });
      text = await readLimitedBody(response, source.maxResponseBytes);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'UND_ERR_INVALID_ARG')
        throw new LocalCallError(`request to ${source.name} not sent: ${(error as Error).message}`, { cause: error });
      if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
        throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
      throw error;
    }
    if (text === undefined) throw new ResponseTooLargeError(source.name, source.maxResponseBytes);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new UpstreamStatusError(response.statusCode, text.slice(0, 200));
      throw new UpstreamBadResponseError(`invalid JSON from ${source.name}`);
    }
    const shaped = answer as Partial<SubgraphAnswer> | null;
    const valid =
      shaped !== null &&
      typeof shaped === 'object' &&
      !Array.isArray(shaped) &&
      (shaped.data === undefined || shaped.data === null || typeof shaped.data === 'object') &&
      (shaped.errors === undefined || Array.isArray(shaped.errors)) &&
      (shaped.data !== undefined || shaped.errors !== undefined);
    // application/graphql-response+json answers a request it refused with 4xx and { errors }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      if (valid && response.statusCode < 500) return shaped as SubgraphAnswer;
      throw new UpstreamStatusError(response.statusCode, text.slice(0, 200));
    }
    if (!valid) throw new UpstreamBadResponseError(`${source.name} answered JSON that is not a GraphQL response`);
    return shaped as SubgraphAnswer;
  }

  return { request, close: () => pool.close() };
}

export type GraphqlClient = ReturnType<typeof createGraphqlClient>;
