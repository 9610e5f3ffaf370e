// Fan-out bounds: one request must not turn into a flood of backend calls. List arguments are
// capped (limits.maxListArgument, default 100) before execution, and the upstream calls a request
// starts are capped (limits.maxUpstreamCalls, default 50): calls past the cap fail with
// QUERY_TOO_COMPLEX and are never made.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { suiteStack, errorsWithCode, startStack, type Stack } from '../helpers/gateway.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';

const productsQuery = 'query Many($ids: [ID!]!) { products(ids: $ids) { id } }';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${(i % 40) + 1}x${i}`);

describe('list arguments (web, default maxListArgument 100)', () => {
  const suite = suiteStack();
  beforeEach(() => suite.stack.demo.resetCounters());

  it('a list variable of 9,000 ids is 400 QUERY_TOO_COMPLEX with no catalog call', async () => {
    const res = await suite.stack.gql('web', productsQuery, { headers: suite.user, variables: { ids: ids(9000) } });
    assert.equal(res.status, 400, res.text.slice(0, 300));
    assert.deepEqual(
      res.body.errors?.map((e) => e.extensions?.code),
      ['QUERY_TOO_COMPLEX'],
    );
    assert.match(res.body.errors?.[0]?.message ?? '', /"\$ids" has 9000 items; at most 100/);
    assert.equal(suite.stack.demo.catalog.calls.total(), 0);
  });

  it('a list literal of 101 ids is 400 QUERY_TOO_COMPLEX with no catalog call', async () => {
    const literal = JSON.stringify(ids(101));
    const res = await suite.stack.gql('web', `{ products(ids: ${literal}) { id } }`, { headers: suite.user });
    assert.equal(res.status, 400, res.text.slice(0, 300));
    assert.deepEqual(
      res.body.errors?.map((e) => e.extensions?.code),
      ['QUERY_TOO_COMPLEX'],
    );
    assert.equal(suite.stack.demo.catalog.calls.total(), 0);
  });

  it('100 ids (the limit) run as one catalog call', async () => {
    const res = await suite.stack.gql('web', productsQuery, { headers: suite.user, variables: { ids: ids(100) } });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal((res.body.data!['products'] as unknown[]).length, 100);
    assert.equal(suite.stack.demo.catalog.calls.total(), 1);
  });

  it('each demo suite.user has a per-caller request quota of 600 a minute on web and mobile', async () => {
    for (const client of ['web', 'mobile']) {
      const res = await suite.stack.gql(client, '{ __typename }', { headers: suite.user });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('ratelimit-limit'), '600', client);
    }
  });
});

describe('upstream calls per request (limits.maxUpstreamCalls)', () => {
  let fixture: FixtureConfig;
  let stack: Stack;
  before(async () => {
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        shop: {
          schema: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n',
          yaml: 'limits: { maxUpstreamCalls: 3 }\n',
        },
      },
    });
    stack = await startStack({ dir: fixture.dir });
  });
  after(async () => {
    await stack.close();
    fixture.cleanup();
  });
  beforeEach(() => stack.demo.resetCounters());

  it('calls past the cap fail with QUERY_TOO_COMPLEX and are not made; the first ones answer', async () => {
    const aliases = Array.from({ length: 5 }, (_, i) => `a${i}: product(id: "p${i + 1}") { id }`).join(' ');
    const res = await stack.gql('shop', `{ ${aliases} }`);
    assert.equal(res.status, 200, res.text);
    assert.equal(stack.demo.catalog.calls.total(), 3);
    const data = res.body.data as Record<string, { id: string } | null>;
    assert.equal(Object.values(data).filter((v) => v !== null).length, 3);
    const refused = errorsWithCode(res.body, 'QUERY_TOO_COMPLEX');
    assert.equal(refused.length, 2, res.text);
    assert.match(refused[0]!.message, /more than 3 upstream calls/);
  });

  it('the count is per request: the next request gets its own budget', async () => {
    const res = await stack.gql('shop', '{ a: product(id: "p1") { id } b: product(id: "p2") { id } }');
    assert.deepEqual(res.body, { data: { a: { id: 'p1' }, b: { id: 'p2' } } });
  });
});
