// Prometheus metrics of the rate-limit store (src/observability/metrics.ts), fed by its fail policy:
// facet_rate_limit_store_up, facet_rate_limit_store_failures_total and
// facet_rate_limit_decisions_total{outcome}, one decision per store call.
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import {
  RateLimitStoreError,
  createMemoryStore,
  withFailPolicy,
  type RateLimitFailMode,
  type RateLimitStore,
} from '../../src/directives/rate-limit/index.js';
import { createMetrics, type Metrics } from '../../src/observability/index.js';

/** A memory store that fails (calls and pings) while `down`. */
function switchableStore(): RateLimitStore & { down: boolean } {
  const healthy = createMemoryStore();
  const fail = () => Promise.reject(new RateLimitStoreError('rate-limit store unavailable: test'));
  const store = {
    down: false,
    consume: (key: string, limit: number, windowMs: number, cost?: number) =>
      store.down ? fail() : healthy.consume(key, limit, windowMs, cost),
    consumeAll: (checks: Parameters<RateLimitStore['consumeAll']>[0]) =>
      store.down ? fail() : healthy.consumeAll(checks),
    consumeEach: (checks: Parameters<RateLimitStore['consumeEach']>[0]) =>
      store.down ? fail() : healthy.consumeEach(checks),
    ping: () => (store.down ? fail() : Promise.resolve()),
    close: () => healthy.close(),
  };
  return store;
}

async function value(metrics: Metrics, name: string, outcome?: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => outcome === undefined || v.labels['outcome'] === outcome)?.value ?? 0;
}

async function setup(onError: RateLimitFailMode) {
  let clock = 1_000_000;
  const inner = switchableStore();
  const store = withFailPolicy(inner, { onError, backoffMs: 1000, now: () => clock });
  const metrics = createMetrics();
  const advance = (ms: number) => {
    clock += ms;
  };
  return { inner, store, metrics, advance };
}

const check = (key: string, limit: number) => [{ key, limit, windowMs: 60_000 }];

describe('rate-limit store metrics', () => {
  it('up while the store answers; down and failures counted during an outage; up again after a probe', async () => {
    const { inner, store, metrics, advance } = await setup('allow');
    try {
      assert.equal(await value(metrics, 'facet_rate_limit_store_up'), 1);
      await store.consumeAll(check('a', 1));
      await store.consumeAll(check('a', 1));
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'allowed'), 1);
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'refused'), 1);

      inner.down = true;
      await store.consumeAll(check('b', 1)); // fails: down, decided by local counts
      assert.equal(await value(metrics, 'facet_rate_limit_store_up'), 0);
      assert.equal(await value(metrics, 'facet_rate_limit_store_failures_total'), 1);
      await store.consumeAll(check('b', 1)); // in back-off: the store is not asked
      assert.equal(await value(metrics, 'facet_rate_limit_store_failures_total'), 1);
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'fail_open'), 1);
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'refused'), 2, 'a local refusal is a 429');
      advance(1000);
      await store.consumeAll(check('c', 5)); // starts a probe, which fails
      await tick();
      assert.equal(await value(metrics, 'facet_rate_limit_store_failures_total'), 2);
      assert.equal(await value(metrics, 'facet_rate_limit_store_up'), 0);

      inner.down = false;
      advance(1000);
      await store.consumeAll(check('c', 5)); // starts a probe, which answers
      await tick();
      assert.equal(await value(metrics, 'facet_rate_limit_store_up'), 1);
      await store.consumeAll(check('c', 5));
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'allowed'), 2);
      assert.equal(await value(metrics, 'facet_rate_limit_store_failures_total'), 2);
    } finally {
      metrics.close();
      await store.close();
    }
  });

  it('onError deny: each call refused for the outage counts as fail_closed, one per call, not per check', async () => {
    const { inner, store, metrics } = await setup('deny');
    try {
      inner.down = true;
      await store.consumeAll([...check('a', 1), ...check('b', 1)]);
      await store.consumeEach(check('a', 1));
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'fail_closed'), 2);
      assert.equal(await value(metrics, 'facet_rate_limit_decisions_total', 'fail_open'), 0);
      assert.equal(await value(metrics, 'facet_rate_limit_store_up'), 0);
      const text = await metrics.registry.metrics();
      assert.match(text, /^facet_rate_limit_decisions_total\{outcome="allowed"\} 0$/m, 'every outcome is exported');
    } finally {
      metrics.close();
      await store.close();
    }
  });
});
