// The source runtime calls a source by field without GraphQL execution (what a query planner
// will use): the same compiled calls, loaders and breaker the subschema's resolvers run on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../../demo/index.js';
import { loadConfigFolder, ProblemList } from '../../src/config/index.js';
import { buildSource, EntityLookups, type BuiltSource, type SourceCallContext } from '../../src/sources/index.js';
import { repoRoot } from '../helpers/gateway.js';

const requestContext = (): SourceCallContext => ({ requestId: 'r1', identity: null, upstreamHeaders: {} });

describe('source runtime: calling sources by field, without stitching', () => {
  let demo: Demo;
  const sources = new Map<string, BuiltSource>();
  before(async () => {
    demo = await startDemo({ ports: EPHEMERAL_PORTS });
    const problems = new ProblemList();
    const config = loadConfigFolder(repoRoot, { ...process.env, ...demo.env }, problems);
    const lookups = new EntityLookups();
    for (const def of config.sources) {
      const built = buildSource(def, problems, lookups);
      if (built) sources.set(built.name, built);
    }
    assert.deepEqual(problems.items, []);
  });
  after(async () => {
    await Promise.all([...sources.values()].map((s) => s.close()));
    await demo.close();
  });
  const runtimeOf = (name: string) => sources.get(name)!.runtime;

  it('a REST field call returns its value, and identical calls of one request go upstream once', async () => {
    const product = runtimeOf('catalog').callOf('Query.product')!;
    const context = requestContext();
    const scope = { root: undefined, args: { id: 'p1' }, identity: null };
    const [first, second] = await Promise.all([product(scope, context), product(scope, context)]);
    assert.equal((first as { id: string }).id, 'p1');
    assert.deepEqual(second, first);
    assert.equal(demo.catalog.calls.count('GET /products/{id}'), 1, JSON.stringify(demo.catalog.calls.byOperation()));
  });

  it('a gRPC field call reads its parent from the scope and returns the response path', async () => {
    const orders = runtimeOf('orders').callOf('User.orders')!;
    const answer = await orders({ root: { id: 'u1' }, args: { last: 2 }, identity: null }, requestContext());
    assert.ok(Array.isArray(answer) && answer.length === 2, JSON.stringify(answer));
  });

  it('a batch call collects the keys of one request into one upstream call, matched back by key', async () => {
    demo.resetCounters();
    const products = runtimeOf('catalog').batchOf('Query.products')!;
    const context = requestContext();
    const found = await Promise.all(['p2', 'p1', 'p2', 'nope'].map((id) => products(context, {}).load(id)));
    assert.deepEqual(
      found.map((p) => (p as { id: string } | null)?.id ?? null),
      ['p2', 'p1', 'p2', null],
    );
    assert.deepEqual(demo.catalog.calls.batches('GET /products'), [['p2', 'p1', 'nope']]);
  });

  it('a failing backend gives the coded error naming the source, as through GraphQL', async () => {
    const product = runtimeOf('catalog').callOf('Query.product')!;
    demo.catalog.setFault('error');
    try {
      const error = await product({ root: undefined, args: { id: 'p1' }, identity: null }, requestContext()).catch(
        (e: unknown) => e,
      );
      assert.equal((error as { extensions?: { code?: string } }).extensions?.code, 'UPSTREAM_ERROR');
      assert.equal((error as { extensions?: { source?: string } }).extensions?.source, 'catalog');
    } finally {
      demo.catalog.setFault(null);
    }
  });
});
