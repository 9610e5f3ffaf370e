import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import {
  RateLimitStoreError,
  createRedisStore,
  withFailPolicy,
  type RateLimitStore,
} from '../../src/directives/rate-limit/index.js';
import { REDIS_URL, skipUnlessRedis } from '../helpers/redis.js';

// In CI a missing Redis must fail the run, so the tests are never skipped there.
const skipLive = await skipUnlessRedis();

describe('redis rate-limit store (live Redis)', { skip: skipLive }, () => {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => {}); // connection errors surface through the failing commands
  const stores: RateLimitStore[] = [];
  const prefixes: string[] = [];

  /** A random key prefix per test, so tests never see each other's counters; deleted after the suite. */
  function newPrefix(): string {
    const prefix = `facet:rl:test:${randomUUID()}:`;
    prefixes.push(prefix);
    return prefix;
  }
  /** A store (its own Redis connection, like one gateway instance), closed after the suite. */
  function store(keyPrefix: string): RateLimitStore {
    const s = createRedisStore({ url: REDIS_URL, keyPrefix, timeoutMs: 2000 }); // generous: CI machines can be slow
    stores.push(s);
    return s;
  }
  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}*`, count: 100 })) keys.push(...(batch as string[]));
    return keys;
  }

  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    try {
      for (const prefix of prefixes) {
        const keys = await keysUnder(prefix);
        if (keys.length > 0) await admin.del(...keys);
      }
    } finally {
      admin.disconnect(); // also when Redis is gone (CI without Redis): the run must still end
    }
  });

  it('two gateway instances (two connections) share the limit: 200 concurrent consumes, limit 50 → exactly 50 allowed', async () => {
    const prefix = newPrefix();
    const a = store(prefix);
    const b = store(prefix);
    const calls = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).consume('shared', 50, 3_600_000));
    const decisions = await Promise.all(calls);
    assert.equal(decisions.filter((d) => d.allowed).length, 50);
    const denied = decisions.filter((d) => !d.allowed);
    assert.ok(
      denied.every((d) => d.remaining === 0 && d.retryAfterMs > 0),
      'denials carry a retry hint',
    );
    const remaining = decisions
      .filter((d) => d.allowed)
      .map((d) => d.remaining)
      .sort((x, y) => x - y);
    assert.deepEqual(
      remaining,
      Array.from({ length: 50 }, (_, i) => i),
      'each allowed hit saw a distinct remaining',
    );
  });

  it('records hits under <prefix><key>:<windowIndex> with an expiry of two windows', async () => {
    const prefix = newPrefix();
    await store(prefix).consume('ttl', 5, 10_000, 3);
    const keys = await keysUnder(prefix);
    assert.equal(keys.length, 1);
    assert.match(keys[0] ?? '', /^facet:rl:test:[0-9a-f-]+:ttl:\d+$/);
    assert.equal(await admin.get(keys[0] ?? ''), '3');
    const ttl = await admin.pttl(keys[0] ?? '');
    assert.ok(ttl > 10_000 && ttl <= 20_000, `pttl ${ttl}`);
  });

  it("weighs the previous window's hits by the part of it still inside the sliding window", async () => {
    const prefix = newPrefix();
    const windowMs = 10_000;
    const redisNow = async (): Promise<number> => {
      const [sec, usec] = await admin.time();
      return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    };
    // Pick a moment 5%..80% into a window (by Redis' clock), so the expected weight is well away from 0 and 1.
    let now = await redisNow();
    const into = (now % windowMs) / windowMs;
    if (into < 0.05 || into > 0.8) await sleep(((1.05 - into) % 1) * windowMs + 10);
    now = await redisNow();
    const index = Math.floor(now / windowMs);
    const fraction = (now - index * windowMs) / windowMs;
    // Another instance filled the previous window to the limit: 100 * (1 - fraction) of it still counts.
    await admin.set(`${prefix}edge:${index - 1}`, '100', 'PX', 2 * windowMs);
    const decision = await store(prefix).consume('edge', 100, windowMs);
    assert.equal(decision.allowed, true);
    const expected = Math.floor(100 * fraction) - 1; // limit - weighted prev - this hit
    assert.ok(
      decision.remaining >= expected && decision.remaining <= expected + 2,
      `remaining ${decision.remaining}, expected ~${expected}`,
    );
  });

  it('uses a client passed in without closing it', async () => {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      const s = createRedisStore({ client, keyPrefix: newPrefix() });
      assert.equal((await s.consume('passed', 1, 60_000)).allowed, true);
      assert.equal((await s.consume('passed', 1, 60_000)).allowed, false);
      await s.close();
      assert.equal(await client.ping(), 'PONG', 'the caller still owns the connection');
    } finally {
      client.disconnect();
    }
  });

  it("does not blame the store for the gateway's own event-loop lag: a reply that came in time counts", async () => {
    const s = createRedisStore({ url: REDIS_URL, keyPrefix: newPrefix(), timeoutMs: 50 });
    stores.push(s);
    await s.ping(); // connected: what is measured is the command alone
    const busyFor = (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end); // a burst of synchronous work, as when many requests arrive at once
    };
    for (let i = 0; i < 3; i++) {
      const decision = s.consume(`busy-${i}`, 10, 60_000);
      busyFor(200); // four times the budget passes before the command is even sent
      assert.equal((await decision).allowed, true);
    }
  });

  it('allows again once the window has passed (300 ms window)', async () => {
    const s = store(newPrefix());
    assert.equal((await s.consume('short', 2, 300)).allowed, true);
    assert.equal((await s.consume('short', 2, 300)).allowed, true);
    const denied = await s.consume('short', 2, 300);
    assert.equal(denied.allowed, false);
    assert.ok(denied.retryAfterMs > 0 && denied.retryAfterMs <= 600, `retryAfterMs ${denied.retryAfterMs}`);
    await sleep(denied.retryAfterMs + 20);
    assert.equal((await s.consume('short', 2, 300)).allowed, true, 'allowed after retryAfterMs');
    await sleep(700); // more than two windows: counters fully reset
    assert.equal((await s.consume('short', 2, 300)).remaining, 1);
  });
});

/** How a consume that must fail fails: the store's error, and how long it took. */
async function refusal(store: RateLimitStore): Promise<{ error: RateLimitStoreError; elapsed: number }> {
  const started = performance.now();
  const error = await store.consume('k', 10, 1000).then(
    () => assert.fail('consume should reject'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof RateLimitStoreError, `got ${String(error)}`);
  return { error, elapsed: performance.now() - started };
}

describe('redis rate-limit store (Redis unreachable)', () => {
  // Per-test timeouts turn a hang (the bug guarded against here) into a failure, and the stores are
  // closed in `after`, which runs even then, so the run still ends.
  const stores: RateLimitStore[] = [];
  const unreachable = (): RateLimitStore => {
    const s = createRedisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 200 });
    stores.push(s);
    return s;
  };
  after(() => Promise.all(stores.map((s) => s.close())));

  it('rejects with RateLimitStoreError within the timeout instead of hanging', { timeout: 5000 }, async () => {
    const s = unreachable();
    for (let attempt = 0; attempt < 2; attempt++) {
      const { error, elapsed } = await refusal(s);
      assert.equal(error.code, 'RATE_LIMIT_STORE_UNAVAILABLE');
      assert.ok(elapsed < 1500, `took ${elapsed} ms`);
    }
  });

  it('a Redis that accepts the command but never answers: rejects about timeoutMs after sending', {
    timeout: 5000,
  }, async () => {
    // Answers the connection's handshake (INFO, and +OK to anything else) but never a script call.
    const silent = createServer((socket) => {
      socket.on('data', (chunk) => {
        for (const [, command] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
          const name = command!.toUpperCase();
          if (name === 'EVALSHA' || name === 'EVAL') continue;
          if (name === 'INFO') {
            const info = 'redis_version:7.0.0\r\nloading:0\r\n';
            socket.write(`$${info.length}\r\n${info}\r\n`);
          } else socket.write('+OK\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const s = createRedisStore({ url: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
    stores.push(s);
    try {
      await s.ping();
      const { error, elapsed } = await refusal(s);
      assert.match(error.message, /no answer within 200 ms/);
      assert.ok(elapsed >= 190 && elapsed < 1500, `took ${elapsed} ms`);
    } finally {
      await s.close();
      silent.close();
    }
  });

  it('withFailPolicy turns the failure into allow or deny', { timeout: 5000 }, async () => {
    const logged: unknown[] = [];
    const open = withFailPolicy(unreachable(), { onError: 'allow', log: (e) => logged.push(e) });
    const closed = withFailPolicy(unreachable(), { onError: 'deny', log: (e) => logged.push(e) });
    const started = performance.now();
    const [allow, deny] = await Promise.all([open.consume('k', 10, 1000), closed.consume('k', 10, 1000)]);
    assert.ok(performance.now() - started < 1500);
    assert.deepEqual(
      { allowed: allow.allowed, limit: allow.limit, remaining: allow.remaining },
      { allowed: true, limit: 10, remaining: 9 },
      'counted locally meanwhile',
    );
    assert.equal(deny.allowed, false);
    assert.equal(deny.unavailable, true);
    assert.ok(
      deny.retryAfterMs > 0 && deny.retryAfterMs <= 2000,
      `retry when the store is probed again: ${deny.retryAfterMs}`,
    );
    assert.equal(logged.length, 2);
    assert.ok(logged.every((e) => e instanceof RateLimitStoreError));
  });
});
