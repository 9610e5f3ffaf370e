// REST facade, version 2 (current): camelCase properties and money as { amount: "12.34", currency }
// (`<x>Cents` next to `currency`), one test per endpoint against the demo backends, plus invalid
// input, version selection (path, Accept header, default), no deprecation headers, ETag/304,
// authentication, backend failures and unknown routes. Expected values come from demo/data.ts.
// One stack for the file: about 45 requests, well under the partner plan's 100 a minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CREATED_ORDERS_EPOCH,
  FIXTURE_USER_ID,
  ORDERS,
  PRODUCTS,
  PRODUCT_COUNT,
  USER_COUNT,
  USERS,
  orderById,
  ordersOfUser,
  productById,
  searchProducts,
  type Order,
  type Product,
} from '../../demo/data.js';
import { INTERNAL_ERROR_DETAILS } from '../../demo/index.js';
import {
  acceptVersion,
  asObject,
  assertProblem,
  decimal,
  linkWithRel,
  mediaType,
  money,
  nextLink,
  problemFields,
  readDefaultVersion,
  readVersionFile,
  startFacadeStack,
  REVOKED_KEY,
  type FacadeStack,
  type RestResponse,
} from '../helpers/facade.js';

const V = '/partner/v2';
const versionFile = readVersionFile('v2');

// ---------------------------------------------------------------- expected v2 answers

function product(id: string): Product {
  const p = productById(id);
  assert.ok(p, `demo product ${id}`);
  return p;
}
const v2Product = (p: Product) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  price: money(p.price_cents, p.currency),
  category: p.category,
});
const v2ProductSummary = (p: Product) => ({ id: p.id, name: p.name, price: money(p.price_cents, p.currency) });
const v2OrderNode = (o: Order) => ({
  id: o.id,
  status: o.status,
  createdAt: o.created_at,
  total: money(o.total_cents, o.currency),
});
// Order items have no `currency` of their own: their unitPrice takes the order's currency.
const v2Order = (o: Order) => ({
  ...v2OrderNode(o),
  items: o.items.map((it) => ({
    quantity: it.quantity,
    unitPrice: money(it.unit_price_cents, o.currency),
    product: { id: it.product_id, name: product(it.product_id).name },
  })),
});

/** `amount` is a decimal string with two digits that reads back as the cents. */
function assertAmount(value: unknown, cents: number): void {
  const m = asObject(value, 'money');
  assert.equal(typeof m['amount'], 'string', `amount is a string: ${JSON.stringify(m)}`);
  assert.match(String(m['amount']), /^-?\d+\.\d{2}$/);
  assert.equal(Math.round(Number(m['amount']) * 100), cents);
}

const sampleOrder = ORDERS.find((o) => o.items.length >= 2 && o.user_id !== FIXTURE_USER_ID) ?? ORDERS[0]!;
/** A price whose cents end in 0 (…90): a float-based formatter would write "x.9". */
const trailingZeroProduct = PRODUCTS.find((p) => p.price_cents % 10 === 0 && p.price_cents % 100 !== 0);
const unknownProduct = `p${PRODUCT_COUNT + 1}`;
const unknownOrder = `o${ORDERS.length + 10_000}`;
const unknownUser = `u${USER_COUNT + 1}`;
const buyer = USERS.find((u) => u.id !== FIXTURE_USER_ID)!.id;

