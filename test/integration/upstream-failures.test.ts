// Upstream failures: a failing backend becomes a coded GraphQL error naming the source (HTTP 200,
// the other fields' data intact), never leaks what the backend said, and the gateway keeps serving.
// Each scenario gets its own stack so circuit breakers (5 failures → open for 10 s) don't interfere.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { INTERNAL_ERROR_DETAILS, type BackendName, type Fault } from '../../demo/index.js';
import { ordersOfUser, productById, recommendationsFor, userById } from '../../demo/data.js';
import { asPartner, asUser, HOME_QUERY, startStack, type GqlResponse, type Stack } from '../helpers/gateway.js';

/** Bearer headers of user u1 with every scope (set before the first test). */
let U1: Record<string, string>;
/** Web: `product` is nullable at the root, so a catalog failure leaves me.name. */
const WEB_ME_AND_PRODUCT = `{ me { name } product(id: "p1") { name } }`;
/** Partner: `order` is nullable at the root, so an orders failure leaves user.name. */
const PARTNER_USER_AND_ORDER = `{ user(id: "u1") { name } order(id: "o1") { id status } }`;
const BACKENDS: BackendName[] = ['users', 'catalog', 'orders', 'recommendations'];

async function stackFor(t: TestContext): Promise<Stack> {
  U1 ??= await asUser('u1');
  const stack = await startStack();
  t.after(() => stack.close());
  return stack;
}

