import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { entityTag, type CacheStore } from '../cache/index.js';
import { sendJsonError } from '../errors/index.js';
import { BodyError, readJsonBody } from '../facade/read-body.js';
import { operatorPageAssets } from './admin-page/assets.js';

/** The admin endpoints' path prefix. */
export const adminPrefix = '/admin/';

export interface AdminOptions {
  /** gateway.yaml `admin.key` or FACET_ADMIN_KEY: without one every admin path answers 404 (nothing is open unless configured). */
  adminKey?: string;
  cacheStore: () => CacheStore | undefined;
  /** What the operator page shows (GET /admin/api/status). */
  status: () => unknown;
  /** Served on a listener of its own (gateway.yaml `admin.listen`): open without a key when none is set. */
  ownListener?: boolean;
  log: Logger;
}

/** `POST /admin/cache/purge` with `{ "type": "Product", "id": "p1" }` (or `ids`, or neither: every Product). */
const purgeBody = z.strictObject({
  type: z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'a GraphQL type name'),
  id: z.union([z.string().min(1), z.number()]).optional(),
  ids: z
    .array(z.union([z.string().min(1), z.number()]))
    .min(1)
    .max(1000)
    .optional(),
});
const maxAdminBodyBytes = 64 * 1024;

/**
 * The admin endpoints, behind `Authorization: Bearer <admin key>` (compared in constant time; the
 * key is never logged): the operator page (`/admin/`: a static shell holding no data, and
 * `/admin/api/status`, what it shows) and cache purges by entity (`facet cache purge`).
 */
export function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, options: AdminOptions): void {
  const { adminKey } = options;
  if (!adminKey && !options.ownListener) {
    sendJsonError(res, 'NOT_FOUND', {
      message: 'Admin endpoints are off: set FACET_ADMIN_KEY (or admin.key in gateway.yaml)',
    });
    return;
  }
  if (path === '/admin') {
    res.writeHead(308, { location: '/admin/' });
    res.end();
    return;
  }
  const asset = operatorPageAssets().get(path);
  if (asset) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJsonError(res, 'METHOD_NOT_ALLOWED', { headers: { allow: 'GET, HEAD' } });
      return;
    }
    res.writeHead(200, asset.headers);
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return;
  }
  if (path !== '/admin/cache/purge' && path !== '/admin/api/status') {
    sendJsonError(res, 'NOT_FOUND', { message: 'No admin endpoint at this path' });
    return;
  }
  if (adminKey && !sameSecret(bearerOf(req.headers.authorization), adminKey)) {
    sendJsonError(res, 'UNAUTHENTICATED', {
      message: 'Admin endpoints need Authorization: Bearer <admin key>',
      headers: { 'www-authenticate': 'Bearer realm="facet-admin"' },
    });
    return;
  }
  if (path === '/admin/api/status') {
    if (req.method !== 'GET') {
      sendJsonError(res, 'METHOD_NOT_ALLOWED', { headers: { allow: 'GET' } });
      return;
    }
    const text = JSON.stringify(options.status());
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
    return;
  }
  if (req.method !== 'POST') {
    sendJsonError(res, 'METHOD_NOT_ALLOWED', { headers: { allow: 'POST' } });
    return;
  }
  // the facade's reader: JSON only, Content-Length required, bounded
  void readJsonBody(req, maxAdminBodyBytes)
    .then(async (json) => {
      const parsed = purgeBody.safeParse(json);
      if (!parsed.success)
        return sendJsonError(res, 'BAD_REQUEST', {
          message: `Expected { "type": "<Type>", "id"?: "<key>", "ids"?: ["<key>", …] }: ${parsed.error.issues
            .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        });
      const { type, id, ids } = parsed.data;
      const keys = [...(id === undefined ? [] : [id]), ...(ids ?? [])];
      const tags = keys.length ? keys.map((k) => entityTag(type, k)) : [type];
      const purged = (await options.cacheStore()?.purge(tags)) ?? 0;
      options.log.info({ tags, purged }, 'cache purged by the admin endpoint');
      const text = JSON.stringify({ purged, tags });
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    })
    .catch((error: unknown) =>
      error instanceof BodyError
        ? sendJsonError(res, error.code, { message: `Admin body: ${error.message}` })
        : sendJsonError(res, 'INTERNAL_SERVER_ERROR'),
    );
}

function bearerOf(header: string | undefined): string {
  return /^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '';
}

/** Constant-time comparison of two secrets of any length (their digests are compared). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}

/**
 * The admin paths on a listener of their own (gateway.yaml `admin.listen`), e.g. an address only
 * the operators' network reaches; everything else there is 404. Bounded like the client listener.
 */
export function createAdminServer(options: AdminOptions): Server {
  return createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (path === '/admin' || path.startsWith(adminPrefix)) handleAdmin(req, res, path, options);
    else sendJsonError(res, 'NOT_FOUND', { message: 'This listener serves the admin paths only (/admin/)' });
  });
}
