// @cacheControl on source calls: answers kept in memory for maxAge, per key for @batch calls (a
// batch asks only for the keys not cached), per caller for PRIVATE. Over a copy of the demo
// configuration whose catalog calls are declared cacheable.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { userById } from '../../demo/data.js';
import { cacheCatalogAndOrders, copyConfig } from '../helpers/config-copy.js';
import { asUser, HOME_QUERY, metricSum, startStack, type Stack } from '../helpers/gateway.js';

let config: { dir: string; remove(): void };
let stack: Stack;
let U1: Record<string, string>;

before(async () => {
  config = copyConfig([
    ...cacheCatalogAndOrders.filter(([file]) => file === 'schema/catalog.graphql'),
    [
      'schema/users.graphql',
      'user(id: ID!): User @http(GET: "/users/{args.id}")',
      '$& @cacheControl(maxAge: 60, scope: PRIVATE)',
    ],
  ]);
  const dir = config.dir;
  stack = await startStack({ dir, env: { REDIS_URL: '' } });
  U1 = await asUser('u1');
});
after(async () => {
  await stack?.close();
  config?.remove();
});
beforeEach(() => stack.demo.resetCounters());

describe('@cacheControl on source calls', () => {
  it('a warm home makes no catalog call, the other calls unchanged, the same answer', async () => {
    const cold = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
    assert.equal(cold.status, 200, cold.text);
    assert.equal(stack.demo.catalog.calls.total(), 1);
    stack.demo.resetCounters();
    const warm = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
    assert.equal(warm.text, cold.text);
    assert.equal(stack.demo.catalog.calls.total(), 0);
    for (const backend of ['orders', 'recommendations'] as const)
      assert.equal(stack.demo[backend].calls.total(), 1, `${backend} is not declared cacheable`);
    assert.ok((await metricSum(stack.url, 'facet_source_cache_total', { source: 'catalog', outcome: 'hit' })) > 0);
  });

  it('PRIVATE: each user gets their own cached data, never that of another', async () => {
    const U2 = await asUser('u2');
    const meOf = async (headers: Record<string, string>) =>
      ((await stack.gql('mobile', HOME_QUERY, { headers })).body.data as { home: { me: { id: string; name: string } } })
        .home.me;
    const first = { u1: await meOf(U1), u2: await meOf(U2) };
    assert.deepEqual(
      [first.u1.id, first.u1.name, first.u2.id, first.u2.name],
      ['u1', userById('u1')!.name, 'u2', userById('u2')!.name],
    );
    stack.demo.resetCounters();
    // warm for both: from the cache, each their own
    assert.deepEqual(await meOf(U2), first.u2);
    assert.deepEqual(await meOf(U1), first.u1);
    assert.equal(stack.demo.users.calls.total(), 0);
  });

  it('a batch with some keys cached asks the backend only for the missing ones', async () => {
    const query = (ids: string[]) => `{ products(ids: ${JSON.stringify(ids)}) { id name } }`;
    await stack.gql('web', query(['p31', 'p32']), { headers: U1 });
    stack.demo.resetCounters();
    const res = await stack.gql('web', query(['p31', 'p33', 'p32', 'p34']), { headers: U1 });
    assert.deepEqual(
      (res.body.data as { products: Array<{ id: string }> }).products.map((p) => p.id),
      ['p31', 'p33', 'p32', 'p34'],
    );
    assert.deepEqual(stack.demo.catalog.calls.batches('GET /products'), [['p33', 'p34']]);
  });

  it('PUBLIC: one call serves every caller, each with the same answer', async () => {
    const query = '{ product(id: "p35") { id name priceCents } }';
    const first = await stack.gql('web', query, { headers: U1 });
    const second = await stack.gql('web', query, { headers: U1 });
    const third = await stack.gql('web', query, { headers: await asUser('u2') });
    assert.equal(second.text, first.text);
    assert.equal(third.text, first.text);
    assert.equal(stack.demo.catalog.calls.total(), 1, 'PUBLIC: one call for every caller');
  });
});
