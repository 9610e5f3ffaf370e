// `facet start --workers N`: worker processes behind one port. Real processes (the primary and its
// workers in one process group), real Redis for the shared quota.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemo, EPHEMERAL_PORTS } from '../../demo/index.js';
import { awayFromWindowEdge, createFixtureConfig, uniqueClientName } from '../helpers/fixture-config.js';
import { deleteRateLimitKeys, REDIS_URL, skipUnlessRedis } from '../helpers/redis.js';
import { facetBin, runCli } from '../helpers/run-cli.js';
import { groupGone, spawnServer, type ServerProcess } from '../helpers/server-process.js';

const shopSchema = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n';
const quotaOf50 = 'quotas: { total: [{ max: 50, window: 1m }] }\n';

/** The JSON log lines (pino) among a process group's output. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const listeningWorkers = (output: string) =>
  logLines(output)
    .filter((l) => l['msg'] === 'worker listening')
    .map((l) => ({ pid: l['worker'] as number, port: l['port'] as number }));

/** POSTs a query and returns the status once the body is read. */
async function postQuery(url: string, query: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function until(condition: () => boolean, timeoutMs: number, what: string, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs} ms:\n${output()}`);
    await sleep(50);
  }
}

function startWorkers(dir: string, env: Record<string, string | undefined>, workers = '2'): ServerProcess {
  return spawnServer(process.execPath, [facetBin, 'start', '--dir', dir, '--port', '0', '--workers', workers], {
    LOG_LEVEL: 'info',
    ...env,
  });
}

describe('several worker processes behind one port (--workers)', { timeout: 60_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('two workers share one exact quota through Redis: of 200 concurrent requests 50 pass and 150 get 429, served by both workers', async (t) => {
    const skip = await skipUnlessRedis();
    if (skip) return t.skip(skip);
    const client = uniqueClientName('workers');
    const config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: { [client]: { schema: shopSchema, yaml: quotaOf50 } },
    });
    const server = startWorkers(config.dir, { REDIS_URL });
    cleanups.push(config.cleanup, server.kill, () => deleteRateLimitKeys(client));
    const url = await server.url;
    await awayFromWindowEdge(60_000);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () => postQuery(`${url}/${client}/graphql`, '{ __typename }')),
    );
    assert.deepEqual(
      { ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length },
      { ok: 50, limited: 150 },
      `exact only while every worker reaches the store; its log lines:\n${logLines(server.output())
        .filter((l) => String(l['msg']).startsWith('rate-limit store'))
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    );
    await sleep(200); // the last request lines reach the pipe
    const servedBy = new Set(
      logLines(server.output())
        .filter((l) => l['msg'] === 'request' && l['path'] === `/${client}/graphql`)
        .map((l) => l['worker']),
    );
    assert.deepEqual(
      [...servedBy].sort(),
      listeningWorkers(server.output())
        .map((w) => w.pid)
        .sort(),
      'every request line names its worker, and both workers answered',
    );
  });

  it('two workers without REDIS_URL refuse to start when the configuration declares limits, naming them and the fix (exit 1)', async () => {
    const config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: { shop: { schema: shopSchema, yaml: quotaOf50 } },
    });
    cleanups.push(config.cleanup);
    const result = await runCli(['start', '--dir', config.dir, '--port', '0', '--workers', '2'], {
      env: { REDIS_URL: undefined },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /2 workers need REDIS_URL/);
    assert.match(result.stderr, /clients\/shop\/client\.yaml \(quotas\)/);
    assert.match(result.stderr, /Fix: set REDIS_URL/);
    assert.doesNotMatch(result.stdout, /listening on/);
  });

  it('workers that cannot listen (the port is taken) stop the start: the error is printed and the primary exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const config = createFixtureConfig({ sources: ['catalog.graphql'], clients: { shop: { schema: shopSchema } } });
    cleanups.push(config.cleanup, () => new Promise((resolve) => taken.close(resolve)));
    const port = String((taken.address() as AddressInfo).port);
    const result = await runCli(['start', '--dir', config.dir, '--port', port, '--workers', '2'], {
      env: { REDIS_URL: undefined },
    });
    assert.equal(result.code, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /EADDRINUSE/);
    assert.match(result.stderr, /a worker exited \(code 1\) before listening/);
  });

  it('SIGTERM to the primary drains every worker (an in-flight request is answered), each exits 0, then the primary exits 0 and the port closes', async () => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 1000 });
    const config = createFixtureConfig({ sources: ['catalog.graphql'], clients: { shop: { schema: shopSchema } } });
    const server = startWorkers(config.dir, { ...demo.env, REDIS_URL: undefined });
    cleanups.push(() => demo.close(), config.cleanup, server.kill);
    const url = await server.url;
    const inFlight = fetch(`${url}/shop/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "p1") { name } }' }),
    });
    await sleep(300); // the request waits on the slow backend
    process.kill(server.child.pid!, 'SIGTERM');
    const answer = await inFlight;
    assert.equal(answer.status, 200, await answer.text());
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output());
    const stopped = logLines(server.output()).filter((l) => l['msg'] === 'worker stopped');
    assert.deepEqual(
      stopped
        .map((l) => ({ worker: l['worker'], code: l['code'] }))
        .sort((a, b) => Number(a.worker) - Number(b.worker)),
      listeningWorkers(server.output())
        .map((w) => ({ worker: w.pid, code: 0 }))
        .sort((a, b) => a.worker - b.worker),
    );
    assert.deepEqual(await groupGone(server.child.pid!, 5_000), [], 'processes of the group left alive');
    await assert.rejects(fetch(`${url}/healthz`), 'the port still answers');
  });

  it('a worker that dies is restarted on the same port and the gateway keeps answering', async () => {
    const config = createFixtureConfig({ sources: ['catalog.graphql'], clients: { shop: { schema: shopSchema } } });
    const server = startWorkers(config.dir, { REDIS_URL: undefined });
    cleanups.push(config.cleanup, server.kill);
    const url = await server.url;
    // the primary's log lines and its "listening on" line reach the pipe in either order
    await until(() => listeningWorkers(server.output()).length === 2, 5_000, 'both workers not listed', server.output);
    const [first] = listeningWorkers(server.output());
    process.kill(first!.pid, 'SIGKILL');
    await until(() => listeningWorkers(server.output()).length === 3, 15_000, 'no worker restarted', server.output);
    const restarted = listeningWorkers(server.output())[2]!;
    assert.equal(restarted.port, first!.port);
    assert.match(server.output(), /worker exited unexpectedly; restarting it/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    process.kill(server.child.pid!, 'SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output());
  });

  it('with --watch, a configuration change reaches every worker: each reloads, and no worker answers from the old schema', async () => {
    const config = createFixtureConfig({ sources: ['catalog.graphql'], clients: { shop: { schema: shopSchema } } });
    // nothing listens there: a field that passes validation answers 200 with an upstream error
    const server = spawnServer(
      process.execPath,
      [facetBin, 'start', '--dir', config.dir, '--port', '0', '--workers', '2', '--watch'],
      { LOG_LEVEL: 'info', REDIS_URL: undefined, CATALOG_URL: 'http://127.0.0.1:9' },
    );
    cleanups.push(config.cleanup, server.kill);
    const url = await server.url;
    const askPrice = () => postQuery(`${url}/shop/graphql`, '{ product(id: "p1") { priceCents } }');
    assert.equal(await askPrice(), 400, 'priceCents is not in the client schema yet');
    writeFileSync(
      join(config.dir, 'clients', 'shop', 'schema.graphql'),
      shopSchema.replace('name: String!', 'name: String! priceCents: Int!'),
    );
    const reloadedBy = () =>
      new Set(
        logLines(server.output())
          .filter((l) => l['msg'] === 'configuration reloaded')
          .map((l) => l['worker']),
      );
    await until(() => reloadedBy().size === 2, 15_000, 'both workers did not reload', server.output);
    const statuses = await Promise.all(Array.from({ length: 20 }, askPrice));
    assert.deepEqual(new Set(statuses), new Set([200]));
    process.kill(server.child.pid!, 'SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output());
  });
});
