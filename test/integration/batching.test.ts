// Batching and deduplication: the mobile home screen costs one call per backend (plus at most
// two catalog batches), results are matched back by key, and repeated lookups are made once.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { distinctProductsOfUser, ordersOfUser, productById, recommendationsFor, userById } from '../../demo/data.js';
import { asUser, HOME_QUERY, startStack, type Stack } from '../helpers/gateway.js';

const USER = 'u1';

interface HomeData {
  home: {
    me: { id: string; name: string } | null;
    recentOrders: {
      id: string;
      items: { quantity: number; product: { id: string; name: string; priceCents: number } }[];
    }[];
    recommended: { product: { id: string; name: string } }[];
  };
}

function product(id: string) {
  const p = productById(id);
  assert.ok(p, `demo has no product ${id}`);
  return p;
}

describe('batching: mobile home query', () => {
  let stack: Stack;
  let data: HomeData;

  before(async () => {
    stack = await startStack();
    stack.demo.resetCounters();
    const res = await stack.gql('mobile', HOME_QUERY, { headers: await asUser(USER) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    data = res.body.data as unknown as HomeData;
  });
  after(() => stack.close());

  it('makes one users call, one ListOrdersByUser and one RecommendForUser', () => {
    assert.equal(stack.demo.users.calls.total(), 1, JSON.stringify(stack.demo.users.calls.byOperation()));
    assert.equal(stack.demo.orders.calls.count('ListOrdersByUser'), 1);
    assert.equal(stack.demo.orders.calls.total(), 1, JSON.stringify(stack.demo.orders.calls.byOperation()));
    assert.equal(stack.demo.recommendations.calls.count('RecommendForUser'), 1);
    assert.equal(stack.demo.recommendations.calls.total(), 1);
  });

  it('loads products in at most two batch calls and never one by one', () => {
    const catalog = stack.demo.catalog.calls;
    const batches = catalog.count('GET /products');
    assert.ok(batches >= 1 && batches <= 2, `GET /products called ${batches} times`);
    assert.equal(catalog.count('GET /products/{id}'), 0);
    assert.equal(catalog.total(), batches, JSON.stringify(catalog.byOperation()));
  });

  it('the batch carrying the order items holds exactly the 12 distinct products of the orders', () => {
    const expected = distinctProductsOfUser(USER);
    assert.equal(expected.length, 12);
    const batches = stack.demo.catalog.calls.batches('GET /products');
    const carrying = batches.find((ids) => expected.every((id) => ids.includes(id)));
    assert.ok(carrying, `no batch carries all order products: ${JSON.stringify(batches)}`);
    assert.equal(new Set(carrying).size, carrying.length, `duplicate ids in ${JSON.stringify(carrying)}`);
    // Only the recommendations' products may share that batch: nothing else rides along.
    const recIds = new Set(recommendationsFor(USER, 10).map((r) => r.product_id));
    const extra = carrying.filter((id) => !expected.includes(id));
    assert.deepEqual(
      extra.filter((id) => !recIds.has(id)),
      [],
      `unexpected ids in ${JSON.stringify(carrying)}`,
    );
    assert.equal(carrying.length - extra.length, 12);
    // Every product asked for in this request is asked for once overall.
    const all = batches.flat();
    assert.equal(new Set(all).size, all.length, `a product was fetched twice: ${JSON.stringify(batches)}`);
  });

  it('answers with the demo data: me, orders newest first, items, recommendations', () => {
    const user = userById(USER);
    assert.ok(user);
    assert.deepEqual(data.home.me, { id: user.id, name: user.name });

    const orders = ordersOfUser(USER).slice(0, 10);
    assert.deepEqual(
      data.home.recentOrders,
      orders.map((o) => ({
        id: o.id,
        items: o.items.map((it) => ({
          quantity: it.quantity,
          product: {
            id: it.product_id,
            name: product(it.product_id).name,
            priceCents: product(it.product_id).price_cents,
          },
        })),
      })),
    );

    assert.deepEqual(
      data.home.recommended,
      recommendationsFor(USER, 10).map((r) => ({
        product: { id: r.product_id, name: product(r.product_id).name },
      })),
    );
  });
});

describe('batching: matching results by key (web products(ids:))', () => {
  let stack: Stack;
  let headers: Record<string, string>;
  before(async () => {
    stack = await startStack();
    headers = await asUser(USER);
  });
  after(() => stack.close());
  beforeEach(() => stack.demo.resetCounters());

  it('keeps the requested order although the catalog answers in another order', async () => {
    const ids = ['p3', 'p17', 'p1', 'p42'];
    const res = await stack.gql('web', `query($ids: [ID!]!) { products(ids: $ids) { id name priceCents } }`, {
      headers,
      variables: { ids },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(
      res.body.data?.['products'],
      ids.map((id) => ({ id, name: product(id).name, priceCents: product(id).price_cents })),
    );
    assert.deepEqual(stack.demo.catalog.calls.batches('GET /products'), [ids]);
    // The demo catalog answers a batch in reverse order: a positional match would have shifted every item.
    const upstream = (await (await fetch(`${stack.demo.env['CATALOG_URL']}/products?ids=${ids.join(',')}`)).json()) as {
      items: { id: string }[];
    };
    assert.notDeepEqual(
      upstream.items.map((p) => p.id),
      ids,
    );
  });

  it('gives null at the position of an unknown id, not a shifted list', async () => {
    const ids = ['p5', 'p999999', 'p6', 'nope', 'p7'];
    const res = await stack.gql('web', `query($ids: [ID!]!) { products(ids: $ids) { id name } }`, {
      headers,
      variables: { ids },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(
      res.body.data?.['products'],
      ids.map((id) => {
        const p = productById(id);
        return p ? { id: p.id, name: p.name } : null;
      }),
    );
    assert.equal(stack.demo.catalog.calls.count('GET /products'), 1);
  });

  it('sends a repeated id once in the batch and answers both positions', async () => {
    const res = await stack.gql('web', `{ products(ids: ["p8", "p9", "p8"]) { id name } }`, { headers });
    assert.equal(res.status, 200, res.text);
    const expected = ['p8', 'p9', 'p8'].map((id) => ({ id, name: product(id).name }));
    assert.deepEqual(res.body.data?.['products'], expected);
    assert.deepEqual(stack.demo.catalog.calls.batches('GET /products'), [['p8', 'p9']]);
  });

  it('makes one upstream call for the same product asked twice via aliases', async () => {
    const res = await stack.gql(
      'web',
      `{ a: product(id: "p11") { id name } b: product(id: "p11") { name priceCents } }`,
      { headers },
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    const p = product('p11');
    assert.deepEqual(res.body.data, { a: { id: p.id, name: p.name }, b: { name: p.name, priceCents: p.price_cents } });
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 1);
    assert.equal(stack.demo.catalog.calls.total(), 1, JSON.stringify(stack.demo.catalog.calls.byOperation()));
  });

  it('makes one upstream call for the same product asked twice via aliases on mobile', async () => {
    const res = await stack.gql('mobile', `{ x: product(id: "p12") { name } y: product(id: "p12") { priceCents } }`, {
      headers,
    });
    assert.equal(res.status, 200, res.text);
    const p = product('p12');
    assert.deepEqual(res.body.data, { x: { name: p.name }, y: { priceCents: p.price_cents } });
    assert.equal(stack.demo.catalog.calls.total(), 1, JSON.stringify(stack.demo.catalog.calls.byOperation()));
  });

  it('does not share loaders between requests: the same lookup in a second request is made again', async () => {
    const q = `{ product(id: "p13") { name } }`;
    await stack.gql('web', q, { headers });
    await stack.gql('web', q, { headers });
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 2);
  });
});
