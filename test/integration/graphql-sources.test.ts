// GraphQL sources (an Apollo Federation v2 subgraph, the demo's ratings) merged with the REST users
// and catalog entities: the planner pushes the client's selection down, fetches each entity type's
// copies in one `_entities` request per depth, and answers exactly what delegation answers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { federatedReviewsOfUser } from '../../demo/federation/ratings.js';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../../demo/index.js';
import { loadConfigFolder, ProblemList } from '../../src/config/index.js';
import { asUser, metricSum, repoRoot, startStack, type GqlResponse, type Stack } from '../helpers/gateway.js';

let demo: Demo;
let planner: Stack;
let delegation: Stack;
let U1: Record<string, string>;

before(async () => {
  demo = await startDemo({ ports: EPHEMERAL_PORTS });
  planner = await startStack({ demo, env: { FACET_EXECUTOR: 'planner', REDIS_URL: '' } });
  delegation = await startStack({ demo, env: { FACET_EXECUTOR: 'delegation', REDIS_URL: '' } });
  U1 = await asUser('u1');
});
after(async () => {
  await planner?.close();
  await delegation?.close();
  await demo?.close();
});
beforeEach(() => {
  for (const backend of ['users', 'catalog', 'ratings'] as const) demo[backend].setFault(null);
});

const fallbacks = () => metricSum(planner.url, 'facet_planner_fallback_total');

/** The planner's answer (asserted planned, not left to delegation) and the upstream calls it made, by backend and operation. */
async function planned(query: string, variables?: Record<string, unknown>) {
  const before = await fallbacks();
  demo.resetCounters();
  const res = await planner.gql('web', query, { headers: U1, variables });
  const calls = {
    users: demo.users.calls.byOperation(),
    catalog: demo.catalog.calls.byOperation(),
    ratings: demo.ratings.calls.byOperation(),
  };
  assert.equal(await fallbacks(), before, `left to delegation: ${query}`);
  return { res, calls };
}

async function sameAsDelegation(res: GqlResponse, query: string, variables?: Record<string, unknown>) {
  const reference = await delegation.gql('web', query, { headers: U1, variables });
  assert.equal(res.text, reference.text, 'planner and delegation answer the same bytes');
}

describe('web queries across REST and GraphQL sources', () => {
  it('ratings → their REST author and product, and the product’s own ratings: one request per source per depth', async () => {
    const query = `{ latestRatings(first: 4) { id score comment author { id name tier } product { id name priceCents averageRating } } }`;
    const { res, calls } = await planned(query);
    assert.equal(res.status, 200, res.text);
    type Named = { name: unknown };
    const ratings = (res.body.data as { latestRatings: Array<{ author: Named; product: Named }> }).latestRatings;
    assert.equal(ratings.length, 4);
    assert.ok(ratings.every((r) => typeof r.author.name === 'string' && typeof r.product.name === 'string'));
    // a rated product's averageRating is the subgraph's own field: asked in the same request
    assert.deepEqual(calls.ratings, { latestRatings: 1 });
    assert.deepEqual(calls.users, { 'GET /users': 1 });
    assert.deepEqual(calls.catalog, { 'GET /products': 1 });
    await sameAsDelegation(res, query);
  });

  it('a REST user gains ratings from the subgraph, whose products come back from the REST catalog', async () => {
    const query = `{ me { name ratings { id score product { name ratings { score author { name } } } } } }`;
    const { res, calls } = await planned(query);
    assert.equal(res.status, 200, res.text);
    const me = (res.body.data as { me: { ratings: Array<{ id: string }> } }).me;
    assert.deepEqual(
      me.ratings.map((r) => r.id),
      federatedReviewsOfUser('u1').map((r) => r.id),
    );
    // the user's ratings in one _entities request, their products' ratings pushed down in it;
    // the products' names from the catalog in one batch
    assert.deepEqual(calls.ratings, { '_entities:User': 1 });
    assert.equal(calls.catalog['GET /products'], 1);
    await sameAsDelegation(res, query);
  });

  it('one request over all three protocols: REST user, gRPC orders, catalog products and their subgraph ratings', async () => {
    const query = `{ me { name orders(last: 3) { id items { quantity product { id name averageRating } } } ratings { score } } }`;
    const { res, calls } = await planned(query);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    const me = (res.body.data as { me: { orders: Array<{ items: Array<{ product: Record<string, unknown> }> }> } }).me;
    assert.ok(me.orders.length > 0 && me.orders.every((o) => o.items.every((i) => 'averageRating' in i.product)));
    assert.equal(demo.orders.calls.total(), 1);
    assert.deepEqual(calls.users, { 'GET /users/{id}': 1 });
    assert.deepEqual(calls.catalog, { 'GET /products': 1 });
    // the user's copy and all the ordered products' copies: one _entities request per entity type
    assert.deepEqual(calls.ratings, { '_entities:User': 1, '_entities:Product': 1 });
    await sameAsDelegation(res, query);
  });

  it('aliases, arguments and __typename are pushed down and answered by response key', async () => {
    const query = `{ top: latestRatings(first: 2) { __typename key: id stars: score product { pid: id avg: averageRating } } one: latestRatings(first: 1) { id } }`;
    const { res } = await planned(query);
    assert.equal(res.status, 200, res.text);
    const data = res.body.data as { top: Array<Record<string, unknown>>; one: Array<{ id: string }> };
    assert.equal(data.top[0]!['__typename'], 'Rating');
    assert.ok('stars' in data.top[0]! && 'key' in data.top[0]!);
    assert.equal(data.one[0]!.id, data.top[0]!['key']);
    await sameAsDelegation(res, query);
  });

  it('a variable on the root field is sent as a variable of the pushed-down operation', async () => {
    const query = `query ($n: Int) { latestRatings(first: $n) { id } }`;
    const { res } = await planned(query, { n: 3 });
    assert.equal((res.body.data as { latestRatings: unknown[] }).latestRatings.length, 3);
    await sameAsDelegation(res, query, { n: 3 });
  });
});

