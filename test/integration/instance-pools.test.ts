// Several instances of a backend: two catalog instances behind one `@source(url: "${CATALOG_URLS}")`.
// Under load, one instance is killed: it is ejected, its traffic moves to the survivor with no
// client-visible error after the ejection, and it gets traffic back once restarted. The runtime's
// instances() tells the operator each one's state; the source fails fast only when none is healthy.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter } from '../../demo/counter.js';
import { startOrders } from '../../demo/grpc/orders.js';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../../demo/index.js';
import { startRestartable } from '../../demo/instances.js';
import { loadConfigFolder, ProblemList } from '../../src/config/index.js';
import { buildSource, EntityLookups, type SourceCallContext } from '../../src/sources/index.js';
import { copyConfig, type ConfigEdit } from '../helpers/config-copy.js';
import { asUser, startStack, type Stack } from '../helpers/gateway.js';

const bothCatalogs: ConfigEdit[] = [
  ['schema/catalog.graphql', 'url: "${CATALOG_URL:-http://127.0.0.1:4102}"', 'url: "${CATALOG_URLS}"'],
];
/** The load test drives one user far above the web client's per-caller quota. */
const noQuota: ConfigEdit = ['clients/web/client.yaml', '{ max: 600, window: 1m }', '{ max: 10000000, window: 1m }'];
/** Two catalog calls a request (the product, its reviews), over five products. */
const PRODUCT_QUERY = `query ($id: ID!) { product(id: $id) { name reviews { rating } } }`;
const LOOPS = 16;
const REQUEST_TIMEOUT_MS = 3_000;

interface Outcome {
  at: number;
  /** 'ok', the GraphQL error codes joined, or 'timeout' / 'http <status>' */
  result: string;
}

describe('several instances of the catalog', () => {
  let demo: Demo;
  let stack: Stack;
  let config: { dir: string; remove(): void };
  before(async () => {
    demo = await startDemo({ ports: EPHEMERAL_PORTS, catalogInstances: 2, latencyMs: 0 });
    config = copyConfig([...bothCatalogs, noQuota]);
    stack = await startStack({ demo, dir: config.dir });
  });
  after(async () => {
    await stack?.close();
    await demo?.close();
    config?.remove();
  });

  it('16 client loops for 20 s; one instance killed, then restarted: ejected, no errors after the ejection, traffic back on restart', async () => {
    const headers = { 'content-type': 'application/json', ...(await asUser('u1')) };
    const [first, second] = demo.catalogInstances as [Demo['catalogInstances'][0], Demo['catalogInstances'][0]];
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const outcomes: Outcome[] = [];
    let stop = false;

    async function request(n: number): Promise<string> {
      try {
        const res = await fetch(`${stack.url}/web/graphql`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: PRODUCT_QUERY, variables: { id: `p${(n % 5) + 1}` } }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (res.status !== 200) return `http ${res.status}`;
        const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        if (!body.errors) return 'ok';
        return body.errors.map((e) => e.extensions?.code ?? 'UNCODED').join(',');
      } catch (error) {
        return (error as Error).name === 'TimeoutError' ? 'timeout' : `failed ${(error as Error).message}`;
      }
    }
    const loops = Array.from({ length: LOOPS }, async (_, loop) => {
      for (let n = loop; !stop; n += LOOPS) outcomes.push({ at: elapsed(), result: await request(n) });
    });

    const counts = () => [first.calls.total(), second.calls.total()];
    await sleep(4_000);
    const beforeKill = counts();
    const killedAt = elapsed();
    await second.close();
    await sleep(1_000);
    const ejected = counts();
    await sleep(5_000);
    const whileDead = counts();
    const restartedAt = elapsed();
    await second.restart();
    // the ejection back-off has grown while the instance was down (1 s, 2 s, 4 s): it is back within it
    await sleep(5_000);
    const afterRestart = counts();
    await sleep(5_000);
    const atEnd = counts();
    stop = true;
    await Promise.all(loops);

    const failed = outcomes.filter((o) => o.result !== 'ok');
    const report = {
      requests: outcomes.length,
      failed: failed.slice(0, 20).map((o) => `${Math.round(o.at)} ms: ${o.result}`),
      failedCount: failed.length,
      killedAt: Math.round(killedAt),
      restartedAt: Math.round(restartedAt),
      counters: { beforeKill, ejected, whileDead, afterRestart, atEnd },
    };
    console.log(JSON.stringify(report));

    assert.ok(outcomes.length > 1_000, `load: ${outcomes.length} requests`);
    assert.ok(beforeKill[0]! > 100 && beforeKill[1]! > 100, 'both instances served before the kill');
    for (const o of failed) {
      assert.match(o.result, /^[A-Z_]+(,[A-Z_]+)*$/, `every failure is a coded GraphQL error (${o.result})`);
      assert.ok(o.at >= killedAt && o.at < killedAt + 1_000, `a failure only at the moment of death (${o.at})`);
    }
    assert.ok(failed.length <= 5, `at most a few failures: ${failed.length}`);
    assert.ok(whileDead[0]! - ejected[0]! > 100, 'the survivor took the traffic');
    assert.equal(whileDead[1], ejected[1], 'the dead instance got nothing');
    assert.ok(atEnd[0]! - afterRestart[0]! > 100, 'the first instance still serves after the restart');
    assert.ok(atEnd[1]! - afterRestart[1]! > 100, 'the restarted instance serves again');
  });
});

