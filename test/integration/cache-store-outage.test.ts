// Redis killed while the gateway is under load: answers keep coming (from the backends), no
// errors, latency bounded; the outage and the recovery are logged once each; when Redis is back
// on the same port the cache works again. Uses a redis-server of its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureLog, type CapturedLog } from '../helpers/captured-log.js';
import { cacheCatalogAndOrders, copyConfig } from '../helpers/config-copy.js';
import { asUser, HOME_QUERY, metricSum, startStack, type Stack } from '../helpers/gateway.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';

let config: { dir: string; remove(): void };
let redis: PrivateRedis;
let stack: Stack;
let captured: CapturedLog;
let U1: Record<string, string>;

before(async () => {
  config = copyConfig([
    ...cacheCatalogAndOrders,
    ['gateway.yaml', 'timeoutMs: 100\n  backoffMs: 2000', 'timeoutMs: 100\n  backoffMs: 300'],
  ]);
  redis = await startPrivateRedis();
  captured = captureLog();
  stack = await startStack({ dir: config.dir, env: { REDIS_URL: redis.url }, log: captured.log });
  U1 = await asUser('u1');
});
after(async () => {
  await stack?.close();
  await redis?.kill();
  config?.remove();
});

interface Sample {
  status: number;
  ms: number;
  text: string;
}

async function home(): Promise<Sample> {
  const started = performance.now();
  const res = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
  return { status: res.status, ms: performance.now() - started, text: res.text };
}

/** `workers` loops asking for home until `until()` says stop. */
async function load(workers: number, until: () => boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!until()) samples.push(await home());
    }),
  );
  return samples;
}

const logged = (msg: RegExp) => captured.lines.filter((line) => msg.test(String(line['msg'])));

describe('the Redis cache store killed under load', () => {
  it('keeps answering from the backends without errors, then caches again once Redis is back', async () => {
    const warm = await home();
    assert.equal(warm.status, 200, warm.text);
    stack.demo.resetCounters();
    assert.equal((await home()).text, warm.text);
    assert.equal(stack.demo.catalog.calls.total(), 0, 'warm: from the Redis cache');

    let stop = false;
    const running = load(6, () => stop);
    await sleep(500);
    await redis.kill();
    const killedAt = performance.now();
    await sleep(1500);
    stop = true;
    const samples = await running;
    assert.ok(samples.length > 20, `under load: ${samples.length} requests`);
    for (const sample of samples) {
      assert.equal(sample.status, 200);
      assert.equal(sample.text, warm.text, 'the same answer, from the backends while Redis is gone');
    }
    const slowest = Math.max(...samples.map((s) => s.ms));
    assert.ok(slowest < 1000, `latency bounded while Redis is gone: slowest ${Math.round(slowest)} ms`);
    assert.ok(stack.demo.catalog.calls.total() > 0, 'the backends answered instead');
    assert.ok((await metricSum(stack.url, 'facet_cache_store_total', { store: 'redis', outcome: 'bypass' })) > 0);
    assert.equal(logged(/cache store \(Redis\) not answering/).length, 1, 'the outage is logged once');
    assert.ok(performance.now() - killedAt > 1000);

    redis = await startPrivateRedis(redis.port);
    const deadline = Date.now() + 10_000;
    let cachedAgain = false;
    while (!cachedAgain && Date.now() < deadline) {
      assert.equal((await home()).status, 200);
      stack.demo.resetCounters();
      assert.equal((await home()).text, warm.text);
      cachedAgain = stack.demo.catalog.calls.total() === 0;
      if (!cachedAgain) await sleep(200);
    }
    assert.ok(cachedAgain, 'the cache works again once Redis is back');
    assert.equal(logged(/cache store \(Redis\) answering again/).length, 1, 'the recovery is logged once');
  });
});
