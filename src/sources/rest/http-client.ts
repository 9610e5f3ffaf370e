import type { Dispatcher } from 'undici';
import type { SourceDefinition } from '../model.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import { createInstancesTransport } from './http-instances.js';
import { createHttpTransport } from './http-transport.js';
import { UpstreamStatusError } from './rest-failures.js';

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

/**
 * A REST source's client over its origin's HTTP transport (keep-alive pool, timeouts, bounded
 * bodies; idempotent methods retried). A 404 reads as "no such entity"; another non-2xx status
 * is an UpstreamStatusError; a body that is not JSON an UpstreamBadResponseError.
 */
export function createHttpClient(source: SourceDefinition) {
  const idempotent: Dispatcher.HttpMethod[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
  const transport = source.urls
    ? createInstancesTransport(source, source.urls, idempotent)
    : createHttpTransport(source, source.url, idempotent);

  async function request(req: HttpRequest): Promise<HttpResult> {
    const { status, text } = await transport.send(
      { origin: source.url, method: req.method, path: req.path, headers: req.headers, body: req.body },
      true,
    );
    if (status === 404) return { status: 404, json: undefined };
    if (status < 200 || status >= 300) throw new UpstreamStatusError(status, text.slice(0, 200));
    if (text === '') return { status, json: null };
    try {
      return { status, json: JSON.parse(text) };
    } catch {
      throw new UpstreamBadResponseError(`invalid JSON from ${source.name}`);
    }
  }

  return {
    request,
    /** Several instances: each one's health; a single-url source has none of its own (its breaker tells). */
    instances: transport.instances,
    close: () => transport.close(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