describe('the SDL asked from the running service (sdl: "service")', () => {
  // the subgraphs run in a process of their own: the SDL is asked while the configuration loads,
  // synchronously, so a service in the gateway's own process could not answer
  let subgraphs: ChildProcess | undefined;
  after(() => {
    subgraphs?.kill();
  });

  it('loads the subgraph the service describes, and serves it', async () => {
    subgraphs = spawn(process.execPath, ['--import', 'tsx', 'bench/federation-subgraphs-process.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      subgraphs!.stdout!.on('data', (chunk: Buffer) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
      subgraphs!.once('exit', () => reject(new Error('the subgraphs exited before listening')));
    });
    const { env } = JSON.parse(line) as { env: Record<string, string> };
    const dir = mkdtempSync(join(tmpdir(), 'facet-service-sdl-'));
    try {
      mkdirSync(join(dir, 'schema'));
      mkdirSync(join(dir, 'clients', 'app'), { recursive: true });
      writeFileSync(
        join(dir, 'schema', 'products.graphql'),
        'extend schema @source(name: "products", protocol: GRAPHQL, url: "${PRODUCTS_URL}", sdl: "service")\n',
      );
      writeFileSync(
        join(dir, 'clients', 'app', 'schema.graphql'),
        'type Query {\n  topProducts(first: Int = 5): [Product]\n}\n\ntype Product {\n  upc: String!\n  name: String\n}\n',
      );
      const problems = new ProblemList();
      const config = loadConfigFolder(dir, { PRODUCTS_URL: env['PRODUCTS_URL'] }, problems);
      assert.deepEqual(problems.items, []);
      const products = config.sources.find((s) => s.name === 'products')!;
      assert.deepEqual(
        products.federation?.keys.get('Product')?.[0]?.fields,
        ['upc'],
        'the key comes from _service { sdl }',
      );
      const stack = await startStack({ demo, dir, env: { REDIS_URL: '', PRODUCTS_URL: env['PRODUCTS_URL']! } });
      try {
        const res = await stack.gql('app', '{ topProducts(first: 2) { upc name } }');
        assert.equal((res.body.data as { topProducts: unknown[] }).topProducts.length, 2, res.text);
      } finally {
        await stack.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a failing subgraph', () => {
  it('another source failing to give its copy fails the fields read from it (even one called `name`)', async () => {
    demo.users.setFault('malformed');
    const query = `{ latestRatings(first: 2) { id author { id name } } }`;
    const { res } = await planned(query);
    assert.doesNotMatch(res.text, /GraphQLError/);
    const data = res.body.data as { latestRatings: unknown } | null;
    // name is non-null, and so are author and the list's items: the error takes the list with it
    assert.equal(data, null);
    assert.deepEqual(
      [...new Set(res.body.errors?.map((e) => `${e.extensions?.code}/${e.extensions?.source}`))],
      ['UPSTREAM_BAD_RESPONSE/users'],
    );
    await sameAsDelegation(res, query);
  });

  it("slow: UPSTREAM_TIMEOUT after the source's timeoutMs, the rest served", async () => {
    demo.ratings.setFault('hang');
    const started = performance.now();
    const { res } = await planned(`{ product(id: "p1") { name averageRating } }`);
    const elapsed = performance.now() - started;
    assert.equal((res.body.data as { product: { name: string } }).product.name.length > 0, true);
    assert.deepEqual(
      res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.path?.join('.')]),
      [['UPSTREAM_TIMEOUT', 'ratings', 'product.averageRating']],
    );
    // schema/ratings.graphql: timeoutMs 2000, and a timeout is not retried
    assert.ok(elapsed >= 1_900 && elapsed < 5_000, `answered after ${Math.round(elapsed)} ms`);
  });

  it('down: partial data, its fields coded UPSTREAM_UNAVAILABLE naming the source, the rest served', async () => {
    demo.ratings.setFault('unavailable');
    const { res } = await planned(`{ me { name ratings { id } } }`);
    assert.equal(res.status, 200);
    const data = res.body.data as { me: { name: string; ratings: unknown } | null };
    // ratings is non-null in the client schema: the error takes `me` with it
    assert.equal(data.me, null);
    assert.deepEqual(
      res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.path?.join('.')]),
      [['UPSTREAM_UNAVAILABLE', 'ratings', 'me.ratings']],
    );
    assert.doesNotMatch(res.text, /127\.0\.0\.1|stack|ECONN/);
  });

  it('garbage: UPSTREAM_BAD_RESPONSE; the gateway keeps serving', async () => {
    demo.ratings.setFault('malformed');
    const { res } = await planned(`{ product(id: "p1") { name averageRating } }`);
    assert.equal((res.body.data as { product: { name: string } }).product.name.length > 0, true);
    assert.deepEqual(
      res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.path?.join('.')]),
      [['UPSTREAM_BAD_RESPONSE', 'ratings', 'product.averageRating']],
    );
  });
});
