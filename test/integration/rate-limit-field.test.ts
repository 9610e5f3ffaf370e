// @rateLimit on fields: every occurrence (alias) counts, refused occurrences come back as null with
// RATE_LIMITED + retryAfter and are never fetched, and concurrent requests cannot slip past the
// limit — with the in-memory store and with Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { productById } from '../../demo/data.js';
import { errorsWithCode, startStack, type Stack } from '../helpers/gateway.js';
import { startStackRecording, type RecordingStack, type UpstreamRecorder } from '../helpers/upstream-recorder.js';
import {
  awayFromWindowEdge,
  createFixtureConfig,
  uniqueClientName,
  type FixtureConfig,
} from '../helpers/fixture-config.js';
import { REDIS_URL, deleteRateLimitKeys, rateLimitKeysWith, skipUnlessRedis } from '../helpers/redis.js';
import { demoJwtClientYaml, validToken } from '../helpers/tokens.js';

const PARTNER = { 'x-api-key': 'demo-partner-key' };
const MINUTE = 60_000;

describe('partner searchProducts: @rateLimit(max: 20, window: "1m", by: API_KEY)', () => {
  let stack: RecordingStack;
  let catalog: UpstreamRecorder;

  before(async () => {
    // the catalog through a recorder, to see which searches reached the backend; memory store: fresh counts
    stack = await startStackRecording('catalog', { env: { REDIS_URL: '' } });
    catalog = stack.recorder;
  });
  after(() => stack?.close());

  it('one request with 25 aliases → 20 answered, 5 RATE_LIMITED with retryAfter, no backend call for the refused ones', async () => {
    await awayFromWindowEdge(MINUTE);
    const aliases = Array.from(
      { length: 25 },
      (_, i) => `s${i}: searchProducts(query: "term${i}", limit: 1) { total }`,
    );
    const res = await stack.gql('partner', `{ ${aliases.join(' ')} }`, { headers: PARTNER });
    assert.equal(res.status, 200, res.text);
    const data = res.body.data as Record<string, { total: number } | null>;
    const answered = Object.keys(data).filter((k) => data[k] !== null);
    const refused = Object.keys(data).filter((k) => data[k] === null);
    assert.equal(answered.length, 20, res.text);
    assert.equal(refused.length, 5, res.text);
    const limited = errorsWithCode(res.body, 'RATE_LIMITED');
    assert.equal(limited.length, 5, res.text);
    assert.equal(res.body.errors?.length, 5, 'no other errors');
    for (const error of limited) {
      const retryAfter = error.extensions?.['retryAfter'];
      assert.ok(
        typeof retryAfter === 'number' && retryAfter > 0 && retryAfter <= 120,
        `retryAfter ${String(retryAfter)}`,
      );
      assert.equal(error.path?.length, 1);
      assert.equal(data[String(error.path![0])], null, 'the error path is a refused alias');
      assert.match(error.message, /Query\.searchProducts/);
    }
    assert.deepEqual(limited.map((e) => e.path![0]).sort(), refused.sort(), 'one error per refused alias');
    // occurrences are decided in document order: the first 20 fit
    assert.deepEqual(refused.sort(), ['s20', 's21', 's22', 's23', 's24']);

    const searches = catalog.calls.filter((c) => c.url.startsWith('/products/search'));
    assert.ok(searches.length <= 20, `${searches.length} backend searches`);
    assert.equal(stack.demo.catalog.calls.count('GET /products/search'), searches.length);
    const terms = new Set(searches.map((c) => new URL(c.url, 'http://x').searchParams.get('q')));
    for (const alias of refused) assert.ok(!terms.has(`term${alias.slice(1)}`), `${alias} (refused) was not fetched`);
    for (const alias of answered) assert.ok(terms.has(`term${alias.slice(1)}`), `${alias} (answered) was fetched`);
  });

  it('once the limit is used up, the field is refused while the rest of the request is answered', async () => {
    stack.demo.resetCounters();
    const res = await stack.gql('partner', '{ product(id: "p1") { id } searchProducts(query: "x") { total } }', {
      headers: PARTNER,
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { product: { id: 'p1' }, searchProducts: null });
    const [error] = errorsWithCode(res.body, 'RATE_LIMITED');
    assert.deepEqual(error?.path, ['searchProducts']);
    assert.equal(stack.demo.catalog.calls.count('GET /products/search'), 0);
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 1);
  });
});

/** A client with one field limited to 2 per minute for the whole client, anonymous callers, no quotas. */
function limitedClientConfig(client: string, gatewayYaml?: string): FixtureConfig {
  return createFixtureConfig({
    sources: ['catalog.graphql'],
    clients: {
      [client]: {
        schema: [
          'type Query {',
          '  product(id: ID!): Product @rateLimit(max: 2, window: "1m", by: CLIENT)',
          '  products(ids: [ID!]!): [Product]!',
          '}',
          'type Product { id: ID! name: String! }',
        ].join('\n'),
      },
    },
    ...(gatewayYaml === undefined ? {} : { gatewayYaml }),
  });
}

