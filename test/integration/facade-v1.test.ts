// REST facade, version 1 (deprecated): snake_case properties and money as integer cents, one test
// per endpoint against the demo backends, plus invalid input, version selection, deprecation
// headers, ETag/304, authentication, backend failures and unknown routes. Expected values come
// from demo/data.ts; the deprecation headers from clients/partner/rest/v1/version.yaml.
// One stack for the file: about 40 requests, well under the partner plan's 100 a minute.
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
  linkWithRel,
  mediaType,
  nextLink,
  problemFields,
  readVersionFile,
  startFacadeStack,
  REVOKED_KEY,
  type FacadeStack,
  type RestResponse,
} from '../helpers/facade.js';

const V = '/partner/v1';
const versionFile = readVersionFile('v1');

// ---------------------------------------------------------------- expected v1 answers

function product(id: string): Product {
  const p = productById(id);
  assert.ok(p, `demo product ${id}`);
  return p;
}
const v1Product = (p: Product) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  price_cents: p.price_cents,
  currency: p.currency,
  category: p.category,
});
const v1ProductSummary = (p: Product) => ({ id: p.id, name: p.name, price_cents: p.price_cents, currency: p.currency });
const v1OrderNode = (o: Order) => ({
  id: o.id,
  status: o.status,
  created_at: o.created_at,
  total_cents: o.total_cents,
  currency: o.currency,
});
const v1Order = (o: Order) => ({
  ...v1OrderNode(o),
  items: o.items.map((it) => ({
    quantity: it.quantity,
    unit_price_cents: it.unit_price_cents,
    product: { id: it.product_id, name: product(it.product_id).name },
  })),
});

/** An order with more than one item whose products are all known (from the seeded data). */
const sampleOrder = ORDERS.find((o) => o.items.length >= 2 && o.user_id !== FIXTURE_USER_ID) ?? ORDERS[0]!;
const unknownProduct = `p${PRODUCT_COUNT + 1}`;
const unknownOrder = `o${ORDERS.length + 10_000}`;
const unknownUser = `u${USER_COUNT + 1}`;
/** A user other than the pagination fixture, to place orders for. */
const buyer = USERS.find((u) => u.id !== FIXTURE_USER_ID)!.id;

