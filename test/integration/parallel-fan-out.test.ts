// Parallel fan-out: independent backend calls of one request run at the same time, so the
// home screen costs two backend round trips (users/orders/recommendations, then catalog),
// not the sum of four.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asUser, HOME_QUERY, startStack, type Stack } from '../helpers/gateway.js';

const LATENCY_MS = 100;

describe('parallel fan-out (every backend answers after 100 ms)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ latencyMs: LATENCY_MS });
  });
  after(() => stack.close());

  it('answers the home query in two backend round trips, well under the sequential sum', async () => {
    const headers = await asUser('u1');
    const warmUp = await stack.gql('mobile', HOME_QUERY, { headers });
    assert.equal(warmUp.status, 200, warmUp.text);
    assert.equal(warmUp.body.errors, undefined, warmUp.text);

    // Best of three: a busy machine can only make a request slower, never make sequential calls
    // (≥ 4 × 100 ms) look parallel, so the fastest run shows what the gateway does.
    const durations: number[] = [];
    for (let run = 0; run < 3; run++) {
      stack.demo.resetCounters();
      const started = performance.now();
      const res = await stack.gql('mobile', HOME_QUERY, { headers });
      durations.push(performance.now() - started);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      // All four backends were really involved: sequential calls would take ≥ 4 × 100 ms.
      for (const backend of [stack.demo.users, stack.demo.orders, stack.demo.recommendations, stack.demo.catalog]) {
        assert.ok(backend.calls.total() >= 1, `${backend.name} was not called`);
      }
    }
    const shown = durations.map((ms) => Math.round(ms)).join(', ');
    assert.ok(
      Math.min(...durations) < 3.5 * LATENCY_MS,
      `home took ${shown} ms: backend calls were not made in parallel`,
    );
    assert.ok(Math.min(...durations) >= 1.8 * LATENCY_MS, `home took ${shown} ms: expected two levels of 100 ms`);
  });
});
