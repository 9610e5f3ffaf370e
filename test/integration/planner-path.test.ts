// GraphQL semantics on the query planner's own path (FACET_EXECUTOR=planner, and every request
// checked to have been planned, not left to delegation): null bubbling, error paths inside lists,
// partial failure, fields refused by authorization and by field rate limits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ordersOfUser, productById, recommendationsFor, userById } from '../../demo/data.js';
import {
  ALL_USER_SCOPES,
  asPartner,
  asUser,
  HOME_QUERY,
  metricSum,
  PARTNER_KEY,
  repoRoot,
  startStack,
  type GqlResponse,
  type Stack,
} from '../helpers/gateway.js';

let stack: Stack;
let U1: Record<string, string>;

const counter = (name: string) => metricSum(stack.url, name);
const fallbacks = () => counter('facet_planner_fallback_total');

/** Sends a request and asserts that the planner executed it (the fallback count did not move). */
async function planned(client: string, query: string, headers: Record<string, string>): Promise<GqlResponse> {
  const before = await fallbacks();
  const res = await stack.gql(client, query, { headers });
  assert.equal(await fallbacks(), before, `left to delegation: ${query}`);
  assert.equal(res.status, 200, res.text);
  return res;
}

const codes = (res: GqlResponse) => res.body.errors?.map((e) => `${e.extensions?.code}/${e.extensions?.source ?? ''}`);

before(async () => {
  // memory store: the field limit counts from zero
  stack = await startStack({ env: { FACET_EXECUTOR: 'planner', REDIS_URL: '' } });
  U1 = await asUser('u1');
});
after(() => stack?.close());
beforeEach(() => {
  for (const backend of ['users', 'catalog', 'orders', 'recommendations'] as const) stack.demo[backend].setFault(null);
});

describe('null bubbling', () => {
  it('a failing non-null field nulls its nearest nullable ancestor, and only that', async () => {
    // partner: OrderItem.product is Product! inside items: [OrderItem!]!, so a catalog failure
    // bubbles to the nullable root field order; user comes from another source and stays
    stack.demo.catalog.setFault('error');
    const res = await planned(
      'partner',
      '{ order(id: "o1") { id items { product { name } } } user(id: "u1") { name } }',
      asPartner(),
    );
    assert.deepEqual(res.body.data, { order: null, user: { name: userById('u1')?.name } }, res.text);
    assert.ok(res.body.errors?.length, res.text);
    for (const error of res.body.errors!) {
      assert.equal(error.extensions?.code, 'UPSTREAM_ERROR', res.text);
      assert.equal(error.extensions?.source, 'catalog');
      assert.deepEqual(error.path?.slice(0, 2), ['order', 'items']);
      assert.equal(typeof error.path?.[2], 'number');
    }
  });

  it('a non-null field failing under a nullable one stops there', async () => {
    // mobile: Product.name is String!, the product itself is nullable: only products become null
    stack.demo.catalog.setFault('error');
    const res = await planned(
      'mobile',
      '{ home { me { name } recommended(limit: 2) { reason product { name } } } }',
      U1,
    );
    const home = (res.body.data as { home: { me: unknown; recommended: { reason: string; product: unknown }[] } }).home;
    assert.deepEqual(home.me, { name: userById('u1')?.name });
    assert.deepEqual(
      home.recommended,
      recommendationsFor('u1', 2).map((r) => ({ reason: r.reason, product: null })),
    );
  });
});

describe('error paths inside lists', () => {
  it('one error per failed item, at its own index, for every order item and recommendation', async () => {
    stack.demo.catalog.setFault('unavailable');
    const res = await planned('mobile', HOME_QUERY, U1);
    const expected = [
      ...ordersOfUser('u1')
        .slice(0, 10)
        .flatMap((order, i) => order.items.map((_, j) => ['home', 'recentOrders', i, 'items', j, 'product', 'name'])),
      ...recommendationsFor('u1', 10).map((_, i) => ['home', 'recommended', i, 'product', 'name']),
    ];
    const paths = res.body.errors?.map((e) => JSON.stringify(e.path)).sort();
    assert.deepEqual(paths, expected.map((p) => JSON.stringify(p)).sort());
    assert.ok(
      codes(res)?.every((c) => c === 'UPSTREAM_UNAVAILABLE/catalog'),
      res.text,
    );
  });
});

describe('partial failure', () => {
  it('a failing backend costs only its fields: the others answer from their backends', async () => {
    stack.demo.users.setFault('error');
    const res = await planned('mobile', HOME_QUERY, U1);
    const home = (res.body.data as { home: { me: unknown; recentOrders: { id: string }[]; recommended: unknown[] } })
      .home;
    assert.equal(home.me, null);
    assert.deepEqual(
      home.recentOrders.map((o) => o.id),
      ordersOfUser('u1')
        .slice(0, 10)
        .map((o) => o.id),
    );
    assert.equal(home.recommended.length, 10);
    assert.deepEqual(codes(res), ['UPSTREAM_ERROR/users']);
    assert.deepEqual(res.body.errors?.[0]?.path, ['home', 'me']);
  });
});

