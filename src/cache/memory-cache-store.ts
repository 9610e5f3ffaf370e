import { LRUCache } from 'lru-cache';
import { publishCacheEvent, type CacheRead, type CacheStore, type CacheWrite } from './cache-store.js';

interface MemoryEntry {
  text: string;
  tags: readonly string[];
  owner: string;
  storedAt: number;
  bytes: number;
}

/** Bytes (UTF-16 code units of keys and answers) the memory store holds by default. */
export const defaultMemoryCacheBytes = 64 * 1024 * 1024;

/**
 * The process's cache: least recently used entries go first once `maxBytes` is reached, each
 * entry also expires after its own ttl. A tag index finds what a purge drops.
 */
export class MemoryCacheStore implements CacheStore {
  epoch = 0;
  readonly kind = 'memory';
  readonly #byTag = new Map<string, Set<string>>();
  readonly #entries: LRUCache<string, MemoryEntry>;

  constructor(maxBytes = defaultMemoryCacheBytes) {
    this.#entries = new LRUCache<string, MemoryEntry>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => entry.bytes,
      dispose: (entry, key, reason) => {
        this.#untag(key, entry.tags);
        if (reason === 'evict') publishCacheEvent(entry.owner, 'evict', entry.bytes);
      },
    });
  }

  /** Bytes held now (expired entries count until they are next touched or pushed out). */
  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  get(keys: readonly string[]): Promise<Array<CacheRead | undefined>> {
    const now = Date.now();
    return Promise.resolve(
      keys.map((key) => {
        const entry = this.#entries.get(key);
        return entry && { text: entry.text, tags: entry.tags, ageMs: now - entry.storedAt };
      }),
    );
  }

  set(entries: readonly CacheWrite[]): void {
    const now = Date.now();
    for (const write of entries) {
      if (write.epoch !== this.epoch) continue;
      const bytes = write.text.length + write.key.length;
      const entry: MemoryEntry = { text: write.text, tags: write.tags, owner: write.owner, storedAt: now, bytes };
      this.#entries.set(write.key, entry, { ttl: write.ttlMs });
      if (!this.#entries.has(write.key)) continue; // larger than the whole store: not kept
      for (const tag of write.tags) {
        const keys = this.#byTag.get(tag) ?? new Set<string>();
        keys.add(write.key);
        this.#byTag.set(tag, keys);
      }
      publishCacheEvent(write.owner, 'store', bytes);
    }
  }

  purge(tags: readonly string[]): Promise<number> {
    this.epoch++;
    let dropped = 0;
    for (const tag of tags)
      for (const key of [...(this.#byTag.get(tag) ?? [])]) if (this.#entries.delete(key)) dropped++;
    publishCacheEvent('memory', 'purge', dropped);
    return Promise.resolve(dropped);
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }

  #untag(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.#byTag.delete(tag);
    }
  }
}