describe('REST facade v1 (snake_case, integer cents, deprecated)', () => {
  let stack: FacadeStack;
  before(async () => {
    stack = await startFacadeStack();
  });
  after(async () => {
    await stack?.close();
  });

  describe('endpoints', () => {
    it('GET /products/{id}: the product, snake_case, price in integer cents', async () => {
      const p = product('p1');
      const res = await stack.rest('GET', `${V}/products/${p.id}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(mediaType(res.headers), 'application/json');
      assert.deepEqual(res.json, v1Product(p));
      assert.ok(Number.isInteger(asObject(res.json)['price_cents']), 'price_cents is an integer');
    });

    it('GET /products?ids=: request order kept, null for an unknown id', async () => {
      // ids chosen out of catalog order so that a backend answering in its own order shows
      const ids = [PRODUCTS[4]!.id, unknownProduct, PRODUCTS[1]!.id, PRODUCTS[9]!.id];
      const res = await stack.rest('GET', `${V}/products?ids=${ids.join(',')}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json,
        ids.map((id) => (id === unknownProduct ? null : v1ProductSummary(product(id)))),
      );
    });

    it('GET /products/search?q=&limit=: the hits of the catalog search, limited, with the total', async () => {
      const q = product('p1').category.toLowerCase();
      const expected = searchProducts(q, 3);
      assert.ok(expected.total > 3, 'the fixture query has more hits than the limit');
      const res = await stack.rest('GET', `${V}/products/search?q=${encodeURIComponent(q)}&limit=3`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { total: expected.total, items: expected.items.map(v1ProductSummary) });
    });

    it('GET /orders/{id}: the order with items and product names, snake_case, cents', async () => {
      const res = await stack.rest('GET', `${V}/orders/${sampleOrder.id}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, v1Order(sampleOrder));
    });

    it('GET /users/{id}/orders: first page shaped {total_count, next_cursor, nodes}, newest first', async () => {
      const all = ordersOfUser(FIXTURE_USER_ID);
      const res = await stack.rest('GET', `${V}/users/${FIXTURE_USER_ID}/orders?limit=4`);
      assert.equal(res.status, 200, res.text);
      const body = asObject(res.json);
      assert.deepEqual(Object.keys(body).sort(), ['next_cursor', 'nodes', 'total_count']);
      assert.equal(body['total_count'], all.length);
      assert.deepEqual(body['nodes'], all.slice(0, 4).map(v1OrderNode));
      assert.equal(typeof body['next_cursor'], 'string');
      const next = nextLink(res.headers.get('link'));
      assert.ok(next, `Link rel="next" in ${res.headers.get('link')}`);
      const url = new URL(next, stack.url);
      assert.equal(url.pathname, `${V}/users/${FIXTURE_USER_ID}/orders`);
      assert.equal(url.searchParams.get('limit'), '4');
      assert.equal(url.searchParams.get('cursor'), body['next_cursor']);
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
        assert.equal(body['total_count'], expected.length);
        seen.push(...(body['nodes'] as unknown[]));
        path = nextLink(res.headers.get('link'));
        if (path) assert.ok(path.startsWith(`${V}/`), `next link stays on v1: ${path}`);
        else assert.equal(body['next_cursor'], null, 'the last page has next_cursor null');
      }
      assert.equal(pages, Math.ceil(expected.length / 3));
      const ids = seen.map((n) => asObject(n)['id']);
      assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids.join(',')}`);
      assert.deepEqual(seen, expected.map(v1OrderNode));
    });

    // (the gRPC backend sends "" on the last page — proto3 has no null; the gateway reads it as null)
    it('GET /users/{id}/orders: next_cursor is null on the last page, as documented', async () => {
      const all = ordersOfUser(FIXTURE_USER_ID);
      const res = await stack.rest('GET', `${V}/users/${FIXTURE_USER_ID}/orders?limit=${all.length}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(nextLink(res.headers.get('link')), undefined);
      assert.equal(asObject(res.json)['next_cursor'], null);
    });

    it('POST /orders: 201 with the created order (snake_case body and answer); the backend CreateOrder runs once', async () => {
      const [a, b] = [PRODUCTS[2]!, PRODUCTS[7]!];
      const before = stack.demo.orders.calls.count('CreateOrder');
      const res = await stack.rest('POST', `${V}/orders`, {
        body: {
          user_id: buyer,
          items: [
            { product_id: a.id, quantity: 2 },
            { product_id: b.id, quantity: 1 },
          ],
        },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before + 1);
      const body = asObject(res.json);
      assert.deepEqual(Object.keys(body).sort(), ['created_at', 'currency', 'id', 'items', 'status', 'total_cents']);
      assert.match(String(body['id']), /^o\d+$/);
      assert.equal(orderById(String(body['id'])), undefined, 'a new id, not a seeded order');
      assert.equal(body['total_cents'], 2 * a.price_cents + b.price_cents);
      assert.equal(body['currency'], a.currency);
      assert.equal(typeof body['status'], 'string');
      assert.ok(String(body['created_at']) >= CREATED_ORDERS_EPOCH, `created_at ${String(body['created_at'])}`);
      assert.deepEqual(body['items'], [
        { quantity: 2, unit_price_cents: a.price_cents, product: { id: a.id, name: a.name } },
        { quantity: 1, unit_price_cents: b.price_cents, product: { id: b.id, name: b.name } },
      ]);
      // the order now exists: GET answers the same representation
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
      const path = `${V}/warehouses/w1`;
      assertProblem(await stack.rest('GET', path), 404, 'NOT_FOUND', path);
    });

    it('PUT /orders → 405 METHOD_NOT_ALLOWED with Allow: POST', async () => {
      const path = `${V}/orders`;
      const res = await stack.rest('PUT', path, { body: {} });
      assertProblem(res, 405, 'METHOD_NOT_ALLOWED', path);
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      assert.deepEqual(allow, ['POST']);
    });
  });

  describe('invalid input → 400/415 problem+json, the backend is not called', () => {
    it('limit=abc and an unknown query parameter are both listed, by their v1 names', async () => {
      const before = stack.demo.orders.calls.total();
      const path = `${V}/users/${FIXTURE_USER_ID}/orders?limit=abc&sort_by=date`;
      const problem = assertProblem(await stack.rest('GET', path), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['query:limit', 'query:sort_by']);
      assert.match(problem.errors!.find((e) => e.field === 'limit')!.message, /integer/);
      assert.match(problem.errors!.find((e) => e.field === 'sort_by')!.message, /unknown/);
      assert.equal(stack.demo.orders.calls.total(), before);
    });

    it('an unknown query parameter on /products/{id} → 400', async () => {
      const path = `${V}/products/p1?colour=red`;
      const problem = assertProblem(await stack.rest('GET', path), 400, 'BAD_USER_INPUT', path);
      assert.deepEqual(problemFields(problem), ['query:colour']);
    });

    it('POST body without items → 400 naming items (in body)', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: { user_id: buyer } }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.deepEqual(problemFields(problem), ['body:items']);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('POST body without user_id → 400 naming user_id, the v1 name', async () => {
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: { items: [{ product_id: 'p1', quantity: 1 }] } }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.deepEqual(problemFields(problem), ['body:user_id']);
    });

    it('POST with a wrong type inside items → 400 naming items (or the place in it)', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const res = await stack.rest('POST', path, {
        body: { user_id: buyer, items: [{ product_id: 'p1', quantity: 'two' }] },
      });
      const problem = assertProblem(res, 400, 'BAD_USER_INPUT', path);
      // the field is items, or (more precisely) the place inside it: items[0].quantity
      const fields = problemFields(problem);
      assert.equal(fields.length, 1, JSON.stringify(problem.errors));
      assert.match(fields[0]!, /^body:items(\[0\]\.quantity)?$/);
      assert.match(problem.errors![0]!.message, /Int|integer/);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('POST with an unknown property → 400 naming it', async () => {
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, {
          body: { user_id: buyer, items: [{ product_id: 'p1', quantity: 1 }], coupon_code: 'X' },
        }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.deepEqual(problemFields(problem), ['body:coupon_code']);
    });

    it('a problem inside items names its place in v1 names: items[0].product_id', async () => {
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: { user_id: buyer, items: [{ quantity: 1 }] } }),
        400,
        'BAD_USER_INPUT',
        path,
      );
      assert.deepEqual(problemFields(problem), ['body:items[0].product_id']);
      const text = JSON.stringify(problem.errors);
      assert.ok(!text.includes('productId'), `v1 error names a GraphQL field: ${text}`);
      assert.match(text, /product_id/);
      assert.match(text, /items\[0\]/);
    });

    it('POST with invalid JSON → 400 problem', async () => {
      const before = stack.demo.orders.calls.count('CreateOrder');
      const path = `${V}/orders`;
      const problem = assertProblem(
        await stack.rest('POST', path, { body: '{"user_id": "u2", "items": [' }),
        400,
        'BAD_REQUEST',
        path,
      );
      assert.match(problem.detail ?? '', /JSON/);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), before);
    });

    it('POST with a non-JSON content type → 415 problem', async () => {
      const path = `${V}/orders`;
      const res = await stack.rest('POST', path, {
        body: `user_id=${buyer}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.status, 415, res.text);
      assert.equal(mediaType(res.headers), 'application/problem+json');
      assert.equal(asObject(res.json)['status'], 415);
    });
  });

  describe('versioning and deprecation', () => {
    const sunset = () => {
      assert.ok(versionFile.sunset, 'v1 has a sunset date');
      return new Date(`${versionFile.sunset}T00:00:00Z`).toUTCString();
    };

    it('version.yaml declares v1 deprecated, snake_case, cents, with a successor', () => {
      assert.equal(versionFile.deprecated, true);
      assert.equal(versionFile.naming, 'snake_case');
      assert.equal(versionFile.money, 'cents');
      assert.ok(versionFile.successor);
    });

    it('answers carry Deprecation: true, Sunset (HTTP date) and Link rel="successor-version"', async () => {
      const res = await stack.rest('GET', `${V}/products/p2`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('deprecation'), 'true');
      assert.equal(res.headers.get('sunset'), sunset());
      assert.equal(
        linkWithRel(res.headers.get('link'), 'successor-version'),
        `/partner/${versionFile.successor}/products/p2`,
      );
    });

    it('error answers are marked deprecated too', async () => {
      const path = `${V}/orders/${unknownOrder}`;
      const res = await stack.rest('GET', path);
      assertProblem(res, 404, 'RESOURCE_NOT_FOUND', path);
      assert.equal(res.headers.get('deprecation'), 'true');
      assert.equal(res.headers.get('sunset'), sunset());
      assert.equal(
        linkWithRel(res.headers.get('link'), 'successor-version'),
        `/partner/${versionFile.successor}/orders/${unknownOrder}`,
      );
    });

    it('Accept: application/vnd.facet.v1+json on /partner/… selects v1', async () => {
      const p = product('p3');
      const res = await stack.rest('GET', `/partner/products/${p.id}`, { headers: acceptVersion('v1') });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, v1Product(p));
      assert.equal(res.headers.get('deprecation'), 'true');
      assert.equal(
        linkWithRel(res.headers.get('link'), 'successor-version'),
        `/partner/${versionFile.successor}/products/${p.id}`,
      );
    });
  });

  describe('conditional requests', () => {
    it('GET answers carry an ETag; If-None-Match with it → 304 without a body; another tag → 200', async () => {
      const path = `${V}/orders/${sampleOrder.id}`;
      const first = await stack.rest('GET', path);
      assert.equal(first.status, 200, first.text);
      const etag = first.headers.get('etag');
      assert.ok(etag, 'ETag header');
      assert.match(etag, /^(W\/)?"[^"]+"$/);
      const again = await stack.rest('GET', path);
      assert.equal(again.headers.get('etag'), etag, 'the same representation has the same ETag');

      const notModified = await stack.rest('GET', path, { headers: { 'if-none-match': etag } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.text, '');
      assert.equal(notModified.headers.get('etag'), etag);

      const other = await stack.rest('GET', path, { headers: { 'if-none-match': '"something-else"' } });
      assert.equal(other.status, 200);
      assert.deepEqual(other.json, first.json);
    });

    it('different resources have different ETags', async () => {
      const [a, b] = await Promise.all([stack.rest('GET', `${V}/products/p4`), stack.rest('GET', `${V}/products/p5`)]);
      assert.ok(a.headers.get('etag') && b.headers.get('etag'));
      assert.notEqual(a.headers.get('etag'), b.headers.get('etag'));
    });
  });

  describe('authentication', () => {
    it('no API key → 401 problem with WWW-Authenticate: ApiKey …; the backend is not called', async () => {
      const before = stack.demo.catalog.calls.total();
      const path = `${V}/products/p1`;
      const res = await stack.rest('GET', path, { auth: false });
      assertProblem(res, 401, 'UNAUTHENTICATED', path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^ApiKey\b/);
      assert.equal(stack.demo.catalog.calls.total(), before);
    });

    it('the revoked key → 401', async () => {
      const before = stack.demo.catalog.calls.total();
      const path = `${V}/products/p1`;
      const res = await stack.rest('GET', path, { auth: false, headers: { 'x-api-key': REVOKED_KEY } });
      assertProblem(res, 401, 'UNAUTHENTICATED', path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^ApiKey\b/);
      assert.equal(stack.demo.catalog.calls.total(), before);
    });
  });

  describe('backend failure', () => {
    it('catalog error → 502 UPSTREAM_ERROR without backend internals; served again once it recovers', async () => {
      const p = product('p6');
      const path = `${V}/products/${p.id}`;
      stack.demo.catalog.setFault('error');
      let res: RestResponse;
      try {
        res = await stack.rest('GET', path);
      } finally {
        stack.demo.catalog.setFault(null);
      }
      assertProblem(res, 502, 'UPSTREAM_ERROR', path);
      for (const needle of [
        '10.0.0.7',
        '/srv/internal',
        'stack',
        'connection reset',
        INTERNAL_ERROR_DETAILS('catalog'),
        stack.demo.env['CATALOG_URL']!,
      ]) {
        assert.ok(!res.text.includes(needle), `the answer leaks ${JSON.stringify(needle)}: ${res.text}`);
      }
      assert.equal(res.headers.get('deprecation'), 'true');
      const recovered = await stack.rest('GET', path);
      assert.equal(recovered.status, 200, recovered.text);
      assert.deepEqual(recovered.json, v1Product(p));
    });
  });
});
