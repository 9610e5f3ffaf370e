import { channel } from 'node:diagnostics_channel';
import { LRUCache } from 'lru-cache';
import { requestIdHeader } from '../../observability/request-id.js';
import type { SourceCallContext } from '../call-context.js';
import type { CacheHint } from '../model.js';

/** Published per cache lookup: `{ source, outcome: 'hit' | 'miss' }`; metrics count them. */
export const sourceCacheChannelName = 'facet:source-cache';
const cacheChannel = channel(sourceCacheChannelName);

/** Bytes (UTF-16 code units of the stored JSON) the answers of one source may hold. */
export const defaultCacheBytes = 16 * 1024 * 1024;

/**
 * The answers of a source's `@cacheControl` calls, in memory, bounded by bytes (least recently
 * used go first) and by each call's `maxAge`. Stored as JSON text: every hit parses its own copy,
 * so no request sees another's objects (payloads are written to while a response is built).
 * A PRIVATE call's key holds the identity headers it forwards: one caller never gets another's.
 */
export class CallCache {
  readonly #entries = new LRUCache<string, string>({
    maxSize: defaultCacheBytes,
    sizeCalculation: (text, key) => text.length + key.length,
  });

  constructor(readonly source: string) {}

  /** The cache key of a call: its signature, and for PRIVATE the identity it forwards. */
  keyOf(hint: CacheHint, signature: string, context: SourceCallContext): string {
    return hint.scope === 'PRIVATE' ? `${signature}\u0000${identityOf(context)}` : signature;
  }

  /** A fresh copy of the answer stored under `key`, or undefined. */
  get(key: string): unknown {
    const text = this.#entries.get(key);
    if (cacheChannel.hasSubscribers)
      cacheChannel.publish({ source: this.source, outcome: text === undefined ? 'miss' : 'hit' });
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** Keeps a non-null answer for `maxAgeMs`. */
  set(key: string, hint: CacheHint, value: unknown): void {
    if (value === null || value === undefined || hint.maxAgeMs <= 0) return;
    this.#entries.set(key, JSON.stringify(value), { ttl: hint.maxAgeMs });
  }
}

/** The headers a call forwards that say who is asking (all but the request id), as one string. */
function identityOf(context: SourceCallContext): string {
  const headers = context.upstreamHeaders;
  let text = '';
  for (const name of Object.keys(headers).sort())
    if (name !== requestIdHeader) text += `${name}\u0001${headers[name]}\u0002`;
  return text;
}
