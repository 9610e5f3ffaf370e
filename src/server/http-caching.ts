import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from './context.js';

/**
 * HTTP caching headers of a GET answer (a GraphQL query, a REST facade read) from the cache
 * policy of its operation. `public, max-age=N` only for an anonymous caller refused no field
 * (a shared cache would hand the answer to anyone, without asking the gateway who they are);
 * otherwise `private, max-age=N` — also whenever a call is PRIVATE or an argument comes from the
 * caller. `private, no-cache` when it is not cacheable (a browser may keep it but asks again, with
 * If-None-Match). `Age` when the answer came from the response cache.
 */
export function cachingHeaders(context: Partial<GatewayContext>): Record<string, string> {
  const policy = context.caching?.policy;
  const ageMs = context.caching?.ageMs;
  if (!policy || policy.maxAgeMs <= 0) return { 'cache-control': 'private, no-cache' };
  const maxAge = Math.floor(policy.maxAgeMs / 1000);
  const shared = policy.scope === 'PUBLIC' && !context.identity && !context.fieldRefusals?.nodes.size;
  return {
    'cache-control': `${shared ? 'public' : 'private'}, max-age=${maxAge}`,
    ...(ageMs === undefined ? {} : { age: String(Math.min(maxAge, Math.floor(ageMs / 1000))) }),
  };
}

/**
 * A strong ETag of the identity body, with the encoding as a suffix (`"…-br"`): each encoding is
 * its own representation, so a compressed and an identity answer never share a strong validator.
 */
export function etagOf(body: Buffer | string, encoding: string | undefined): string {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return `"${hash}${encoding ? `-${encoding}` : ''}"`;
}

/** If-None-Match (weak comparison, as for GET): `*` or one of its tags. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  return !!header && (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag));
}

/**
 * Cache-Control (and Age) on the GET answers yoga writes itself (a browser's cross-origin query,
 * with CORS); the direct path (no Origin) also sets an ETag and answers If-None-Match with 304.
 */
export function useHttpCaching(): Plugin<Record<string, unknown>, GatewayContext> {
  return {
    onResponse({ request, response, serverContext }) {
      if (
        request.method !== 'GET' ||
        response.status !== 200 ||
        !response.headers.get('content-type')?.includes('json')
      )
        return;
      for (const [name, value] of Object.entries(cachingHeaders(serverContext as Partial<GatewayContext>)))
        response.headers.set(name, value);
    },
  };
}
