import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  ORDERS,
  PRODUCTS,
  USERS,
  distinctProductsOfUser,
  ordersOfUser,
  productById,
  recommendationsFor,
  userById,
} from '../../demo/data.js';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../../demo/index.js';
import { loadServiceClient } from '../../demo/grpc/grpc-server.js';
import { ORDERS_PROTO, ORDER_SERVICE } from '../../demo/grpc/orders.js';
import { RECOMMENDATIONS_PROTO, RECOMMENDATION_SERVICE } from '../../demo/grpc/recommendations.js';

describe('demo data', () => {
  it('u1 fixture: 10 orders × 3 items over exactly 12 distinct products', () => {
    const orders = ordersOfUser('u1');
    assert.equal(orders.length, 10);
    assert.ok(orders.every((o) => o.items.length === 3));
    assert.equal(orders.flatMap((o) => o.items).length, 30);
    assert.equal(distinctProductsOfUser('u1').length, 12);
    assert.equal(new Set(orders.flatMap((o) => o.items.map((i) => i.product_id))).size, 12);
  });

  it('u1 recommendations: 10 distinct products, 2–4 of them already ordered', () => {
    const recs = recommendationsFor('u1', 10);
    const ids = recs.map((r) => r.product_id);
    assert.equal(recs.length, 10);
    assert.equal(new Set(ids).size, 10);
    const ordered = new Set(distinctProductsOfUser('u1'));
    const overlap = ids.filter((id) => ordered.has(id)).length;
    assert.ok(overlap >= 2 && overlap <= 4, `overlap ${overlap}`);
    assert.ok(ids.every((id) => productById(id)));
    assert.deepEqual(recommendationsFor('u1', 10), recs, 'deterministic');
    assert.equal(recommendationsFor('u1', 500).length, 50);
    assert.equal(recommendationsFor('u1', 0).length, 10);
    assert.deepEqual(recommendationsFor('nobody', 10), []);
  });

  it('shape of users, products and orders', () => {
    assert.equal(USERS.length, 100);
    assert.equal(PRODUCTS.length, 200);
    assert.equal(userById('u100')?.id, 'u100');
    assert.equal(userById('u101'), undefined);
    assert.equal(productById('p200')?.currency, 'EUR');
    assert.equal(new Set(ORDERS.map((o) => o.id)).size, ORDERS.length);
    for (const o of ORDERS) {
      assert.equal(
        o.total_cents,
        o.items.reduce((s, i) => s + i.quantity * i.unit_price_cents, 0),
      );
      assert.match(o.created_at, /^2026-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      for (const i of o.items) assert.equal(i.unit_price_cents, productById(i.product_id)?.price_cents);
    }
    for (const u of USERS.slice(1)) {
      const orders = ordersOfUser(u.id);
      assert.ok(orders.length <= 15);
      assert.ok(orders.every((o) => o.items.length >= 1 && o.items.length <= 4));
    }
  });
});

type Unary = (req: object, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;
function call<T>(client: grpc.Client, method: string, req: object): Promise<T> {
  const fn = (client as unknown as Record<string, Unary>)[method];
  assert.ok(fn, `no method ${method}`);
  return new Promise((resolve, reject) => fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res as T))));
}

