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