const context = (): SourceCallContext => ({ requestId: 'r1', identity: null, upstreamHeaders: {} });

/** The runtime of source `name` built from a config copy, closed after the test. */
function runtimeOf(t: TestContext, dir: string, env: Record<string, string>, name: string) {
  const problems = new ProblemList();
  const def = loadConfigFolder(dir, { ...process.env, ...env }, problems).sources.find((s) => s.name === name)!;
  const built = buildSource(def, problems, new EntityLookups())!;
  assert.deepEqual(problems.items, []);
  t.after(() => built.close());
  return built.runtime;
}

/** Waits until `ok()` holds, checking every 50 ms, for at most `ms`. */
async function eventually(ok: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < until, `not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

describe('SourceRuntime.instances()', () => {
  it('reports each instance; the source fails fast (CIRCUIT_OPEN) only once none is healthy', async (t) => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS, catalogInstances: 2 });
    const config = copyConfig(bothCatalogs);
    t.after(async () => {
      await demo.close();
      config.remove();
    });
    const runtime = runtimeOf(t, config.dir, demo.env, 'catalog');
    const [first, second] = demo.catalogInstances as [Demo['catalogInstances'][0], Demo['catalogInstances'][0]];
    const product = runtime.callOf('Query.product')!;
    const call = () => product({ root: undefined, args: { id: 'p1' }, identity: null }, context());
    assert.deepEqual(
      runtime.instances().map((i) => [i.url, i.healthy, i.breaker, i.consecutiveFailures]),
      [
        [first.address, true, 'closed', 0],
        [second.address, true, 'closed', 0],
      ],
    );

    await second.close();
    for (let i = 0; i < 6; i++) await call();
    const [, dead] = runtime.instances();
    assert.equal(dead?.healthy, false);
    assert.equal(dead?.breaker, 'open');
    assert.equal(dead?.consecutiveFailures, 3);
    assert.ok(dead?.ejectedUntil && dead.ejectedUntil > Date.now());
    assert.equal(runtime.breaker.state, 'closed', 'the source is fine: one instance is');

    await first.close();
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++) await call().catch((error) => errors.push(error));
    assert.ok(runtime.instances().every((i) => !i.healthy));
    assert.equal((errors.at(-1) as { extensions: { code: string } }).extensions.code, 'CIRCUIT_OPEN');
  });
});

describe('active health checks', () => {
  it('REST: GET /healthz ejects a failing instance without any call, and re-admits it once it answers again', async (t) => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS, catalogInstances: 2 });
    const config = copyConfig([
      [
        bothCatalogs[0]![0],
        bothCatalogs[0]![1],
        `${bothCatalogs[0]![2]}, healthCheck: { path: "/healthz", intervalMs: 100 }`,
      ],
    ]);
    t.after(async () => {
      await demo.close();
      config.remove();
    });
    const runtime = runtimeOf(t, config.dir, demo.env, 'catalog');
    const healthy = () => runtime.instances().map((i) => i.healthy);
    demo.catalogInstances[1]!.setFault('unavailable');
    await eventually(() => healthy()[1] === false, 2_000, 'the failing instance ejected');
    assert.equal(healthy()[0], true);
    assert.equal(demo.catalogInstances[1]!.calls.total(), 0, 'health checks are not calls');
    demo.catalogInstances[1]!.setFault(null);
    await eventually(() => healthy()[1] === true, 3_000, 'the instance back after its probe');
  });

  it('gRPC: two orders instances; one killed is ejected and calls go on; the health service re-admits it after a restart', async (t) => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS });
    const start = (port: number, counter: Counter) => startOrders({ host: '127.0.0.1', port, counter });
    const instances = [await startRestartable(start, 0), await startRestartable(start, 0)];
    const config = copyConfig([
      [
        'schema/orders.graphql',
        'url: "${ORDERS_ADDR:-127.0.0.1:4201}"',
        'url: ["${ORDERS_A}", "${ORDERS_B}"], healthCheck: { intervalMs: 100 }',
      ],
    ]);
    t.after(async () => {
      await Promise.all([demo.close(), ...instances.map((i) => i.close())]);
      config.remove();
    });
    const env = { ...demo.env, ORDERS_A: instances[0]!.address, ORDERS_B: instances[1]!.address };
    const runtime = runtimeOf(t, config.dir, env, 'orders');
    const order = runtime.callOf('Query.order')!;
    const call = () => order({ root: undefined, args: { id: 'o1' }, identity: null }, context());
    for (let i = 0; i < 4; i++) assert.equal(((await call()) as { id: string }).id, 'o1');
    assert.ok(
      instances.every((i) => i.calls.total() === 2),
      'round-robin',
    );

    await instances[1]!.close();
    for (let i = 0; i < 8; i++) assert.equal(((await call()) as { id: string }).id, 'o1', 'retried on the survivor');
    await eventually(() => runtime.instances()[1]?.healthy === false, 2_000, 'the dead instance ejected');

    await instances[1]!.restart();
    await eventually(() => runtime.instances()[1]?.healthy === true, 3_000, 'back after a health check');
    const before = instances[1]!.calls.total();
    for (let i = 0; i < 4; i++) await call();
    assert.ok(instances[1]!.calls.total() > before, 'traffic again');
  });
});
