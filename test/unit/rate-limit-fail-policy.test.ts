import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  RateLimitStoreError,
  createMemoryStore,
  withFailPolicy,
  type RateLimitStore,
} from '../../src/directives/rate-limit/index.js';

function failingStore(): RateLimitStore & { closed: number } {
  return {
    closed: 0,
    async consume() {
      throw new RateLimitStoreError('rate-limit store unavailable: test');
    },
    async close() {
      this.closed++;
      throw new Error('close failed');
    },
  };
}

describe('withFailPolicy', () => {
  it("fails open with onError 'allow' and logs the error", async () => {
    const logged: unknown[] = [];
    const store = withFailPolicy(failingStore(), { onError: 'allow', log: (err) => logged.push(err) });
    assert.deepEqual(await store.consume('k', 7, 1000), { allowed: true, limit: 7, remaining: 7, retryAfterMs: 0, resetMs: 0 });
    assert.equal(logged.length, 1);
    assert.ok(logged[0] instanceof RateLimitStoreError);
    assert.equal((logged[0] as RateLimitStoreError).code, 'RATE_LIMIT_STORE_UNAVAILABLE');
  });

  it("fails closed with onError 'deny' (retry after 1 s)", async () => {
    const store = withFailPolicy(failingStore(), { onError: 'deny' });
    const decision = await store.consume('k', 7, 1000);
    assert.equal(decision.allowed, false);
    assert.equal(decision.remaining, 0);
    assert.equal(decision.retryAfterMs, 1000);
  });

  it('never throws: not from a throwing logger, not from close', async () => {
    const inner = failingStore();
    const store = withFailPolicy(inner, { onError: 'deny', log: () => { throw new Error('logger broke'); } });
    assert.equal((await store.consume('k', 1, 1000)).allowed, false);
    await store.close();
    assert.equal(inner.closed, 1);
  });

  it('passes decisions of a healthy store through unchanged', async () => {
    const store = withFailPolicy(createMemoryStore(), { onError: 'deny' });
    try {
      assert.deepEqual((await store.consume('k', 1, 60_000)).allowed, true);
      assert.deepEqual((await store.consume('k', 1, 60_000)).allowed, false);
    } finally {
      await store.close();
    }
  });
});