/** Nothing the backend said, and none of its addresses, reaches the client. */
function assertNoLeak(stack: Stack, res: GqlResponse): void {
  const text = res.text;
  const forbidden = [
    ...BACKENDS.map((b) => INTERNAL_ERROR_DETAILS(b)),
    '10.0.0.7',
    '/srv/internal',
    'stack',
    'connection reset',
    'ECONNREFUSED',
    'internal server error',
    'service unavailable',
    ...Object.values(stack.demo.env).flatMap((address) => [address, address.replace(/^https?:\/\//, '')]),
  ];
  for (const needle of forbidden)
    assert.ok(!text.includes(needle), `response leaks ${JSON.stringify(needle)}: ${text}`);
  assert.doesNotMatch(text, /\bat .*\.(?:[cm]?js|ts):\d+/, 'response contains a stack frame');
}

/** HTTP 200, and exactly the expected coded error(s) for the failing source. */
function assertUpstreamError(res: GqlResponse, code: string, source: string): void {
  assert.equal(res.status, 200, res.text);
  const errors = res.body.errors ?? [];
  assert.ok(errors.length >= 1, `no error: ${res.text}`);
  for (const error of errors) {
    assert.equal(error.extensions?.code, code, res.text);
    assert.equal(error.extensions?.source, source, res.text);
    assert.ok(error.path && error.path.length > 0, `error without path: ${res.text}`);
  }
}

async function assertHomeWorks(stack: Stack): Promise<void> {
  const res = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.errors, undefined, res.text);
  assert.equal((res.body.data as { home: { me: { name: string } } }).home.me.name, userById('u1')?.name);
}

const catalogFaults: [Fault, string][] = [
  ['unavailable', 'UPSTREAM_UNAVAILABLE'],
  ['error', 'UPSTREAM_ERROR'],
  ['malformed', 'UPSTREAM_BAD_RESPONSE'],
];

describe('catalog (REST) failing', () => {
  for (const [fault, code] of catalogFaults) {
    it(`fault ${fault}: ${code} from source catalog, other data intact, nothing leaked, then recovers`, async (t) => {
      const stack = await stackFor(t);
      stack.demo.catalog.setFault(fault);

      const home = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
      assertUpstreamError(home, code, 'catalog');
      assert.ok(
        home.body.errors?.some((e) => e.path?.includes('product')),
        home.text,
      );
      assertNoLeak(stack, home);

      const web = await stack.gql('web', WEB_ME_AND_PRODUCT, { headers: U1 });
      assertUpstreamError(web, code, 'catalog');
      assert.deepEqual(web.body.data, { me: { name: userById('u1')?.name }, product: null });
      assert.deepEqual(
        web.body.errors?.map((e) => e.path),
        [['product']],
      );
      assertNoLeak(stack, web);

      stack.demo.catalog.setFault(null);
      await assertHomeWorks(stack);
    });
  }

  it('closed backend: UPSTREAM_UNAVAILABLE from source catalog, nothing leaked, other clients and fields keep working', async (t) => {
    const stack = await stackFor(t);
    await stack.demo.catalog.close();

    const home = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
    assertUpstreamError(home, 'UPSTREAM_UNAVAILABLE', 'catalog');
    assertNoLeak(stack, home);

    const web = await stack.gql('web', WEB_ME_AND_PRODUCT, { headers: U1 });
    assertUpstreamError(web, 'UPSTREAM_UNAVAILABLE', 'catalog');
    assert.deepEqual(web.body.data, { me: { name: userById('u1')?.name }, product: null });
    assertNoLeak(stack, web);

    const meOnly = await stack.gql('mobile', `{ home { me { name } recentOrders(last: 2) { id } } }`, { headers: U1 });
    assert.equal(meOnly.status, 200);
    assert.equal(meOnly.body.errors, undefined, meOnly.text);
    assert.deepEqual(meOnly.body.data, {
      home: {
        me: { name: userById('u1')?.name },
        recentOrders: ordersOfUser('u1')
          .slice(0, 2)
          .map((o) => ({ id: o.id })),
      },
    });
    assert.equal((await fetch(`${stack.url}/healthz`)).status, 200);
  });

  it('timeout (hang, timeoutMs 2000): UPSTREAM_TIMEOUT from source catalog after about 2 s, other data intact', async (t) => {
    const stack = await stackFor(t);
    stack.demo.catalog.setFault('hang');
    const started = performance.now();
    const web = await stack.gql('web', WEB_ME_AND_PRODUCT, { headers: U1 });
    const ms = performance.now() - started;
    assertUpstreamError(web, 'UPSTREAM_TIMEOUT', 'catalog');
    assert.deepEqual(web.body.data, { me: { name: userById('u1')?.name }, product: null });
    assertNoLeak(stack, web);
    assert.ok(ms >= 1_900, `answered after ${Math.round(ms)} ms, before the 2000 ms timeout`);
    assert.ok(ms < 3_900, `answered after ${Math.round(ms)} ms: the timeout was not applied once`);

    stack.demo.catalog.setFault(null);
    await assertHomeWorks(stack);
  });

  it('home keeps me.name when the catalog fails', async (t) => {
    const stack = await stackFor(t);
    stack.demo.catalog.setFault('error');
    const home = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
    assertUpstreamError(home, 'UPSTREAM_ERROR', 'catalog');
    assert.equal(
      (home.body.data as { home?: { me?: { name?: string } } } | null)?.home?.me?.name,
      userById('u1')?.name,
    );
  });
});

describe('orders (gRPC) failing', () => {
  for (const [fault, code] of [
    ['error', 'UPSTREAM_ERROR'],
    ['unavailable', 'UPSTREAM_UNAVAILABLE'],
  ] as [Fault, string][]) {
    it(`fault ${fault}: ${code} from source orders, other data intact, nothing leaked, then recovers`, async (t) => {
      const stack = await stackFor(t);
      stack.demo.orders.setFault(fault);

      const home = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
      assertUpstreamError(home, code, 'orders');
      assert.deepEqual(
        home.body.errors?.map((e) => e.path),
        [['home', 'recentOrders']],
      );
      const data = home.body.data as { home: { me: { name: string }; recentOrders: unknown; recommended: unknown[] } };
      assert.equal(data.home.me.name, userById('u1')?.name);
      assert.equal(data.home.recentOrders, null);
      assert.equal(data.home.recommended.length, 10);
      assertNoLeak(stack, home);

      const partner = await stack.gql('partner', PARTNER_USER_AND_ORDER, { headers: asPartner() });
      assertUpstreamError(partner, code, 'orders');
      assert.deepEqual(partner.body.data, { user: { name: userById('u1')?.name }, order: null });
      assertNoLeak(stack, partner);

      stack.demo.orders.setFault(null);
      await assertHomeWorks(stack);
    });
  }
});

describe('retries', () => {
  it('a read is retried once on UNAVAILABLE (gRPC) and 503 (REST); a mutation (CreateOrder) never', async (t) => {
    const stack = await stackFor(t);
    const u2 = await asUser('u2');
    stack.demo.orders.setFault('unavailable');
    const read = await stack.gql('web', `{ me { name orders(last: 1) { id } } }`, { headers: u2 });
    assertUpstreamError(read, 'UPSTREAM_UNAVAILABLE', 'orders');
    assert.deepEqual(read.body.data, { me: { name: userById('u2')?.name, orders: null } });
    assert.equal(stack.demo.orders.calls.count('ListOrdersByUser'), 2, 'retries: 1 → two attempts');

    const write = await stack.gql('web', `mutation { placeOrder(items: [{ productId: "p1", quantity: 1 }]) { id } }`, {
      headers: u2,
    });
    assertUpstreamError(write, 'UPSTREAM_UNAVAILABLE', 'orders');
    assert.equal(stack.demo.orders.calls.count('CreateOrder'), 1, 'a mutation must not be sent twice');
    assertNoLeak(stack, write);

    stack.demo.catalog.setFault('unavailable');
    const rest = await stack.gql('web', `{ product(id: "p1") { name } }`, { headers: u2 });
    assertUpstreamError(rest, 'UPSTREAM_UNAVAILABLE', 'catalog');
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 2);
  });
});

describe('partial data on the home screen', () => {
  it('users failing: home.me is null with UPSTREAM_ERROR from users, orders and recommendations intact', async (t) => {
    const stack = await stackFor(t);
    stack.demo.users.setFault('error');
    const res = await stack.gql('mobile', HOME_QUERY, { headers: U1 });
    assertUpstreamError(res, 'UPSTREAM_ERROR', 'users');
    assertNoLeak(stack, res);
    const home = (
      res.body.data as {
        home: { me: unknown; recentOrders: { id: string }[]; recommended: { product: { id: string; name: string } }[] };
      }
    ).home;
    assert.equal(home.me, null);
    assert.deepEqual(
      home.recentOrders.map((o) => o.id),
      ordersOfUser('u1').map((o) => o.id),
    );
    assert.deepEqual(
      home.recommended.map((r) => r.product),
      recommendationsFor('u1', 10).map((r) => ({ id: r.product_id, name: productById(r.product_id)?.name })),
    );
  });
});

describe('a failure stays local', () => {
  it('one failing field of an entity leaves its siblings from the same source intact (the client type is nullable)', async (t) => {
    const stack = await stackFor(t);
    // orderHistory is non-null in the orders source, nullable in the web client: only `bad` fails
    const res = await stack.gql(
      'web',
      `{ me { name orders { id } good: orderHistory(first: 1) { totalCount } bad: orderHistory(first: 2, after: "not-a-cursor") { nextCursor } } }`,
      { headers: U1 },
    );
    assert.equal(res.status, 200, res.text);
    const me = (res.body.data as { me: Record<string, unknown> }).me;
    assert.equal(me['name'], userById('u1')?.name);
    assert.deepEqual(
      (me['orders'] as { id: string }[]).map((o) => o.id),
      ordersOfUser('u1').map((o) => o.id),
    );
    assert.deepEqual(me['good'], { totalCount: ordersOfUser('u1').length });
    assert.equal(me['bad'], null);
    assert.deepEqual(
      res.body.errors?.map((e) => ({ path: e.path, code: e.extensions?.code, source: e.extensions?.source })),
      [{ path: ['me', 'bad'], code: 'UPSTREAM_REJECTED', source: 'orders' }],
    );
  });
});

describe('circuit breaker', () => {
  it('after 5 failing calls the catalog circuit opens: CIRCUIT_OPEN without calling the backend', async (t) => {
    const stack = await stackFor(t);
    stack.demo.catalog.setFault('error');
    for (let i = 0; i < 5; i++) {
      const res = await stack.gql('web', WEB_ME_AND_PRODUCT, { headers: U1 });
      assertUpstreamError(res, 'UPSTREAM_ERROR', 'catalog');
    }
    const callsBefore = stack.demo.catalog.calls.total();
    assert.equal(callsBefore, 5);
    const res = await stack.gql('web', WEB_ME_AND_PRODUCT, { headers: U1 });
    assertUpstreamError(res, 'CIRCUIT_OPEN', 'catalog');
    assert.deepEqual(res.body.data, { me: { name: userById('u1')?.name }, product: null });
    const retryAfter = res.body.errors?.[0]?.extensions?.['retryAfter'];
    assert.ok(typeof retryAfter === 'number' && retryAfter > 0 && retryAfter <= 10, `retryAfter ${String(retryAfter)}`);
    assert.equal(stack.demo.catalog.calls.total(), callsBefore, 'an open circuit must not call the backend');
    assertNoLeak(stack, res);
  });
});