describe('REST facade v2 (camelCase, money objects)', () => {
  let stack: FacadeStack;
  before(async () => {
    stack = await startFacadeStack();
  });
  after(async () => {
    await stack?.close();
  });

  describe('endpoints', () => {
    it('GET /products/{id}: the product, camelCase, price as { amount, currency }', async () => {
      const p = product('p1');
      const res = await stack.rest('GET', `${V}/products/${p.id}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(mediaType(res.headers), 'application/json');
      assert.deepEqual(res.json, v2Product(p));
      assertAmount(asObject(res.json)['price'], p.price_cents);
    });

    it('GET /products/{id}: amounts always have two decimals (x.90, not x.9)', async () => {
      const p = trailingZeroProduct;
      assert.ok(p, 'the demo data has a price ending in 0 cents');
      const res = await stack.rest('GET', `${V}/products/${p.id}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(asObject(res.json)['price'], { amount: decimal(p.price_cents), currency: p.currency });
      assertAmount(asObject(res.json)['price'], p.price_cents);
    });

    it('GET /products?ids=: request order kept, null for an unknown id', async () => {
      const ids = [PRODUCTS[8]!.id, PRODUCTS[0]!.id, unknownProduct, PRODUCTS[3]!.id];
      const res = await stack.rest('GET', `${V}/products?ids=${ids.join(',')}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json,
        ids.map((id) => (id === unknownProduct ? null : v2ProductSummary(product(id)))),
      );
    });

    it('GET /products?ids= also takes the parameter repeated', async () => {
      const ids = [PRODUCTS[5]!.id, PRODUCTS[2]!.id];
      const res = await stack.rest('GET', `${V}/products?${ids.map((id) => `ids=${id}`).join('&')}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json,
        ids.map((id) => v2ProductSummary(product(id))),
      );
    });

    it('GET /products/search?q=&limit=: the hits of the catalog search, limited, with the total', async () => {
      const q = product('p2').category.toLowerCase();
      const expected = searchProducts(q, 4);
      assert.ok(expected.total > 4, 'the fixture query has more hits than the limit');
      const res = await stack.rest('GET', `${V}/products/search?q=${encodeURIComponent(q)}&limit=4`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { total: expected.total, items: expected.items.map(v2ProductSummary) });
    });

    it('GET /orders/{id}: the order, camelCase, total as a money object', async () => {
      const res = await stack.rest('GET', `${V}/orders/${sampleOrder.id}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, v2Order(sampleOrder));
      assertAmount(asObject(res.json)['total'], sampleOrder.total_cents);
    });

    it('GET /users/{id}/orders: first page shaped {totalCount, nextCursor, nodes}, Link rel="next"', async () => {
      const all = ordersOfUser(FIXTURE_USER_ID);
      const res = await stack.rest('GET', `${V}/users/${FIXTURE_USER_ID}/orders?limit=4`);
      assert.equal(res.status, 200, res.text);
      const body = asObject(res.json);
      assert.deepEqual(Object.keys(body).sort(), ['nextCursor', 'nodes', 'totalCount']);
      assert.equal(body['totalCount'], all.length);
      assert.deepEqual(body['nodes'], all.slice(0, 4).map(v2OrderNode));
      const next = nextLink(res.headers.get('link'));
      assert.ok(next, `Link rel="next" in ${res.headers.get('link')}`);
      const url = new URL(next, stack.url);
      assert.equal(url.pathname, `${V}/users/${FIXTURE_USER_ID}/orders`);
      assert.equal(url.searchParams.get('limit'), '4');
      assert.equal(url.searchParams.get('cursor'), body['nextCursor']);
    });

    it('GET /users/{id}/orders: walking Link rel="next" yields every order of the user once, in order', async () => {
      const expected = ordersOfUser(FIXTURE_USER_ID);
      const seen: unknown[] = [];
      let path: string | undefined = `${V}/users/${FIXTURE_USER_ID}/orders?limit=3`;
      let pages = 0;
      while (path) {
        assert.ok(++pages <= Math.ceil(expected.length / 3) + 1, 'too many pages');
        const res = await stack.rest('GET', path);
        assert.equal(res.status, 200, `${path}: ${res.text}`);
        const body = asObject(res.json);
        assert.equal(body['totalCount'], expected.length);
        seen.push(...(body['nodes'] as unknown[]));
        path = nextLink(res.headers.get('link'));
        if (path) assert.ok(path.startsWith(`${V}/`), `next link stays on v2: ${path}`);
        else assert.equal(body['nextCursor'], null, 'the last page has nextCursor null');
      }
      assert.equal(pages, Math.ceil(expected.length / 3));
      const ids = seen.map((n) => asObject(n)['id']);
      assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids.join(',')}`);
      assert.deepEqual(seen, expected.map(v2OrderNode));
    });

    it('POST /orders: 201 with the created order (camelCase body and answer); the backend CreateOrder runs once', async () => {
      const [a, b] = [PRODUCTS[10]!, PRODUCTS[11]!];
      const before = stack.demo.orders.calls.count('CreateOrder');
      const res = await stack.rest('POST', `${V}/orders`, {
        body: {
          userId: buyer,
          items: [
            { productId: a.id, quantity: 1 },
            { productId: b.id, quantity: 3 },
          ],
        },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before + 1);
      const body = asObject(res.json);
      assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'id', 'items', 'status', 'total']);
      assert.match(String(body['id']), /^o\d+$/);
      assert.equal(orderById(String(body['id'])), undefined, 'a new id, not a seeded order');
      assert.deepEqual(body['total'], money(a.price_cents + 3 * b.price_cents, a.currency));
      assertAmount(body['total'], a.price_cents + 3 * b.price_cents);
      assert.ok(String(body['createdAt']) >= CREATED_ORDERS_EPOCH, `createdAt ${String(body['createdAt'])}`);
      assert.deepEqual(body['items'], [
        { quantity: 1, unitPrice: money(a.price_cents, a.currency), product: { id: a.id, name: a.name } },
        { quantity: 3, unitPrice: money(b.price_cents, b.currency), product: { id: b.id, name: b.name } },
      ]);
      assert.equal(res.headers.get('location'), `/partner/v2/orders/${String(body['id'])}`);
      const read = await stack.rest('GET', `${V}/orders/${String(body['id'])}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.json, body);
    });
  });

  describe('not found', () => {
    it('unknown product → 404 RESOURCE_NOT_FOUND', async () => {
      const path = `${V}/products/${unknownProduct}`;
      assertProblem(await stack.rest('GET', path), 404, 'RESOURCE_NOT_FOUND', path);
    });

    it('unknown order → 404 RESOURCE_NOT_FOUND', async () => {
      const path = `${V}/orders/${unknownOrder}`;
      assertProblem(await stack.rest('GET', path), 404, 'RESOURCE_NOT_FOUND', path);
    });

    it('unknown user → 404 RESOURCE_NOT_FOUND on /users/{id}/orders', async () => {
      const path = `${V}/users/${unknownUser}/orders`;
      assertProblem(await stack.rest('GET', path), 404, 'RESOURCE_NOT_FOUND', path);
    });

    it('unknown route → 404 NOT_FOUND problem', async () => {
      const path = `${V}/products/p1/reviews`;
      assertProblem(await stack.rest('GET', path), 404, 'NOT_FOUND', path);
    });

    it('unknown version → 404 NOT_FOUND problem', async () => {
      const path = '/partner/v99/products/p1';
      assertProblem(await stack.rest('GET', path), 404, 'NOT_FOUND', path);
    });

    it('PUT /orders → 405 METHOD_NOT_ALLOWED with Allow: POST', async () => {
      const path = `${V}/orders`;
      const res = await stack.rest('PUT', path, { body: {} });
      assertProblem(res, 405, 'METHOD_NOT_ALLOWED', path);
      assert.deepEqual(
        (res.headers.get('allow') ?? '').split(',').map((m) => m.trim()),
        ['POST'],
      );
    });

    it('a malformed percent-escape in the path → 400 problem naming the path parameter, not a 500', async () => {
      const path = `${V}/products/%E0%A4%A`;
      const res = await stack.rest('GET', path);
      const problem = assertProblem(res, 400, 'BAD_USER_INPUT', path);
      assert.ok(problemFields(problem).includes('path:id'), JSON.stringify(problem.errors));
      assert.match(problem.errors!.find((e) => e.field === 'id')!.message, /encod/);
    });

    it('… and reports that parameter once', async () => {
      const path = `${V}/products/%E0%A4%A`;
      const problem = assertProblem(await stack.rest('GET', path), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['path:id']);
    });
  });

  describe('invalid input → 400/415 problem+json, the backend is not called', () => {
    it('limit=abc and an unknown query parameter are both listed', async () => {
      const before = stack.demo.catalog.calls.total();
      const path = `${V}/products/search?q=tent&limit=abc&sortBy=price`;
      const problem = assertProblem(await stack.rest('GET', path), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['query:limit', 'query:sortBy']);
      assert.match(problem.errors!.find((e) => e.field === 'limit')!.message, /integer/);
      assert.match(problem.errors!.find((e) => e.field === 'sortBy')!.message, /unknown/);
      assert.equal(stack.demo.catalog.calls.total(), before);
    });

    it('a missing required query parameter (q) → 400 naming it', async () => {
      const path = `${V}/products/search?limit=2`;
      const problem = assertProblem(await stack.rest('GET', path), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['query:q']);
    });

    it('POST body without items → 400 naming items (in body)', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: { userId: buyer } }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.deepEqual(problemFields(problem), ['body:items']);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('POST with a wrong type inside items → 400 naming items (or the place in it)', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const res = await stack.rest('POST', path, {
        body: { userId: buyer, items: [{ productId: 'p1', quantity: 'two' }] },
      });
      const problem = assertProblem(res, 400, 'BAD_USER_INPUT', path);
      // the field is items, or (more precisely) the place inside it: items[0].quantity
      const fields = problemFields(problem);
      assert.equal(fields.length, 1, JSON.stringify(problem.errors));
      assert.match(fields[0]!, /^body:items(\[0\]\.quantity)?$/);
      assert.match(problem.errors![0]!.message, /Int|integer/);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('problems inside items name their place: items[1].productId missing, items[0].colour unknown', async () => {
      const path = `${V}/orders`;
      const body = { userId: buyer, items: [{ productId: 'p1', quantity: 1, colour: 'red' }, { quantity: 2 }] };
      const problem = assertProblem(await stack.rest('POST', path, { body }), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['body:items[0].colour', 'body:items[1].productId']);
    });

    it('POST with v1 (snake_case) property names → 400 naming them as unknown', async () => {
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: { user_id: buyer, items: [{ productId: 'p1', quantity: 1 }] } }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.ok(problemFields(problem).includes('body:user_id'), JSON.stringify(problem.errors));
    });

    it('POST with invalid JSON → 400 problem', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const problem = assertProblem(await stack.rest('POST', path, { body: '{"userId": ' }), 400, 'BAD_REQUEST', path);
      assert.match(problem.detail ?? '', /JSON/);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('POST with a non-JSON content type → 415 problem', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const res = await stack.rest('POST', path, {
        body: JSON.stringify({ userId: buyer, items: [] }),
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(res.status, 415, res.text);
      assert.equal(mediaType(res.headers), 'application/problem+json');
      assert.equal(asObject(res.json)['status'], 415);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });
  });

  describe('versioning', () => {
    it('rest.yaml makes v2 the default; version.yaml: camelCase, money objects, not deprecated', () => {
      assert.equal(readDefaultVersion(), 'v2');
      assert.equal(versionFile.naming, 'camelCase');
      assert.equal(versionFile.money, 'object');
      assert.notEqual(versionFile.deprecated, true);
    });

    it('/partner/… without a version or Accept header serves the default version (v2)', async () => {
      const p = product('p7');
      const res = await stack.rest('GET', `/partner/products/${p.id}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, v2Product(p));
      assert.equal(res.headers.get('deprecation'), null);
    });

    it('Accept: application/vnd.facet.v2+json selects v2; …v1+json selects v1 on the same path', async () => {
      const p = product('p8');
      const v2 = await stack.rest('GET', `/partner/products/${p.id}`, { headers: acceptVersion('v2') });
      assert.equal(v2.status, 200, v2.text);
      assert.deepEqual(v2.json, v2Product(p));
      const v1 = await stack.rest('GET', `/partner/products/${p.id}`, { headers: acceptVersion('v1') });
      assert.equal(v1.status, 200, v1.text);
      assert.equal(asObject(v1.json)['price_cents'], p.price_cents);
      assert.equal(asObject(v1.json)['price'], undefined);
    });

    it('a version in the path wins over the Accept header', async () => {
      const p = product('p9');
      const res = await stack.rest('GET', `${V}/products/${p.id}`, { headers: acceptVersion('v1') });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, v2Product(p));
    });

    it('no Deprecation, Sunset or successor-version Link on v2 answers (success and error)', async () => {
      for (const path of [
        `${V}/products/p1`,
        `${V}/orders/${unknownOrder}`,
        `${V}/users/${FIXTURE_USER_ID}/orders?limit=2`,
      ]) {
        const res = await stack.rest('GET', path);
        assert.equal(res.headers.get('deprecation'), null, path);
        assert.equal(res.headers.get('sunset'), null, path);
        assert.equal(linkWithRel(res.headers.get('link'), 'successor-version'), undefined, path);
      }
    });
  });

  describe('conditional requests', () => {
    it("If-None-Match with the ETag → 304 without a body; v1's ETag of the same product does not match", async () => {
      const path = `${V}/products/p2`;
      const first = await stack.rest('GET', path);
      assert.equal(first.status, 200, first.text);
      const etag = first.headers.get('etag');
      assert.ok(etag, 'ETag header');

      const notModified = await stack.rest('GET', path, { headers: { 'if-none-match': etag } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.text, '');
      assert.equal(notModified.headers.get('etag'), etag);

      const v1 = await stack.rest('GET', '/partner/v1/products/p2');
      const v1Etag = v1.headers.get('etag');
      assert.ok(v1Etag);
      assert.notEqual(v1Etag, etag, 'each version has its own representation');
      const cross = await stack.rest('GET', path, { headers: { 'if-none-match': v1Etag } });
      assert.equal(cross.status, 200);
      assert.deepEqual(cross.json, first.json);
    });

    it('If-None-Match on the list endpoint → 304', async () => {
      const path = `${V}/users/${FIXTURE_USER_ID}/orders?limit=2`;
      const first = await stack.rest('GET', path);
      const etag = first.headers.get('etag');
      assert.ok(etag);
      const res = await stack.rest('GET', path, { headers: { 'if-none-match': etag } });
      assert.equal(res.status, 304);
      assert.equal(res.text, '');
    });
  });

  describe('authentication', () => {
    it('no API key → 401 problem with WWW-Authenticate: ApiKey …; the backend is not called', async () => {
      const before = stack.demo.orders.calls.total();
      const path = `${V}/orders/${sampleOrder.id}`;
      const res = await stack.rest('GET', path, { auth: false });
      assertProblem(res, 401, 'UNAUTHENTICATED', path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^ApiKey\b/);
      assert.equal(stack.demo.orders.calls.total(), before);
    });

    it('the revoked key → 401, also for POST (no order is created)', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const res = await stack.rest('POST', path, {
        auth: false,
        headers: { 'x-api-key': REVOKED_KEY },
        body: { userId: buyer, items: [{ productId: 'p1', quantity: 1 }] },
      });
      assertProblem(res, 401, 'UNAUTHENTICATED', path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^ApiKey\b/);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });
  });

  describe('backend failures', () => {
    const leaks = () => ['10.0.0.7', '/srv/internal', 'stack', 'connection reset', ...Object.values(stack.demo.env)];

    it('catalog error → 502 UPSTREAM_ERROR without backend internals', async () => {
      const path = `${V}/products/p10`;
      stack.demo.catalog.setFault('error');
      let res: RestResponse;
      try {
        res = await stack.rest('GET', path);
      } finally {
        stack.demo.catalog.setFault(null);
      }
      assertProblem(res, 502, 'UPSTREAM_ERROR', path);
      for (const needle of [...leaks(), INTERNAL_ERROR_DETAILS('catalog')])
        assert.ok(!res.text.includes(needle), `the answer leaks ${JSON.stringify(needle)}: ${res.text}`);
      const recovered = await stack.rest('GET', path);
      assert.equal(recovered.status, 200, recovered.text);
    });

    it('orders unavailable → 503 UPSTREAM_UNAVAILABLE without backend internals', async () => {
      const path = `${V}/orders/${sampleOrder.id}`;
      stack.demo.orders.setFault('unavailable');
      let res: RestResponse;
      try {
        res = await stack.rest('GET', path);
      } finally {
        stack.demo.orders.setFault(null);
      }
      assertProblem(res, 503, 'UPSTREAM_UNAVAILABLE', path);
      for (const needle of [...leaks(), INTERNAL_ERROR_DETAILS('orders')])
        assert.ok(!res.text.includes(needle), `the answer leaks ${JSON.stringify(needle)}: ${res.text}`);
    });
  });

  describe('HTTP details', () => {
    it('an answer whose version came from Accept says Vary: Accept; a versioned path does not need it', async () => {
      const byHeader = await stack.rest('GET', '/partner/products/p1', {
        headers: { accept: 'application/vnd.facet.v2+json' },
      });
      assert.equal(byHeader.status, 200, byHeader.text);
      const varyTokens = (res: { headers: Headers }) =>
        (res.headers.get('vary') ?? '').split(',').map((t) => t.trim().toLowerCase());
      assert.ok(varyTokens(byHeader).includes('accept'), `Vary: ${byHeader.headers.get('vary')}`);
      // a versioned path does not depend on Accept (Accept-Encoding may be there: compression)
      const byPath = await stack.rest('GET', `${V}/products/p1`);
      assert.ok(!varyTokens(byPath).includes('accept'), `Vary: ${byPath.headers.get('vary')}`);
    });

    it('HEAD answers like GET without a body', async () => {
      const get = await stack.rest('GET', `${V}/products/p1`);
      const head = await stack.rest('HEAD', `${V}/products/p1`);
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
      assert.equal(head.headers.get('etag'), get.headers.get('etag'));
      assert.equal(head.headers.get('content-length'), get.headers.get('content-length'));
    });

    it('405 lists HEAD beside GET in Allow', async () => {
      const res = await stack.rest('DELETE', `${V}/products/p1`);
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    });
  });
});
