import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../src/directives/rate-limit/index.js';

describe('memory rate-limit store', () => {
  it('10 concurrent consumes against limit 2 allow exactly 2', async () => {
    const store = createMemoryStore();
    try {
      const decisions = await Promise.all(Array.from({ length: 10 }, () => store.consume('k', 2, 60_000)));
      assert.equal(decisions.filter((d) => d.allowed).length, 2);
      assert.ok(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterMs > 0 && d.remaining === 0));
    } finally {
      await store.close();
    }
  });

  it('counts remaining down, keys independently, cost included', async () => {
    let now = 10_000;
    const store = createMemoryStore({ now: () => now });
    try {
      const remaining = [];
      for (let i = 0; i < 4; i++) remaining.push((await store.consume('a', 3, 1000)).remaining);
      assert.deepEqual(remaining, [2, 1, 0, 0]);
      assert.equal((await store.consume('b', 3, 1000, 2)).remaining, 1, 'other key, own counter');
      assert.equal((await store.consume('b', 3, 1000, 2)).allowed, false, 'cost 2 no longer fits');
      now += 2000; // two windows later everything has aged out
      assert.equal((await store.consume('a', 3, 1000)).remaining, 2);
    } finally {
      await store.close();
    }
  });

  it('uses the sliding window: a burst across the window edge stays within the limit', async () => {
    let now = 999;
    const store = createMemoryStore({ now: () => now });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await store.consume('edge', 5, 1000)).allowed, true);
      now = 1000; // next fixed window; the previous burst still counts at full weight
      assert.equal((await store.consume('edge', 5, 1000)).allowed, false);
      now = 1200; // 5 * 0.8 = 4 → one more fits
      assert.equal((await store.consume('edge', 5, 1000)).allowed, true);
      assert.equal((await store.consume('edge', 5, 1000)).allowed, false);
    } finally {
      await store.close();
    }
  });

  it('evicts the least recently used key beyond maxKeys', async () => {
    const store = createMemoryStore({ maxKeys: 2 });
    try {
      assert.equal((await store.consume('a', 1, 60_000)).allowed, true);
      assert.equal((await store.consume('a', 1, 60_000)).allowed, false);
      await store.consume('b', 1, 60_000);
      await store.consume('c', 1, 60_000); // evicts 'a' (least recently used)
      assert.equal(store.size, 2);
      assert.equal((await store.consume('a', 1, 60_000)).allowed, true, 'a was evicted, so it starts fresh');
      // 'a' was re-inserted, evicting 'b'; 'c' is still remembered
      assert.equal((await store.consume('c', 1, 60_000)).allowed, false);
      assert.equal(store.size, 2);
    } finally {
      await store.close();
    }
  });

  it('drops entries older than two windows on access', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    try {
      await store.consume('old-1', 5, 1000);
      await store.consume('old-2', 5, 1000);
      now = 1999; // still inside the second window: kept
      await store.consume('fresh', 5, 1000);
      assert.equal(store.size, 3);
      now = 2000; // old-1 / old-2 have aged out
      await store.consume('fresh', 5, 1000);
      assert.equal(store.size, 1);
    } finally {
      await store.close();
    }
  });

  it('does not create an entry for a denied hit and rejects invalid arguments', async () => {
    const store = createMemoryStore();
    try {
      assert.equal((await store.consume('x', 1, 1000, 5)).allowed, false);
      assert.equal(store.size, 0);
      await assert.rejects(store.consume('x', 1.5, 1000), RangeError);
      await assert.rejects(store.consume('x', 1, 0), RangeError);
      await assert.rejects(store.consume('x', 1, 1000, 0), RangeError);
    } finally {
      await store.close();
    }
  });
});
