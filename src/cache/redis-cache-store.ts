/**
 * The cache in Redis, shared by every gateway instance pointing at it: one copy of each answer,
 * so a purge by any instance (a mutation, the admin endpoint) is seen by all at once; there is no
 * per-instance copy to go stale. Entries are `<prefix>e:<key>` strings with their ttl; each tag is
 * a set `<prefix>t:<tag>` of entry keys, living as long as its longest entry.
 *
 * Never an error to a request: every command is bounded (bounded-redis.ts); a failure marks the
 * store down for `backoffMs`, during which it is bypassed at once (a miss, a write dropped),
 * logged once when it goes down and once when it is back. A purge that could not be applied is
 * kept and retried, and the store stays bypassed until it is applied, so no purged answer is served.
 * The Lua scripts derive keys from a set's members: a single Redis (or primary), not Redis Cluster.
 */
import type { Logger } from 'pino';
import { connectBounded, type BoundedRedis } from '../redis/bounded-redis.js';
import {
  decodeEntry,
  encodeEntry,
  publishCacheEvent,
  type CacheRead,
  type CacheStore,
  type CacheWrite,
} from './cache-store.js';

export interface RedisCacheStoreOptions {
  url: string;
  /** Upper bound of one store call (connection wait + command). */
  timeoutMs: number;
  /** After a failure, how long the store is bypassed before it is tried again. */
  backoffMs: number;
  log: Logger;
  /** @default 'facet:cache:' */
  keyPrefix?: string;
}

// KEYS[1] = entry key, KEYS[2..] = tag sets; ARGV[1] = stored entry, ARGV[2] = ttl ms
const SET_SCRIPT = `
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;

// KEYS = tag sets; drops their entries and themselves; returns how many entries were dropped
const PURGE_SCRIPT = `
local dropped = 0
for i = 1, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members do dropped = dropped + redis.call('DEL', members[j]) end
  redis.call('DEL', KEYS[i])
end
return dropped
`;

type ScriptClient = BoundedRedis['client'] & {
  facetCacheSet(...keysThenArgs: Array<string | number>): Promise<unknown>;
  facetCachePurge(...keys: Array<string | number>): Promise<unknown>;
};

export class RedisCacheStore implements CacheStore {
  epoch = 0;
  readonly kind = 'redis';
  readonly #redis: BoundedRedis;
  readonly #client: ScriptClient;
  readonly #options: RedisCacheStoreOptions;
  readonly #prefix: string;
  /** Tags whose purge has not reached Redis yet: reads bypass the store until it has. */
  readonly #pendingPurges = new Set<string>();
  #bypassUntil = 0;
  #downSince: number | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisCacheStoreOptions) {
    this.#options = options;
    this.#prefix = options.keyPrefix ?? 'facet:cache:';
    this.#redis = connectBounded({ url: options.url, timeoutMs: options.timeoutMs });
    this.#client = this.#redis.client as ScriptClient;
    this.#client.defineCommand('facetCacheSet', { lua: SET_SCRIPT });
    this.#client.defineCommand('facetCachePurge', { lua: PURGE_SCRIPT });
  }

  /** Connects ahead of the first request; false (logged) when Redis does not answer now. */
  async connect(): Promise<boolean> {
    try {
      await this.#redis.ping();
      return true;
    } catch (error) {
      this.#failed(error);
      return false;
    }
  }

  async get(keys: readonly string[]): Promise<Array<CacheRead | undefined>> {
    if (!(await this.#usable())) return this.#bypassed(keys);
    try {
      const stored = await this.#redis.bounded(({ sending }) => {
        sending();
        return this.#client.mget(keys.map((k) => `${this.#prefix}e:${k}`));
      });
      this.#answered();
      const now = Date.now();
      return stored.map((text) => (text === null ? undefined : decodeEntry(text, now)));
    } catch (error) {
      this.#failed(error);
      return this.#bypassed(keys);
    }
  }

  set(all: readonly CacheWrite[]): void {
    const entries = all.filter((write) => write.epoch === this.epoch);
    if (entries.length === 0) return;
    if (Date.now() < this.#bypassUntil || this.#pendingPurges.size) {
      publishCacheEvent('redis', 'bypass');
      return;
    }
    const now = Date.now();
    this.#redis
      .bounded(({ sending }) => {
        const pipeline = this.#client.pipeline() as unknown as ScriptClient & {
          exec(): Promise<Array<[Error | null, unknown]> | null>;
        };
        for (const write of entries) {
          const tagKeys = write.tags.map((t) => `${this.#prefix}t:${t}`);
          pipeline.facetCacheSet(
            1 + tagKeys.length,
            `${this.#prefix}e:${write.key}`,
            ...tagKeys,
            encodeEntry(write, now),
            write.ttlMs,
          );
        }
        sending();
        return pipeline.exec();
      })
      .then(
        (results) => {
          this.#answered();
          for (const [i, write] of entries.entries())
            if (!results?.[i]?.[0]) publishCacheEvent(write.owner, 'store', write.text.length + write.key.length);
        },
        (error: unknown) => this.#failed(error),
      );
  }

  async purge(tags: readonly string[]): Promise<number> {
    this.epoch++;
    for (const tag of tags) this.#pendingPurges.add(tag);
    const dropped = await this.#flushPurges();
    return dropped ?? 0;
  }

  async close(): Promise<void> {
    clearTimeout(this.#retryTimer);
    await this.#redis.close();
  }

  /** Applies the pending purges; undefined when Redis could not (they stay pending, retried). */
  async #flushPurges(): Promise<number | undefined> {
    if (this.#pendingPurges.size === 0) return 0;
    const tags = [...this.#pendingPurges];
    try {
      const dropped = await this.#redis.bounded(({ sending }) => {
        sending();
        return this.#client.facetCachePurge(tags.length, ...tags.map((t) => `${this.#prefix}t:${t}`));
      });
      for (const tag of tags) this.#pendingPurges.delete(tag);
      this.#answered();
      publishCacheEvent('redis', 'purge', Number(dropped));
      return Number(dropped);
    } catch (error) {
      this.#failed(error);
      this.#scheduleRetry();
      return undefined;
    }
  }

  /** Whether to ask Redis now: not while backing off, and only once pending purges are applied. */
  async #usable(): Promise<boolean> {
    if (Date.now() < this.#bypassUntil) return false;
    if (this.#pendingPurges.size === 0) return true;
    return (await this.#flushPurges()) !== undefined;
  }

  #bypassed(keys: readonly string[]): undefined[] {
    publishCacheEvent('redis', 'bypass');
    return keys.map(() => undefined);
  }

  #failed(error: unknown): void {
    this.#bypassUntil = Date.now() + this.#options.backoffMs;
    if (this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    this.#options.log.warn(
      { err: { message: (error as Error).message }, backoffMs: this.#options.backoffMs },
      'cache store (Redis) not answering: bypassed, requests go to the backends until it answers again',
    );
  }

  #answered(): void {
    if (this.#downSince === undefined) return;
    this.#options.log.info({ downForMs: Date.now() - this.#downSince }, 'cache store (Redis) answering again');
    this.#downSince = undefined;
  }

  /** A purge that failed is retried in the background too, not only on the next request. */
  #scheduleRetry(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#pendingPurges.size) void this.#flushPurges();
    }, this.#options.backoffMs);
    this.#retryTimer.unref();
  }
}
