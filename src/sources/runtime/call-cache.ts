import { createHash } from 'node:crypto';
import { publishCacheEvent, type CacheStore } from '../../cache/cache-store.js';
import type { EntityTagger } from '../../cache/entity-tags.js';
import { requestIdHeader } from '../../observability/request-id.js';
import type { SourceCallContext } from '../call-context.js';
import type { CacheHint, FieldBinding } from '../model.js';

/**
 * The answers of one source's `@cacheControl` calls in the gateway's cache store (memory or
 * Redis), each for its call's `maxAge`. Stored as JSON text: every hit parses its own copy, so no
 * request sees another's objects (payloads are written to while a response is built). A PRIVATE
 * call's key holds a hash of the identity headers it forwards: one caller never gets another's.
 * Each answer is tagged with the entities it holds (see EntityTagger), for purges.
 */
export class CallCache {
  readonly #owner: string;

  constructor(
    readonly source: string,
    readonly store: CacheStore,
    readonly tagger: EntityTagger,
  ) {
    this.#owner = `source:${source}`;
  }

  /** The cache key of a call: source, its signature, and for PRIVATE the identity it forwards. */
  keyOf(hint: CacheHint, signature: string, context: SourceCallContext): string {
    const key = `s:${this.source}:${signature}`;
    return hint.scope === 'PRIVATE' ? `${key}\u0000${identityHashOf(context)}` : key;
  }

  /** A fresh copy of each answer stored under `keys` (undefined where none); their tags join the request's. */
  async get(keys: readonly string[], context: SourceCallContext): Promise<unknown[]> {
    const found = await this.store.get(keys);
    return found.map((entry) => {
      publishCacheEvent(this.#owner, entry === undefined ? 'miss' : 'hit');
      if (entry === undefined) return undefined;
      if (context.cacheTags) for (const tag of entry.tags) context.cacheTags.add(tag);
      return JSON.parse(entry.text);
    });
  }

  /**
   * Keeps non-null answers for `maxAge`, tagged with the entities of `value` (the field's part of
   * the answer) and the parent entity whose call it is (`Product.reviews` of `Product:p1`).
   */
  set(
    entries: ReadonlyArray<{ key: string; raw: unknown; value: unknown; root?: unknown }>,
    hint: CacheHint,
    binding: FieldBinding,
    context: SourceCallContext,
    /** The store's epoch before the backend was asked (a purge since then: not stored). */
    epoch: number,
  ): void {
    if (hint.maxAgeMs <= 0) return;
    const returnType = this.tagger.returnTypeOf(binding);
    const writes = [];
    for (const { key, raw, value, root } of entries) {
      if (raw === null || raw === undefined) continue;
      const tags = new Set<string>();
      if (returnType) this.tagger.collect(returnType, value, tags);
      const parent = root === undefined ? undefined : this.tagger.parentTag(binding.typeName, root);
      if (parent) tags.add(parent);
      if (context.cacheTags) for (const tag of tags) context.cacheTags.add(tag);
      writes.push({ key, text: JSON.stringify(raw), ttlMs: hint.maxAgeMs, tags: [...tags], owner: this.#owner, epoch });
    }
    this.store.set(writes);
  }
}

const identityHashes = new WeakMap<object, string>();

/** A hash of the headers a call forwards that say who is asking (all but the request id), once per request. */
function identityHashOf(context: SourceCallContext): string {
  const headers = context.upstreamHeaders;
  let hash = identityHashes.get(headers);
  if (hash === undefined) {
    const digest = createHash('sha256');
    for (const name of Object.keys(headers).sort())
      if (name !== requestIdHeader) digest.update(`${name}\u0001${headers[name]}\u0002`);
    hash = digest.digest('base64url');
    identityHashes.set(headers, hash);
  }
  return hash;
}
