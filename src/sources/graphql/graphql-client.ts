import type { SourceDefinition } from '../model.js';
import { createHttpTransport } from '../rest/http-transport.js';
import { UpstreamStatusError } from '../rest/rest-failures.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import type { SubgraphAnswer } from './subgraph-answer.js';

/**
 * A GraphQL source's client over the HTTP transport REST sources use (keep-alive pool, timeouts,
 * bounded bodies). Queries are retried on connection errors and 502/503/504 (they are reads);
 * mutations never are.
 */
export function createGraphqlClient(source: SourceDefinition) {
  const endpoint = new URL(source.url);
  const path = endpoint.pathname + endpoint.search;
  const transport = createHttpTransport(source, endpoint.origin, ['POST']);

  /** Posts one GraphQL request (`body` is its JSON); the answer's `data` and `errors`, or a coded failure. */
  async function request(body: string, headers: Record<string, string>, write: boolean): Promise<SubgraphAnswer> {
    const { status, text } = await transport.send(
      {
        origin: endpoint.origin,
        method: 'POST',
        path,
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        },
        body,
      },
      !write,
    );
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      if (status < 200 || status >= 300) throw new UpstreamStatusError(status, text.slice(0, 200));
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
    if (status < 200 || status >= 300) {
      if (valid && status < 500) return shaped as SubgraphAnswer;
      throw new UpstreamStatusError(status, text.slice(0, 200));
    }
    if (!valid) throw new UpstreamBadResponseError(`${source.name} answered JSON that is not a GraphQL response`);
    return shaped as SubgraphAnswer;
  }

  return { request, close: () => transport.close() };
}

export type GraphqlClient = ReturnType<typeof createGraphqlClient>;
