import { LRUCache } from 'lru-cache';

/**
 * A cache keyed by a request's document text (parsed documents, parse errors): at most 1024
 * entries and 4 MiB of key text, so a caller sending distinct, padded documents cannot make it
 * hold more than a few MB (a count alone would let it hold 1024 × maxBodyBytes). A text longer
 * than the whole budget is not kept.
 */
export function textKeyedCache<T extends object>(): LRUCache<string, T> {
  return new LRUCache<string, T>({
    max: 1024,
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (_value, text) => text.length || 1,
  });
}

/** A text-keyed cache that always answers `pinned` texts with their value (never evicted) and caches the rest in `recent`. */
export function withPinned<T extends object>(
  pinned: ReadonlyMap<string, T>,
  recent: LRUCache<string, T>,
): { get(text: string): T | undefined; set(text: string, value: T): void } {
  if (pinned.size === 0) return recent;
  return {
    get: (text) => pinned.get(text) ?? recent.get(text),
    set: (text, value) => {
      if (!pinned.has(text)) recent.set(text, value);
    },
  };
}
