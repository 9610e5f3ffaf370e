// Per-client schemas and the HTTP surface around them: each client sees (and can run) exactly its
// own schema; GET, GraphiQL, health, metrics, 404s, request ids; the web checkout mutation; and
// "current user" fields without a user.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { orderTotal, ordersOfUser, productById, reviewsOf, stockOf, userById } from '../../demo/data.js';
import { asPartner, asUser, backendCalls, startStack, type Stack } from '../helpers/gateway.js';

/** Bearer headers of user u1 with every scope. */
let U1: Record<string, string>;

function product(id: string) {
  const p = productById(id);
  assert.ok(p, `demo has no product ${id}`);
  return p;
}

describe('per-client schemas', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    U1 = await asUser('u1');
  });
  after(() => stack.close());
  beforeEach(() => stack.demo.resetCounters());

  describe('web has fields mobile lacks', () => {
    it('web answers product description, reviews and stock from the catalog', async () => {
      const res = await stack.gql(
        'web',
        `{ product(id: "p4") { description reviews { rating } stock { available } } }`,
        { headers: U1 },
      );
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      const stock = stockOf('p4');
      assert.ok(stock);
      assert.deepEqual(res.body.data, {
        product: {
          description: product('p4').description,
          reviews: reviewsOf('p4', 5).map((r) => ({ rating: r.rating })),
          stock: { available: stock.available },
        },
      });
    });

    it('web answers me.email and the first page of orderHistory', async () => {
      const res = await stack.gql(
        'web',
        `{ me { email orderHistory(first: 3) { nodes { id } nextCursor totalCount } } }`,
        { headers: U1 },
      );
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      const me = res.body.data?.['me'] as {
        email: string;
        orderHistory: { nodes: { id: string }[]; nextCursor: string | null; totalCount: number };
      };
      assert.equal(me.email, userById('u1')?.email);
      assert.deepEqual(
        me.orderHistory.nodes,
        ordersOfUser('u1')
          .slice(0, 3)
          .map((o) => ({ id: o.id })),
      );
      assert.equal(me.orderHistory.totalCount, ordersOfUser('u1').length);
      assert.equal(typeof me.orderHistory.nextCursor, 'string');
      assert.notEqual(me.orderHistory.nextCursor, '');
    });

    for (const [what, query] of [
      ['Product.description', `{ product(id: "p4") { description } }`],
      ['Product.reviews', `{ product(id: "p4") { reviews { rating } } }`],
      ['Product.stock', `{ product(id: "p4") { stock { available } } }`],
      ['User.email', `{ home { me { email } } }`],
      ['User.orderHistory', `{ home { me { orderHistory(first: 3) { nodes { id } nextCursor totalCount } } } }`],
    ] as const) {
      it(`mobile refuses ${what} with 400 GRAPHQL_VALIDATION_FAILED and calls no backend`, async () => {
        const res = await stack.gql('mobile', query, { headers: U1 });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.data, undefined);
        assert.ok(res.body.errors?.length, res.text);
        assert.ok(
          res.body.errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'),
          res.text,
        );
        assert.equal(backendCalls(stack.demo), 0);
      });
    }
  });

  it('cursor pagination over orderHistory walks all 10 orders of u1 once each, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await stack.gql(
        'web',
        `query($after: String) { me { orderHistory(first: 3, after: $after) { nodes { id } nextCursor totalCount } } }`,
        { headers: U1, variables: { after } },
      );
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      const page = (
        res.body.data!['me'] as {
          orderHistory: { nodes: { id: string }[]; nextCursor: string | null; totalCount: number };
        }
      ).orderHistory;
      assert.equal(page.totalCount, 10);
      assert.ok(page.nodes.length <= 3);
      seen.push(...page.nodes.map((n) => n.id));
      after = page.nextCursor || null; // the last page's cursor is checked on its own below
      pages++;
      assert.ok(pages <= 10, 'pagination does not end');
    } while (after);
    assert.equal(pages, 4);
    assert.equal(new Set(seen).size, seen.length, `duplicates: ${seen.join(',')}`);
    assert.deepEqual(
      seen,
      ordersOfUser('u1').map((o) => o.id),
    );
  });

  it('orderHistory.nextCursor is null on the last page, as the schema documents', async () => {
    const res = await stack.gql('web', `{ me { orderHistory(first: 50) { nodes { id } nextCursor } } }`, {
      headers: U1,
    });
    assert.equal(res.status, 200, res.text);
    const page = (res.body.data!['me'] as { orderHistory: { nodes: unknown[]; nextCursor: string | null } })
      .orderHistory;
    assert.equal(page.nodes.length, 10);
    assert.equal(page.nextCursor, null);
  });

  it('introspection of mobile lists only its own fields (no description), of web lists them', async () => {
    const q = `{ __type(name: "Product") { fields { name } } mutation: __type(name: "Mutation") { name } review: __type(name: "Review") { name } }`;
    const mobile = await stack.gql('mobile', q, { headers: U1 });
    assert.equal(mobile.status, 200, mobile.text);
    const mobileFields = (mobile.body.data!['__type'] as { fields: { name: string }[] }).fields.map((f) => f.name);
    assert.ok(mobileFields.includes('priceCents'), mobileFields.join(','));
    assert.ok(!mobileFields.includes('description'), mobileFields.join(','));
    assert.ok(!mobileFields.includes('reviews'), mobileFields.join(','));
    assert.equal(mobile.body.data?.['mutation'], null);
    assert.equal(mobile.body.data?.['review'], null);

    const web = await stack.gql('web', q, { headers: U1 });
    const webFields = (web.body.data!['__type'] as { fields: { name: string }[] }).fields.map((f) => f.name);
    assert.ok(
      webFields.includes('description') && webFields.includes('reviews') && webFields.includes('stock'),
      webFields.join(','),
    );
    assert.deepEqual(web.body.data?.['mutation'], { name: 'Mutation' });
  });

  it('partner cannot query home (400 GRAPHQL_VALIDATION_FAILED), but mobile can', async () => {
    const res = await stack.gql('partner', `{ home { me { id } } }`, { headers: asPartner() });
    assert.equal(res.status, 400, res.text);
    assert.ok(res.body.errors?.length);
    assert.ok(
      res.body.errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'),
      res.text,
    );
    const mobile = await stack.gql('mobile', `{ home { me { id } } }`, { headers: U1 });
    assert.deepEqual(mobile.body.data, { home: { me: { id: 'u1' } } });
  });

  it('GET requests with ?query= work (with a CSRF-prevention header)', async () => {
    const query = `query($id: ID!) { product(id: $id) { id name } }`;
    const url = `${stack.url}/mobile/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: 'p21' }))}`;
    const res = await fetch(url, { headers: { accept: 'application/json', 'x-facet-csrf': '1', ...U1 } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { product: { id: 'p21', name: product('p21').name } } });
  });

  it('serves GraphiQL on GET with Accept: text/html for mobile, not for partner (graphiql: false)', async () => {
    const mobile = await fetch(`${stack.url}/mobile/graphql`, { headers: { accept: 'text/html', ...U1 } });
    assert.equal(mobile.status, 200);
    assert.match(mobile.headers.get('content-type') ?? '', /text\/html/);
    const html = await mobile.text();
    assert.match(html, /<html/i);
    assert.match(html, /graphiql/i);

    const partner = await fetch(`${stack.url}/partner/graphql`, { headers: { accept: 'text/html', ...asPartner() } });
    const text = await partner.text();
    assert.doesNotMatch(partner.headers.get('content-type') ?? '', /text\/html/);
    assert.doesNotMatch(text, /graphiql/i);
    assert.notEqual(partner.status, 200);
  });

  it('serves GraphiQL to a browser, which sends no Authorization header when opening the page', async () => {
    const res = await fetch(`${stack.url}/mobile/graphql`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /graphiql/i);
  });

  it('/healthz answers 200', async () => {
    const res = await fetch(`${stack.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('/metrics exposes facet_upstream_calls_total for the calls made', async () => {
    const q = await stack.gql('web', `{ product(id: "p2") { name } }`, { headers: U1 });
    assert.equal(q.status, 200);
    const res = await fetch(`${stack.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^# TYPE facet_upstream_calls_total counter$/m);
    assert.match(text, /^facet_upstream_calls_total\{[^}]*source="catalog"[^}]*outcome="ok"[^}]*\} [1-9]\d*$/m);
  });

  it('an unknown path is a 404 with code NOT_FOUND', async () => {
    const res = await fetch(`${stack.url}/desktop/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'NOT_FOUND');
  });

  it('echoes x-request-id when sent and generates one when not', async () => {
    const sent = await stack.gql('mobile', `{ __typename }`, { headers: { ...U1, 'x-request-id': 'test-req-42' } });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.headers.get('x-request-id'), 'test-req-42');
    const a = await stack.gql('mobile', `{ __typename }`, { headers: U1 });
    const b = await stack.gql('mobile', `{ __typename }`, { headers: U1 });
    const idA = a.headers.get('x-request-id');
    const idB = b.headers.get('x-request-id');
    assert.ok(idA && idA.length >= 8, `generated id: ${idA}`);
    assert.ok(idB && idB !== idA, 'each request gets its own id');
    // Also on responses the gateway writes itself (404).
    const notFound = await fetch(`${stack.url}/nope`, { headers: { 'x-request-id': 'test-req-43' } });
    assert.equal(notFound.headers.get('x-request-id'), 'test-req-43');
  });

  it('web placeOrder creates an order for the signed-in user and returns its total', async () => {
    const u2 = await asUser('u2');
    const items = [
      { productId: 'p1', quantity: 2 },
      { productId: 'p7', quantity: 1 },
    ];
    const res = await stack.gql(
      'web',
      `mutation($items: [OrderItemInput!]!) {
      placeOrder(items: $items) { id status totalCents items { quantity unitPriceCents product { id name } } }
    }`,
      { headers: u2, variables: { items } },
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.equal(stack.demo.orders.calls.count('CreateOrder'), 1);
    const order = res.body.data?.['placeOrder'] as {
      id: string;
      status: string;
      totalCents: number;
      items: { quantity: number; unitPriceCents: number; product: { id: string; name: string } }[];
    };
    const expectedItems = items.map((it) => ({
      product_id: it.productId,
      quantity: it.quantity,
      unit_price_cents: product(it.productId).price_cents,
    }));
    assert.equal(order.totalCents, orderTotal(expectedItems));
    assert.equal(order.status, 'PLACED');
    assert.deepEqual(
      order.items,
      items.map((it) => ({
        quantity: it.quantity,
        unitPriceCents: product(it.productId).price_cents,
        product: { id: it.productId, name: product(it.productId).name },
      })),
    );

    // It is u2's newest order now.
    const mine = await stack.gql('web', `{ me { orders(last: 1) { id totalCents } } }`, { headers: u2 });
    assert.deepEqual(mine.body.data, { me: { orders: [{ id: order.id, totalCents: order.totalCents }] } });
  });

  it('web placeOrder without credentials is refused with 401 UNAUTHENTICATED and creates nothing', async () => {
    const res = await stack.gql('web', `mutation { placeOrder(items: [{ productId: "p1", quantity: 1 }]) { id } }`);
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(
      res.body.errors?.map((e) => e.extensions?.code),
      ['UNAUTHENTICATED'],
    );
    assert.equal(stack.demo.orders.calls.total(), 0);
  });

  it('home without credentials: 401 UNAUTHENTICATED and no backend calls', async () => {
    const res = await stack.gql(
      'mobile',
      `{ home { me { id name } recentOrders(last: 10) { id } recommended(limit: 10) { product { id } } } }`,
    );
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.data, undefined);
    assert.deepEqual(
      res.body.errors?.map((e) => e.extensions?.code),
      ['UNAUTHENTICATED'],
    );
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal(backendCalls(stack.demo), 0);
  });
});
