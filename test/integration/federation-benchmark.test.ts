// The federation benchmark's shape (accounts, inventory, products and reviews subgraphs, the heavy
// nested query with @requires and @provides) on a configuration folder made only of their SDLs and
// a client schema: Facet answers exactly what a plain GraphQL server over the same data answers,
// with the subgraph requests of the hand-written floor (the fewest).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startFloor } from '../../demo/federation/bench/floor.js';
import { BENCH_SUBGRAPHS, startBenchSubgraphs, type BenchSubgraphs } from '../../demo/federation/bench/index.js';
import { startMonolith } from '../../demo/federation/bench/monolith.js';
import { BENCH_QUERY } from '../../demo/federation/bench/query.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { createLogger } from '../../src/observability/index.js';
import { metricSum } from '../helpers/gateway.js';

const configDir = fileURLToPath(new URL('../../demo/federation/bench/config/', import.meta.url));

let subgraphs: BenchSubgraphs;
let monolith: { url: string; close(): Promise<void> };
let floor: { url: string; close(): Promise<void> };
const gateways: Record<string, RunningGateway> = {};

before(async () => {
  subgraphs = await startBenchSubgraphs();
  monolith = await startMonolith();
  floor = await startFloor(subgraphs.env);
  for (const executor of ['planner', 'delegation'])
    gateways[executor] = await startGateway({
      dir: configDir,
      port: 0,
      host: '127.0.0.1',
      env: { ...process.env, REDIS_URL: undefined, ...subgraphs.env, FACET_EXECUTOR: executor },
      log: createLogger({ level: 'silent' }),
      watch: false,
      shutdownTimeoutMs: 1_000,
    });
});
after(async () => {
  for (const gateway of Object.values(gateways)) await gateway.close();
  await floor?.close();
  await monolith?.close();
  await subgraphs?.close();
});

async function post(url: string, query: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  assert.equal(res.status, 200);
  return res.text();
}

const fallbacks = () => metricSum(gateways['planner']!.url, 'facet_planner_fallback_total');

/** Requests per subgraph while `run` runs, read on the subgraphs' own counters. */
async function requestsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  subgraphs.resetCounters();
  await run();
  return Object.fromEntries(BENCH_SUBGRAPHS.map((name) => [name, subgraphs[name].calls.total()]));
}

describe('the federation benchmark query', () => {
  it('answers exactly the JSON a plain GraphQL server over the same data returns (planner and delegation)', async () => {
    const expected = await post(`${monolith.url}`, BENCH_QUERY);
    assert.ok(expected.length > 10_000, 'the reference answer is the heavy one');
    const fallbacksBefore = await fallbacks();
    assert.equal(await post(`${gateways['planner']!.url}/bench/graphql`, BENCH_QUERY), expected);
    assert.equal(await fallbacks(), fallbacksBefore, 'the planner ran it, not delegation');
    assert.equal(await post(`${gateways['delegation']!.url}/bench/graphql`, BENCH_QUERY), expected);
  });

  it('makes the subgraph requests of the hand-written floor, one _entities request per type and depth', async () => {
    const floorRequests = await requestsDuring(() => post(floor.url, BENCH_QUERY));
    const facetRequests = await requestsDuring(() => post(`${gateways['planner']!.url}/bench/graphql`, BENCH_QUERY));
    console.log(
      `# subgraph requests per query: Facet ${JSON.stringify(facetRequests)}, floor ${JSON.stringify(floorRequests)}`,
    );
    assert.deepEqual(facetRequests, floorRequests, 'the same subgraph requests as the floor');
    // never one request per object: each _entities request carries every representation of its depth
    subgraphs.resetCounters();
    await post(`${gateways['planner']!.url}/bench/graphql`, BENCH_QUERY);
    const batches = subgraphs.reviews.calls.batches('_entities:User');
    assert.ok(batches.length === 1 && batches[0]!.length > 1, JSON.stringify(batches));
  });
});
