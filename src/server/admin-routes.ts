import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { entityTag, type CacheStore } from '../cache/index.js';
import { sendJsonError } from '../errors/index.js';

/** The admin endpoints' path prefix. */
export const adminPrefix = '/admin/';

export interface AdminOptions {
  /** FACET_ADMIN_KEY: without it every admin path answers 404 (nothing is open unless configured). */
  adminKey?: string;
  cacheStore: () => CacheStore | undefined;
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
 * The admin endpoints, behind `Authorization: Bearer <FACET_ADMIN_KEY>` (compared in constant
 * time; the key is never logged): cache purges by entity, for the operator and `facet cache purge`.
 */
export function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, options: AdminOptions): void {
  if (!options.adminKey || path !== '/admin/cache/purge') {
    sendJsonError(res, 'NOT_FOUND', {
      message: options.adminKey ? 'No admin endpoint at this path' : 'Admin endpoints are off: set FACET_ADMIN_KEY',
    });
    return;
  }
  const refusal = refusalOf(req, options.adminKey);
  if (refusal) {
    sendJsonError(res, refusal.code, refusal);
    return;
  }
  void readJson(req)
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
    .catch(() => sendJsonError(res, 'BAD_REQUEST', { message: 'The body must be JSON' }));
}

/** Why an admin request is refused before its body is read: no key or a wrong one, a wrong method, no or too large a length. */
function refusalOf(
  req: IncomingMessage,
  adminKey: string,
):
  | {
      code: 'UNAUTHENTICATED' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE';
      message?: string;
      headers?: Record<string, string>;
    }
  | undefined {
  if (!sameSecret(bearerOf(req.headers.authorization), adminKey))
    return {
      code: 'UNAUTHENTICATED',
      message: 'Admin endpoints need Authorization: Bearer <FACET_ADMIN_KEY>',
      headers: { 'www-authenticate': 'Bearer realm="facet-admin"' },
    };
  if (req.method !== 'POST') return { code: 'METHOD_NOT_ALLOWED', headers: { allow: 'POST' } };
  if (Number(req.headers['content-length'] ?? maxAdminBodyBytes + 1) > maxAdminBodyBytes)
    return { code: 'PAYLOAD_TOO_LARGE', message: 'An admin body takes a Content-Length up to 64 KiB' };
  return undefined;
}

function bearerOf(header: string | undefined): string {
  return /^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '';
}

/** Constant-time comparison of two secrets of any length (their digests are compared). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxAdminBodyBytes) req.destroy(new Error('too large'));
      else chunks.push(chunk);
    });
    req.once('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.once('error', reject);
  });
}