describe('demo backends (smoke)', () => {
  let demo: Demo;
  let orders: grpc.Client;
  let recs: grpc.Client;

  before(async () => {
    demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 0 });
    const Orders = loadServiceClient(ORDERS_PROTO, ORDER_SERVICE);
    const Recs = loadServiceClient(RECOMMENDATIONS_PROTO, RECOMMENDATION_SERVICE);
    orders = new Orders(demo.env['ORDERS_ADDR'] ?? '', grpc.credentials.createInsecure());
    recs = new Recs(demo.env['RECOMMENDATIONS_ADDR'] ?? '', grpc.credentials.createInsecure());
  });
  after(async () => {
    orders.close();
    recs.close();
    await demo.close();
  });

  it('exposes exactly the env keys of the gateway config', () => {
    assert.deepEqual(Object.keys(demo.env).sort(), [
      'CATALOG_URL',
      'ORDERS_ADDR',
      'RATINGS_URL',
      'RECOMMENDATIONS_ADDR',
      'USERS_URL',
    ]);
    assert.match(demo.env['USERS_URL'] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(demo.env['ORDERS_ADDR'] ?? '', /^127\.0\.0\.1:\d+$/);
  });

  it('REST routes answer and are counted by route template', async () => {
    demo.resetCounters();
    const one = await fetch(`${demo.catalog.address}/products/p3`);
    assert.equal(one.status, 200);
    assert.deepEqual(await one.json(), productById('p3'));

    const ids = ['p1', 'p2', 'p3', 'p999', 'p2'];
    const batch = await fetch(`${demo.catalog.address}/products?ids=${ids.join(',')}`);
    const body = (await batch.json()) as { items: { id: string }[] };
    assert.deepEqual(
      body.items.map((p) => p.id),
      ['p3', 'p2', 'p1'],
    );

    const missing = await fetch(`${demo.users.address}/users/u999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'user not found' });
    assert.equal((await fetch(`${demo.users.address}/nope`)).status, 404);
    assert.equal((await fetch(`${demo.users.address}/users/u1`, { method: 'POST' })).status, 405);

    assert.equal(demo.catalog.calls.total(), 2);
    assert.equal(demo.catalog.calls.count('GET /products/{id}'), 1);
    assert.equal(demo.catalog.calls.count('GET /products'), 1);
    assert.deepEqual(demo.catalog.calls.batches('GET /products'), [ids]);
    assert.deepEqual(demo.users.calls.byOperation(), { 'GET /users/{id}': 1, UNMATCHED: 1, 'POST /users/{id}': 1 });
    const snapshot = (await (await fetch(`${demo.catalog.address}/__calls`)).json()) as { total: number };
    assert.equal(snapshot.total, 2, '/__calls is not counted itself');
  });

  it('gRPC methods answer and are counted by method name', async () => {
    demo.resetCounters();
    const u1 = ordersOfUser('u1');
    const page1 = await call<{ orders: { id: string }[]; next_cursor: string; total_count: number }>(
      orders,
      'ListOrdersByUser',
      { user_id: 'u1', limit: 4 },
    );
    assert.deepEqual(
      page1.orders.map((o) => o.id),
      u1.slice(0, 4).map((o) => o.id),
    );
    assert.equal(page1.total_count, 10);
    assert.notEqual(page1.next_cursor, '');
    const rest = await call<{ orders: { id: string }[]; next_cursor: string }>(orders, 'ListOrdersByUser', {
      user_id: 'u1',
      limit: 100,
      cursor: page1.next_cursor,
    });
    assert.equal(rest.orders.length, 6);
    assert.equal(rest.next_cursor, '');

    const first = u1[0];
    assert.ok(first);
    assert.deepEqual(await call(orders, 'GetOrder', { id: first.id }), first);
    await assert.rejects(call(orders, 'GetOrder', { id: 'o999999' }), { code: grpc.status.NOT_FOUND });
    await call(orders, 'BatchGetOrders', { ids: ['o1', 'o2'] });

    const r = await call<{ items: { product_id: string }[] }>(recs, 'RecommendForUser', { user_id: 'u1', limit: 10 });
    assert.deepEqual(
      r.items.map((i) => i.product_id),
      recommendationsFor('u1', 10).map((i) => i.product_id),
    );

    assert.equal(demo.orders.calls.count('ListOrdersByUser'), 2);
    assert.equal(demo.orders.calls.count('GetOrder'), 2);
    assert.deepEqual(demo.orders.calls.batches('BatchGetOrders'), [['o1', 'o2']]);
    assert.equal(demo.orders.calls.total(), 5);
    assert.equal(demo.recommendations.calls.byOperation()['RecommendForUser'], 1);
  });

  it('CreateOrder validates and appends', async () => {
    await assert.rejects(call(orders, 'CreateOrder', { user_id: 'u999', items: [{ product_id: 'p1', quantity: 1 }] }), {
      code: grpc.status.INVALID_ARGUMENT,
    });
    const created = await call<{ id: string; total_cents: number }>(orders, 'CreateOrder', {
      user_id: 'u2',
      items: [{ product_id: 'p1', quantity: 2 }],
    });
    assert.equal(created.total_cents, 2 * (productById('p1')?.price_cents ?? NaN));
    const list = await call<{ orders: { id: string }[] }>(orders, 'ListOrdersByUser', { user_id: 'u2', limit: 1 });
    assert.equal(list.orders[0]?.id, created.id);
  });

  it('faults: error, malformed, unavailable', async () => {
    demo.resetCounters();
    try {
      demo.catalog.setFault('error');
      const res = await fetch(`${demo.catalog.address}/products/p1`);
      assert.equal(res.status, 500);
      assert.match(await res.text(), /\/srv\/internal\/catalog\.js:12 http:\/\/10\.0\.0\.7:8080\/db/);
      demo.catalog.setFault('malformed');
      const bad = await fetch(`${demo.catalog.address}/products/p1`);
      assert.equal(bad.status, 200);
      await assert.rejects(bad.json());
      demo.catalog.setFault('unavailable');
      assert.equal((await fetch(`${demo.catalog.address}/products/p1`)).status, 503);
      assert.equal(demo.catalog.calls.count('GET /products/{id}'), 3);

      demo.orders.setFault('error');
      await assert.rejects(call(orders, 'GetOrder', { id: 'o1' }), { code: grpc.status.INTERNAL });
      demo.orders.setFault('unavailable');
      await assert.rejects(call(orders, 'GetOrder', { id: 'o1' }), { code: grpc.status.UNAVAILABLE });
    } finally {
      demo.catalog.setFault(null);
      demo.orders.setFault(null);
    }
    assert.equal((await fetch(`${demo.catalog.address}/products/p1`)).status, 200);
  });

  it('latency delays answers', async () => {
    demo.users.setLatency(60);
    const t0 = performance.now();
    await fetch(`${demo.users.address}/users/u1`);
    assert.ok(performance.now() - t0 >= 55);
    demo.users.setLatency(0);
  });
});

describe('hang fault: close() finishes promptly', () => {
  it('with a hanging REST request and a hanging gRPC call in flight', async () => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS });
    const Orders = loadServiceClient(ORDERS_PROTO, ORDER_SERVICE);
    const client = new Orders(demo.orders.address, grpc.credentials.createInsecure());
    demo.users.setFault('hang');
    demo.orders.setFault('hang');
    const rest = fetch(`${demo.users.address}/users/u1`).then(
      () => 'answered',
      () => 'failed',
    );
    const rpc = call(client, 'GetOrder', { id: 'o1' }).then(
      () => 'answered',
      () => 'failed',
    );
    while (demo.users.calls.total() === 0 || demo.orders.calls.total() === 0)
      await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    await demo.close();
    assert.ok(performance.now() - t0 < 2000, 'close took too long');
    assert.equal(await rest, 'failed');
    assert.equal(await rpc, 'failed');
    client.close();
  });
});
