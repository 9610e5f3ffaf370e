// The caches keyed by document text (yoga's parse cache, the direct path's validated texts) are
// bounded by the texts' total length as well as by count: distinct padded documents cannot fill
// memory with 1024 × maxBodyBytes of text. Texts pinned at start-up (the REST facade's operations)
// always answer with their own document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textKeyedCache, withPinned } from '../../src/server/text-keyed-cache.js';

describe('text-keyed cache', () => {
  it('keeps at most 4 MiB of text: 100 distinct texts of 100 KB leave about 40 of them', () => {
    const cache = textKeyedCache<object>();
    for (let i = 0; i < 100; i++) cache.set(`{ a }${' '.repeat(100_000)}#${i}`, {});
    assert.ok(cache.calculatedSize <= 4 * 1024 * 1024, `holds ${cache.calculatedSize} bytes of text`);
    assert.ok(cache.size >= 40 && cache.size <= 42, `holds ${cache.size} texts`);
    assert.ok(cache.has(`{ a }${' '.repeat(100_000)}#99`), 'the most recent text is kept');
  });

  it('does not keep a text larger than the whole budget, and keeps 1024 small ones', () => {
    const cache = textKeyedCache<object>();
    cache.set(' '.repeat(5 * 1024 * 1024), {});
    assert.equal(cache.size, 0);
    for (let i = 0; i < 2000; i++) cache.set(`{ f${i} }`, {});
    assert.equal(cache.size, 1024);
  });
});

describe('text-keyed cache with pinned texts', () => {
  it('answers a pinned text with its own value, whatever the cache holds or evicts', () => {
    const pinnedValue = { pinned: true };
    const cache = withPinned(new Map([['{ pinned }', pinnedValue]]), textKeyedCache<object>());
    cache.set('{ pinned }', { other: true }); // a parse of the same text does not replace it
    for (let i = 0; i < 2000; i++) cache.set(`{ f${i} }`, {}); // nor does a full cache evict it
    assert.equal(cache.get('{ pinned }'), pinnedValue);
    assert.equal(cache.get('{ f0 }'), undefined, 'the rest is a bounded LRU');
    assert.ok(cache.get('{ f1999 }'));
  });
});
