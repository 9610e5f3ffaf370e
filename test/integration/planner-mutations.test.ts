// Mutations on the query planner: root fields run one after the other in document order, as
// graphql-js runs them; a non-null failure stops the ones after it; and the planner, not the
// delegation fallback, executes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asPartner, asUser, metricSum, startStack, type Stack } from '../helpers/gateway.js';

const LATENCY_MS = 100;
const ITEMS = '[{ productId: "p1", quantity: 1 }]';

const mutationFallbacks = (stack: Stack) =>
  metricSum(stack.url, 'facet_planner_fallback_total', { reason: 'mutation' });

describe('mutations on the query planner (orders answers after 100 ms)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ latencyMs: LATENCY_MS, env: { FACET_EXECUTOR: 'planner' } });
  });
  after(() => stack?.close());

  it('two mutation fields run serially, in document order, each answered', async () => {
    const query = `mutation {
      first: createOrder(userId: "u3", items: [{ productId: "p1", quantity: 1 }]) { id items { quantity } }
      second: createOrder(userId: "u4", items: [{ productId: "p1", quantity: 2 }]) { id items { quantity } }
    }`;
    // warmed up first (a first request pays for compiling), then orders slowed to 300 ms a call
    await stack.gql('partner', '{ order(id: "o1") { id } }', { headers: asPartner() });
    stack.demo.orders.setLatency(3 * LATENCY_MS);
    stack.demo.resetCounters();
    const started = performance.now();
    const res = await stack.gql('partner', query, { headers: asPartner() });
    const took = performance.now() - started;
    stack.demo.orders.setLatency(LATENCY_MS);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    const data = res.body.data as Record<'first' | 'second', { id: string; items: { quantity: number }[] }>;
    assert.deepEqual([data.first.items, data.second.items], [[{ quantity: 1 }], [{ quantity: 2 }]]);
    // ids are handed out in arrival order: the first field's call reached the backend first
    assert.ok(Number(data.first.id.slice(1)) < Number(data.second.id.slice(1)), res.text);
    assert.equal(stack.demo.orders.calls.total(), 2);
    // one after the other: ≥ 600 ms; in parallel both would be answered after ~300 ms
    assert.ok(took >= 6 * LATENCY_MS, `took ${Math.round(took)} ms: the mutations ran in parallel`);
    assert.equal(await mutationFallbacks(stack), 0, 'the mutation went to delegation');
  });

  it('a failed mutation field is null with its error; the next one still runs (nullable fields)', async () => {
    const query = `mutation {
      bad: createOrder(userId: "nobody", items: ${ITEMS}) { id }
      good: createOrder(userId: "u5", items: ${ITEMS}) { status }
    }`;
    const res = await stack.gql('partner', query, { headers: asPartner() });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { bad: null, good: { status: 'PLACED' } });
    assert.deepEqual(
      res.body.errors?.map((e) => ({ path: e.path, code: e.extensions?.code })),
      [{ path: ['bad'], code: 'UPSTREAM_REJECTED' }],
    );
  });

  it('web placeOrder (@from a source mutation) places the order for the signed-in user', async () => {
    const res = await stack.gql('web', `mutation { placeOrder(items: ${ITEMS}) { status items { quantity } } }`, {
      headers: await asUser('u6'),
    });
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { placeOrder: { status: 'PLACED', items: [{ quantity: 1 }] } });
    assert.equal(await mutationFallbacks(stack), 0);
  });
});