const skipRedis = await skipUnlessRedis();

for (const store of ['memory', 'redis'] as const) {
  describe(`@rateLimit(max: 2, by: CLIENT) under 10 concurrent requests (${store} store)`, {
    skip: store === 'redis' ? skipRedis : false,
  }, () => {
    const client = uniqueClientName('rl');
    let fixture: FixtureConfig;
    let stack: Stack;

    before(async () => {
      // generous store timeout: a slow CI machine must not turn into fail-open decisions
      fixture = limitedClientConfig(client, 'rateLimitStore: { onError: deny, timeoutMs: 2000 }\n');
      stack = await startStack({ dir: fixture.dir, env: store === 'redis' ? { REDIS_URL } : {} });
    });
    after(async () => {
      await stack?.close();
      fixture?.cleanup();
      if (store === 'redis') await deleteRateLimitKeys(client);
    });

    it('exactly 2 answered, 8 RATE_LIMITED, 2 backend calls', async () => {
      await awayFromWindowEdge(MINUTE);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => stack.gql(client, '{ product(id: "p5") { id name } }')),
      );
      for (const res of answers) assert.equal(res.status, 200, res.text);
      const ok = answers.filter((r) => r.body.data?.['product'] !== null);
      const limited = answers.filter((r) => r.body.data?.['product'] === null);
      assert.equal(ok.length, 2, answers.map((r) => r.text).join('\n'));
      assert.equal(limited.length, 8);
      for (const res of ok) {
        assert.deepEqual(res.body, { data: { product: { id: 'p5', name: productById('p5')?.name } } });
      }
      for (const res of limited) {
        assert.equal(res.body.errors?.length, 1, res.text);
        const error = res.body.errors![0]!;
        assert.equal(error.extensions?.code, 'RATE_LIMITED', res.text);
        assert.deepEqual(error.path, ['product']);
        assert.ok(typeof error.extensions?.['retryAfter'] === 'number' && error.extensions['retryAfter'] > 0, res.text);
      }
      assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 2, 'no backend call for refused requests');
    });

    it('unlimited fields of the same client keep answering', async () => {
      const res = await stack.gql(client, '{ products(ids: ["p1"]) { id } product(id: "p1") { id } }');
      assert.deepEqual(res.body.data, { products: [{ id: 'p1' }], product: null }, res.text);
    });

    if (store === 'redis') {
      it("the counts live in Redis under the client's key", async () => {
        const keys = await rateLimitKeysWith(client);
        assert.ok(
          keys.some((k) => k.startsWith(`facet:rl:field:${client}:Query.product:`)),
          JSON.stringify(keys),
        );
      });
    }
  });
}

describe('@rateLimit(by: USER) behind @requiresScopes: authorization decides first', () => {
  let fixture: FixtureConfig;
  let stack: Stack;

  before(async () => {
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        shop: {
          yaml: demoJwtClientYaml(),
          schema: [
            'type Query {',
            '  product(id: ID!): Product @requiresScopes(scopes: [["catalog:read"]]) @rateLimit(max: 2, window: "1m", by: USER)',
            '}',
            'type Product { id: ID! }',
          ].join('\n'),
        },
      },
    });
    stack = await startStack({ dir: fixture.dir });
  });
  after(async () => {
    await stack?.close();
    fixture?.cleanup();
  });

  async function ask(sub: string, scope?: string): Promise<string | undefined> {
    const token = await validToken(scope === undefined ? { sub } : { sub, scope });
    const { body } = await stack.gql('shop', '{ product(id: "p1") { id } }', {
      headers: { authorization: `Bearer ${token}` },
    });
    if (body.data?.['product']) return 'ok';
    return body.errors?.[0]?.extensions?.code;
  }

  it('refused (FORBIDDEN) occurrences spend no rate-limit budget; each user has their own budget', async () => {
    await awayFromWindowEdge(MINUTE);
    const forbidden = [];
    for (let i = 0; i < 4; i++) forbidden.push(await ask('u1'));
    assert.deepEqual(forbidden, ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    const u1 = [];
    for (let i = 0; i < 3; i++) u1.push(await ask('u1', 'catalog:read'));
    assert.deepEqual(u1, ['ok', 'ok', 'RATE_LIMITED'], 'u1 still had its whole budget of 2');
    assert.equal(await ask('u2', 'catalog:read'), 'ok', 'u2 counts separately');
    assert.equal(await ask('u1'), 'FORBIDDEN', 'without the scope it stays FORBIDDEN, not RATE_LIMITED');
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 3);
  });
});