describe('fields refused by authorization', () => {
  it('null with FORBIDDEN at their path, never fetched; the rest answered', async () => {
    stack.demo.resetCounters();
    const res = await planned('mobile', HOME_QUERY, await asUser('u1', 'payments:read'));
    const home = (res.body.data as { home: { me: unknown; recentOrders: unknown; recommended: unknown[] } }).home;
    assert.equal(home.recentOrders, null);
    assert.deepEqual(home.me, { id: 'u1', name: userById('u1')?.name });
    assert.equal(home.recommended.length, 10);
    assert.deepEqual(codes(res), ['FORBIDDEN/']);
    assert.deepEqual(res.body.errors?.[0]?.path, ['home', 'recentOrders']);
    assert.equal(stack.demo.orders.calls.total(), 0, 'the orders backend was called');
  });

  it('one plan serves every caller, whatever is refused: the planner skips refused fields, it does not replan', async () => {
    const allowed = await asUser('u1', ALL_USER_SCOPES);
    const refused = await asUser('u1', 'payments:read');
    const first = await planned('mobile', HOME_QUERY, allowed); // the document's plan exists now
    assert.equal(first.body.errors, undefined, first.text);
    const built = await counter('facet_planner_plans_built_total');
    for (let i = 0; i < 3; i++) {
      stack.demo.resetCounters();
      const res = await planned('mobile', HOME_QUERY, refused);
      assert.deepEqual(codes(res), ['FORBIDDEN/']);
      assert.equal(stack.demo.orders.calls.total(), 0, 'a refused field was fetched');
      const again = await planned('mobile', HOME_QUERY, allowed);
      assert.equal(again.body.errors, undefined, again.text);
    }
    assert.equal(await counter('facet_planner_plans_built_total'), built);
    assert.ok(built > 0, 'plans built are counted');
  });
});

describe('fields refused in a document left to delegation', () => {
  it('delegation runs the document without them: null with FORBIDDEN, never fetched', async () => {
    stack.demo.resetCounters();
    const before = await fallbacks();
    const query = HOME_QUERY.replace(/^\{/, '{ __type(name: "Query") { name }');
    const res = await stack.gql('mobile', query, { headers: await asUser('u1', 'payments:read') });
    assert.equal(await fallbacks(), before + 1, 'introspection is left to delegation');
    const data = res.body.data as { __type: { name: string }; home: { recentOrders: unknown; recommended: unknown[] } };
    assert.deepEqual(data.__type, { name: 'Query' });
    assert.equal(data.home.recentOrders, null);
    assert.equal(data.home.recommended.length, 10);
    assert.deepEqual(codes(res), ['FORBIDDEN/']);
    assert.equal(stack.demo.orders.calls.total(), 0, 'the orders backend was called');
  });
});

describe('fields refused by a field rate limit', () => {
  it('past @rateLimit(max: 30) on searchProducts: the extra occurrences are null with RATE_LIMITED, not fetched', async () => {
    const headers = await asUser('u9', ALL_USER_SCOPES);
    const searches = (from: number, count: number) =>
      Array.from(
        { length: count },
        (_, i) => `s${from + i}: searchProducts(query: "q${from + i}", limit: 1) { total }`,
      );
    stack.demo.resetCounters();
    const first = await planned('web', `{ ${searches(0, 28).join(' ')} }`, headers);
    assert.equal(first.body.errors, undefined, first.text);
    const res = await planned('web', `{ me { id } ${searches(28, 4).join(' ')} }`, headers);
    const data = res.body.data as Record<string, unknown>;
    const refused = Object.keys(data).filter((k) => data[k] === null);
    assert.deepEqual(refused.sort(), ['s30', 's31']);
    assert.deepEqual(data['me'], { id: 'u9' });
    assert.deepEqual(codes(res), ['RATE_LIMITED/', 'RATE_LIMITED/']);
    assert.equal(stack.demo.catalog.calls.total(), 30, 'a refused search reached the catalog');
  });
});

describe('REST facade operations', () => {
  it('are planned at start-up: a partner request builds no plan and is not left to delegation', async () => {
    const partnerPlans = () => metricSum(stack.url, 'facet_planner_plans_built_total', { client: 'partner' });
    const prepared = await partnerPlans();
    assert.ok(prepared >= 4, `plans made at start-up for the partner facade: ${prepared}`);
    const fallbacksBefore = await fallbacks();
    const product = productById('p1')!;
    const res = await fetch(`${stack.url}/partner/v1/products/${product.id}`, {
      headers: { 'x-api-key': PARTNER_KEY },
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal((JSON.parse(text) as { name: string }).name, product.name);
    assert.equal(await partnerPlans(), prepared, 'a plan was built for a facade request');
    assert.equal(await fallbacks(), fallbacksBefore, 'the facade request was left to delegation');
  });

  it('the same text sent to the GraphQL endpoint answers as parsed from that text: error locations point into it', async () => {
    const text = print(
      parse(readFileSync(join(repoRoot, 'clients/partner/rest/v1/list-user-orders.graphql'), 'utf8')),
    ).replace(/ @rest\([^)]*\)/, '');
    stack.demo.users.setFault('error');
    const built = await counter('facet_planner_plans_built_total');
    const res = await stack.gql('partner', text, { headers: asPartner(), variables: { id: 'u1' } });
    assert.equal(await counter('facet_planner_plans_built_total'), built, 'the text is not the facade operation');
    // the file puts @rest on a line of its own: its positions differ from the executed text's
    const line = text.split('\n').findIndex((l) => l.includes('user(id: $id)'));
    assert.ok(line >= 0, text);
    assert.deepEqual(
      res.body.errors?.[0]?.locations,
      [{ line: line + 1, column: text.split('\n')[line]!.indexOf('user') + 1 }],
      res.text,
    );
  });
});
