// The caches keyed by document text (yoga's parse cache, the direct path's validated texts) are
// bounded by the texts' total length as well as by count: distinct padded documents cannot fill
// memory with 1024 × maxBodyBytes of text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textKeyedCache } from '../../src/server/text-keyed-cache.js';

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
