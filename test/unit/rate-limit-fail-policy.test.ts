import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import {
  RateLimitStoreError,
  createMemoryStore,
  withFailPolicy,
  type RateLimitStore,
} from '../../src/directives/rate-limit/index.js';

/** A store that fails while `down`, counting every call made to it; otherwise an exact memory store. */
function switchableStore(): RateLimitStore & { down: boolean; calls: number; pings: number; closed: number } {
  const healthy = createMemoryStore();
  const unavailable = () => Promise.reject(new RateLimitStoreError('rate-limit store unavailable: test'));
  const store = {
    down: true,
    calls: 0,
    pings: 0,
    closed: 0,
    consume(key: string, limit: number, windowMs: number, cost?: number) {
      store.calls++;
      return store.down ? unavailable() : healthy.consume(key, limit, windowMs, cost);
    },
    consumeAll(checks: Parameters<RateLimitStore['consumeAll']>[0]) {
      store.calls++;
      return store.down ? unavailable() : healthy.consumeAll(checks);
    },
    consumeEach(checks: Parameters<RateLimitStore['consumeEach']>[0]) {
      store.calls++;
      return store.down ? unavailable() : healthy.consumeEach(checks);
    },
    async ping() {
      store.pings++;
      if (store.down) throw new RateLimitStoreError('rate-limit store unavailable: test');
    },
    async close() {
      store.closed++;
      await healthy.close();
      throw new Error('close failed');
    },
  };
  return store;
}

const check = (limit: number) => ({ key: 'k', limit, windowMs: 60_000 });

describe('withFailPolicy: a breaker on the store, then the onError policy', () => {
  it("onError 'allow' keeps an approximate local limit while the store is down, and logs the outage once", async () => {
    const logged: unknown[] = [];
    const inner = switchableStore();
    const store = withFailPolicy(inner, { onError: 'allow', log: (err) => logged.push(err) });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await store.consumeAll([check(2)]));
    assert.deepEqual(
      decisions.map(([d]) => d!.allowed),
      [true, true, false, false],
      'limit 2 still holds, counted in this instance',
    );
    assert.ok(
      decisions.every(([d]) => !d!.unavailable),
      'local refusals are real limits (RATE_LIMITED), not outages',
    );
    assert.equal(logged.length, 1, 'one log line per outage, not per request');
    assert.ok(logged[0] instanceof RateLimitStoreError);
    assert.equal(inner.calls, 1, 'the store is asked once, then left alone during the back-off');
    await store.close().catch(() => {});
  });

  it("onError 'deny' refuses as unavailable (not as a used-up quota), retry hint = time until the probe", async () => {
    let now = 1_000_000;
    const store = withFailPolicy(switchableStore(), { onError: 'deny', backoffMs: 3000, now: () => now });
    const [first] = await store.consumeAll([check(7)]);
    assert.deepEqual(first, {
      allowed: false,
      limit: 7,
      remaining: 0,
      retryAfterMs: 3000,
      resetMs: 3000,
      unavailable: true,
    });
    now += 1000;
    const [later] = await store.consumeEach([check(7)]);
    assert.equal(later!.retryAfterMs, 2000);
    assert.equal(later!.unavailable, true);
  });

  it('after the back-off one probe runs in the background; when it answers the store decides again, recovery reported once', async () => {
    let now = 0;
    const recovered: number[] = [];
    const inner = switchableStore();
    const store = withFailPolicy(inner, {
      onError: 'deny',
      backoffMs: 2000,
      now: () => now,
      onRecover: (ms) => recovered.push(ms),
    });
    await store.consumeAll([check(5)]); // trips the breaker
    now = 1999;
    await store.consumeAll([check(5)]);
    assert.equal(inner.pings, 0, 'no probe during the back-off');

    now = 2000; // probe fails: another back-off
    assert.equal(
      (await store.consumeAll([check(5)]))[0]!.unavailable,
      true,
      'the request that starts a probe does not wait for it',
    );
    await tick();
    assert.equal(inner.pings, 1);
    await Promise.all([store.consumeAll([check(5)]), store.consumeAll([check(5)])]);
    await tick();
    assert.equal(inner.pings, 1, 'one probe per back-off');

    inner.down = false;
    now = 4000;
    await store.consumeAll([check(5)]);
    await tick();
    assert.equal(inner.pings, 2);
    assert.deepEqual(recovered, [4000], 'down from the first failure (0) to the probe that answered (4000)');
    const callsBefore = inner.calls;
    const [decision] = await store.consumeAll([check(5)]);
    assert.equal(inner.calls, callsBefore + 1, 'the store decides again');
    assert.deepEqual(
      { allowed: decision!.allowed, remaining: decision!.remaining, unavailable: decision!.unavailable },
      { allowed: true, remaining: 4, unavailable: undefined },
    );
  });

  it('never throws: not from a throwing logger, not from invalid arguments, not from close', async () => {
    const inner = switchableStore();
    const store = withFailPolicy(inner, {
      onError: 'allow',
      log: () => {
        throw new Error('logger broke');
      },
    });
    assert.equal((await store.consume('k', 1, 1000)).allowed, true);
    assert.equal(
      (await store.consume('k', -1, 1000)).allowed,
      true,
      'a programming error is logged, the request not punished',
    );
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
