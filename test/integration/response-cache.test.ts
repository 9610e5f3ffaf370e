// Whole responses cached (the response cache) and HTTP caching: a query whose every call is
// @cacheControl is served from the cache for the shortest maxAge, PRIVATE (per caller) when it
// depends on the identity; the field gate and rate limits run before; GET answers carry
// Cache-Control, ETag (304 on If-None-Match) and Age; a purge drops cached responses holding the
// entity; a client's @cacheControl tightens. Over a copy of the demo configuration.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { userById } from '../../demo/data.js';
import { copyConfig } from '../helpers/config-copy.js';
import { asPartner, asUser, errorsWithCode, metricSum, startStack, type Stack } from '../helpers/gateway.js';

const ADMIN_KEY = 'response-cache-admin-key';
let config: { dir: string; remove(): void };
let stack: Stack;

before(async () => {
  const cacheable = '$& @cacheControl(maxAge: 60)';
  config = copyConfig([
    ['schema/catalog.graphql', 'product(id: ID!): Product @http(GET: "/products/{args.id}")', cacheable],
    ['schema/catalog.graphql', '@batch(key: "id") @lookup', cacheable],
    ['schema/catalog.graphql', 'query: { q: "{args.query}", limit: "{args.limit}" })', cacheable],
    ['schema/users.graphql', 'user(id: ID!): User @http(GET: "/users/{args.id}")', cacheable],
    [
      'clients/web/schema.graphql',
      '  product(id: ID!): Product\n',
      '  product(id: ID!): Product @cacheControl(maxAge: 5)\n',
    ],
    ['clients/web/client.yaml', 'auth:\n', 'auth:\n  required: false\n'],
  ]);
  stack = await startStack({ dir: config.dir, env: { REDIS_URL: '', FACET_ADMIN_KEY: ADMIN_KEY } });
});
after(async () => {
  await stack?.close();
  config?.remove();
});
beforeEach(() => stack.demo.resetCounters());

/** A GraphQL GET on the web client (with the CSRF header a GET needs), anonymous unless `headers` say who. */
async function get(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.url}/web/graphql?query=${encodeURIComponent(query)}`, {
    headers: { accept: 'application/json', 'x-facet-csrf': '1', ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('the response cache and HTTP caching', () => {
  it('a cacheable GET: max-age (public only for an anonymous caller), from the cache with Age, 304 on If-None-Match', async () => {
    const query = '{ products(ids: ["p1", "p2"]) { id name } }';
    const first = await get(query);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=60');
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal(first.headers.get('age'), null, 'not from the cache');
    assert.equal(stack.demo.catalog.calls.total(), 1);
    const second = await get(query);
    assert.equal(second.text, first.text);
    assert.equal(second.headers.get('etag'), etag);
    assert.match(second.headers.get('age') ?? '', /^\d+$/, 'Age: served from the response cache');
    assert.equal(stack.demo.catalog.calls.total(), 1, 'no backend call');
    assert.ok((await metricSum(stack.url, 'facet_response_cache_total', { client: 'web', outcome: 'hit' })) >= 1);
    const revalidated = await get(query, { 'if-none-match': etag });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.text, '');
    assert.equal(revalidated.headers.get('cache-control'), 'public, max-age=60');
    const signedIn = await get(query, await asUser('u8'));
    assert.equal(signedIn.text, first.text);
    assert.equal(signedIn.headers.get('cache-control'), 'private, max-age=60', 'a shared cache never keeps it');
    // a browser's cross-origin GET goes through yoga (CORS): the same Cache-Control
    const crossOrigin = await get(query, { origin: 'http://localhost:3000' });
    assert.equal(crossOrigin.status, 200, crossOrigin.text);
    assert.equal(crossOrigin.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal(crossOrigin.headers.get('cache-control'), 'public, max-age=60');
  });

  it("a client's @cacheControl tightens the sources' policy", async () => {
    const res = await get('{ product(id: "p1") { id name } }');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=5');
  });

  it('a query with a call not declared cacheable is not cached: private, no-cache', async () => {
    const query = '{ product(id: "p4") { id stock { available } } }';
    const first = await get(query);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('cache-control'), 'private, no-cache');
    await get(query);
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}/stock'), 2, 'stock asked each time');
  });

  it('an answer that depends on the caller is PRIVATE: each user gets their own, never another’s', async () => {
    const [u1, u2] = [await asUser('u1'), await asUser('u2')];
    const me = async (headers: Record<string, string>) => {
      const res = await get('{ me { id name } }', headers);
      assert.equal(res.headers.get('cache-control'), 'private, max-age=60', res.text);
      return (JSON.parse(res.text) as { data: { me: { id: string; name: string } } }).data.me;
    };
    assert.deepEqual(await me(u1), { id: 'u1', name: userById('u1')!.name });
    assert.deepEqual(await me(u2), { id: 'u2', name: userById('u2')!.name });
    stack.demo.resetCounters();
    assert.deepEqual(await me(u1), { id: 'u1', name: userById('u1')!.name });
    assert.deepEqual(await me(u2), { id: 'u2', name: userById('u2')!.name });
    assert.equal(stack.demo.users.calls.total(), 0, 'both from the cache');
  });

  it('the field gate runs first: a field refused to this caller is never served from the cache', async () => {
    const query = '{ products(ids: ["p9"]) { id } user(id: "u3") { id name } }';
    const support = await stack.gql('web', query, { headers: await asUser('u9', 'users:read') });
    assert.deepEqual(support.body.data, { products: [{ id: 'p9' }], user: { id: 'u3', name: userById('u3')!.name } });
    const plain = await stack.gql('web', query, { headers: await asUser('u9', 'orders:read') });
    assert.deepEqual(plain.body.data, { products: [{ id: 'p9' }], user: null });
    assert.equal(errorsWithCode(plain.body, 'FORBIDDEN').length, 1);
  });

  it('a cached answer still counts against rate limits', async () => {
    const headers = await asUser('u42');
    const search = '{ searchProducts(query: "lamp") { total } }';
    for (let i = 0; i < 30; i++) assert.equal((await stack.gql('web', search, { headers })).body.errors, undefined);
    assert.ok(stack.demo.catalog.calls.total() <= 1, 'searched once, then from the cache');
    const refused = await stack.gql('web', search, { headers });
    assert.equal(errorsWithCode(refused.body, 'RATE_LIMITED').length, 1, refused.text);
  });

  it('a purge of an entity drops the cached responses holding it', async () => {
    const query = '{ products(ids: ["p5", "p6"]) { id name } }';
    await get(query);
    await get(query);
    assert.equal(stack.demo.catalog.calls.total(), 1);
    const purge = await fetch(`${stack.url}/admin/cache/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ type: 'Product', id: 'p6' }),
    });
    assert.equal(purge.status, 200);
    await get(query);
    assert.deepEqual(stack.demo.catalog.calls.batches('GET /products'), [['p5', 'p6'], ['p6']]);
  });

  it('the partner REST facade: Cache-Control from the policy (private: keyed callers), Age when cached, 304 kept', async () => {
    const read = (headers: Record<string, string> = {}) =>
      fetch(`${stack.url}/partner/v1/products/p7`, { headers: { ...asPartner(), ...headers } });
    const first = await read();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'private, max-age=60', 'a partner is never anonymous');
    const second = await read();
    assert.match(second.headers.get('age') ?? '', /^\d+$/);
    assert.equal((await read({ 'if-none-match': first.headers.get('etag')! })).status, 304);
  });
});
