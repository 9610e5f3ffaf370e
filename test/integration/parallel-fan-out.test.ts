// Parallel fan-out: independent backend calls of one request run at the same time, so the
// home screen costs two backend round trips (users/orders/recommendations, then catalog),
// not the sum of four.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ordersOfUser, userById } from '../../demo/data.js';
import { ALL_USER_SCOPES, asUser, HOME_QUERY, startStack, type Stack } from '../helpers/gateway.js';

const LATENCY_MS = 100;

describe('parallel fan-out (every backend answers after 100 ms)', () => {
  let stack: Stack;
  before(async () => {
    // the query planner (the default), named so that FACET_EXECUTOR=delegation in the shell does not
    // turn this into a test of delegation's bounded coalescing
    stack = await startStack({ latencyMs: LATENCY_MS, env: { FACET_EXECUTOR: 'planner' } });
  });
  after(() => stack.close());

  /**
   * Three runs of `request`, the demo's counters reset before each. A busy machine can only make
   * a request slower, never make sequential calls look parallel, so the fastest run shows what the
   * gateway does.
   */
  async function fastestOfThree(request: () => Promise<void>): Promise<{ fastest: number; shown: string }> {
    const durations: number[] = [];
    for (let run = 0; run < 3; run++) {
      stack.demo.resetCounters();
      const started = performance.now();
      await request();
      durations.push(performance.now() - started);
    }
    return { fastest: Math.min(...durations), shown: durations.map((ms) => Math.round(ms)).join(', ') };
  }

  it('answers the home query in two backend round trips, well under the sequential sum', async () => {
    const headers = await asUser('u1');
    const warmUp = await stack.gql('mobile', HOME_QUERY, { headers });
    assert.equal(warmUp.status, 200, warmUp.text);
    assert.equal(warmUp.body.errors, undefined, warmUp.text);

    const { fastest, shown } = await fastestOfThree(async () => {
      const res = await stack.gql('mobile', HOME_QUERY, { headers });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      // All four backends were really involved: sequential calls would take ≥ 4 × 100 ms.
      for (const backend of [stack.demo.users, stack.demo.orders, stack.demo.recommendations, stack.demo.catalog]) {
        assert.equal(backend.calls.total(), 1, `${backend.name}: one call each (one catalog batch for both lists)`);
      }
    });
    assert.ok(fastest < 3.5 * LATENCY_MS, `home took ${shown} ms: backend calls were not made in parallel`);
    assert.ok(fastest >= 1.8 * LATENCY_MS, `home took ${shown} ms: expected two levels of 100 ms`);
  });

  it('the catalog batch waits for the calls whose answers hold product keys (no timer), not for an unrelated slow one', async (t) => {
    const headers = await asUser('u1');
    t.after(() => {
      stack.demo.users.setLatency(LATENCY_MS);
      stack.demo.recommendations.setLatency(LATENCY_MS);
    });
    // recommendations answers last among the product-key holders: the one batch waits for it
    stack.demo.recommendations.setLatency(3 * LATENCY_MS);
    stack.demo.resetCounters();
    let res = await stack.gql('mobile', HOME_QUERY, { headers });
    assert.equal(res.body.errors, undefined, res.text);
    assert.equal(stack.demo.catalog.calls.total(), 1, 'products of orders and recommendations in one batch');
    stack.demo.recommendations.setLatency(LATENCY_MS);

    // users (me) holds no product key: a slow users call does not hold the catalog batch back
    stack.demo.users.setLatency(6 * LATENCY_MS);
    stack.demo.resetCounters();
    const started = performance.now();
    const [answer, catalogAt] = await Promise.all([
      stack.gql('mobile', HOME_QUERY, { headers }),
      (async () => {
        while (stack.demo.catalog.calls.total() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        return performance.now() - started;
      })(),
    ]);
    res = answer;
    assert.equal(res.body.errors, undefined, res.text);
    assert.equal(stack.demo.catalog.calls.total(), 1);
    assert.ok(
      catalogAt < 4 * LATENCY_MS,
      `the catalog was called after ${Math.round(catalogAt)} ms (users answers at 600)`,
    );
  });

  it('an entity fetched by a known key starts the calls that need only that key at once: 2 hops, not 3 (query planner)', async () => {
    const headers = await asUser('u1', `${ALL_USER_SCOPES} users:read`);
    const query = `{ user(id: "u2") { name orders { items { product { name } } } recommendations { product { name } } } }`;
    const { fastest, shown } = await fastestOfThree(async () => {
      const res = await stack.gql('web', query, { headers });
      assert.equal(res.body.errors, undefined, res.text);
      const user = (res.body.data as { user: { name: string; orders: unknown[]; recommendations: unknown[] } }).user;
      assert.equal(user.name, userById('u2')?.name);
      assert.equal(user.orders.length, ordersOfUser('u2').slice(0, 10).length);
      assert.ok(user.recommendations.length > 0);
      for (const backend of [stack.demo.users, stack.demo.orders, stack.demo.recommendations, stack.demo.catalog])
        assert.equal(backend.calls.total(), 1, `${backend.name}: one call`);
    });
    // users, orders and recommendations together, then one catalog batch: 2 × 100 ms, where
    // waiting for the user before its orders and recommendations would take 3 × 100 ms
    assert.ok(fastest < 2.7 * LATENCY_MS, `took ${shown} ms: the key was not hoisted`);
  });

  it('a hoisted key that finds no entity: null, as without hoisting (the early calls are dropped)', async () => {
    const headers = await asUser('u1', `${ALL_USER_SCOPES} users:read`);
    const res = await stack.gql('web', `{ user(id: "nobody") { name orders { id } } }`, { headers });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { user: null }, res.text);
  });
});
