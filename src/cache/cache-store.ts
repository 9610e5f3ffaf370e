import { channel } from 'node:diagnostics_channel';

/** One answer to keep: JSON text, how long, and the tags a purge finds it by (`Type`, `Type:key`). */
export interface CacheWrite {
  key: string;
  text: string;
  ttlMs: number;
  tags: readonly string[];
  /** What the entry belongs to, for metrics: a source (`source:catalog`) or a client (`client:web`). */
  owner: string;
  /**
   * The store's `epoch` when the answer was asked of the backend: a purge by this instance since
   * then may have been meant for it, so it is not stored (it could be older than the purge).
   */
  epoch: number;
}

/** A stored answer and its tags; `ageMs` is how long ago it was stored. */
export interface CacheRead {
  text: string;
  tags: readonly string[];
  ageMs: number;
}

/**
 * Where cached answers live: process memory (default) or Redis (shared by instances). A store
 * never throws at its callers: a store that cannot answer in time is bypassed (a miss, a write
 * dropped) with a log line and a metric, so the request goes to the backends.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  /** Counts the purges run by this instance (see CacheWrite.epoch). */
  readonly epoch: number;
  /** The entries under `keys`, in order; undefined where missing, expired or bypassed. */
  get(keys: readonly string[]): Promise<Array<CacheRead | undefined>>;
  /** Stores the entries (not awaited by requests: a slow store delays no answer). */
  set(entries: readonly CacheWrite[]): void;
  /**
   * Drops every entry holding one of `tags`; resolves with how many were dropped once done (or
   * bounded in time, when the store cannot answer: the purge is then retried, and the store
   * bypassed until it is applied, so no purged answer is served again).
   */
  purge(tags: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** Published per store event: `{ owner, outcome, bytes? }` (hit, miss, store, evict, bypass, purge). */
export const cacheChannelName = 'facet:cache';
const cacheChannel = channel(cacheChannelName);

export type CacheOutcome = 'hit' | 'miss' | 'store' | 'evict' | 'bypass' | 'purge';

export interface CacheEvent {
  owner: string;
  outcome: CacheOutcome;
  /** For `store` and `evict`: the entry's size. */
  bytes?: number;
}

export function publishCacheEvent(owner: string, outcome: CacheOutcome, bytes?: number): void {
  if (cacheChannel.hasSubscribers) cacheChannel.publish({ owner, outcome, bytes } satisfies CacheEvent);
}

/** The stored form of an entry: its tags (a JSON array, never holding a raw newline), a newline, its owner, a newline, the answer. */
export function encodeEntry(write: CacheWrite, storedAt: number): string {
  return `${JSON.stringify(write.tags)}\n${storedAt}\n${write.owner}\n${write.text}`;
}

export function decodeEntry(stored: string, now: number): CacheRead & { owner: string } {
  const a = stored.indexOf('\n');
  const b = stored.indexOf('\n', a + 1);
  const c = stored.indexOf('\n', b + 1);
  return {
    tags: JSON.parse(stored.slice(0, a)) as string[],
    ageMs: Math.max(0, now - Number(stored.slice(a + 1, b))),
    owner: stored.slice(b + 1, c),
    text: stored.slice(c + 1),
  };
}
