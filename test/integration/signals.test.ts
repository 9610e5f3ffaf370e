// Stopping the real entry points as a container runtime does: SIGTERM to the process it started.
// The gateway drains (in-flight requests finish), exits 0 and leaves no process behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemo, EPHEMERAL_PORTS } from '../../demo/index.js';
import { createFixtureConfig } from '../helpers/fixture-config.js';
import { facetBin } from '../helpers/run-cli.js';
import { asPartner } from '../helpers/gateway.js';
import { groupGone, spawnServer, type ServerProcess } from '../helpers/server-process.js';

const shopSchema = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n';
/** Well inside the gateway's drain bound (shutdownTimeoutMs, 10 s). */
const exitBoundMs = 8_000;

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** SIGTERM while a request is in flight: the request is answered, the process exits, nothing stays. */
async function stopsOnSigterm(
  server: ServerProcess,
  inFlight: (url: string) => Promise<{ status: number; text: string }>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const url = await server.url;
  const answer = inFlight(url);
  await sleep(300); // the request has reached the slow backend
  process.kill(server.child.pid!, 'SIGTERM');
  const { status, text } = await answer;
  assert.equal(status, 200, text);
  const exit = await Promise.race([
    server.exited,
    sleep(exitBoundMs, undefined, { ref: false }).then(() =>
      assert.fail(`still running ${exitBoundMs} ms after SIGTERM:\n${server.output()}`),
    ),
  ]);
  assert.deepEqual(
    await groupGone(server.child.pid!, 5_000),
    [],
    `processes of the group left alive:\n${server.output()}`,
  );
  await assert.rejects(fetch(`${url}/healthz`), 'the port still answers');
  return exit;
}

/**
 * Slow demo backends (1 s a call) and a one-client configuration folder, then the server that
 * `spawn` starts over them (given the folder and the backends' environment); all cleaned up after.
 */
async function withFacetOverFixture(
  spawn: (dir: string, env: Record<string, string | undefined>) => ServerProcess,
  test: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 1000 });
  const config = createFixtureConfig({ sources: ['catalog.graphql'], clients: { shop: { schema: shopSchema } } });
  const server = spawn(config.dir, { ...demo.env, REDIS_URL: undefined });
  try {
    await test(server);
  } finally {
    server.kill();
    await demo.close();
    config.cleanup();
  }
}

const askShop = (url: string) => post(`${url}/shop/graphql`, { query: '{ product(id: "p1") { name } }' });

describe('stopping on SIGTERM', { timeout: 40_000 }, () => {
  it('facet start drains an in-flight request and exits 0', async () => {
    await withFacetOverFixture(
      (dir, env) => spawnServer(process.execPath, [facetBin, 'start', '--dir', dir, '--port', '0'], env),
      async (server) => {
        assert.deepEqual(await stopsOnSigterm(server, askShop), { code: 0, signal: null });
      },
    );
  });

  it('with a readiness delay, /readyz answers 503 to new connections during the drain, then the process exits 0', async () => {
    await withFacetOverFixture(
      (dir, env) =>
        spawnServer(
          process.execPath,
          [facetBin, 'start', '--dir', dir, '--port', '0', '--readiness-delay', '600'],
          env,
        ),
      async (server) => {
        assert.equal((await fetch(`${await server.url}/readyz`)).status, 200);
        const exit = await stopsOnSigterm(server, async (url) => {
          const answer = askShop(url);
          await sleep(450); // SIGTERM has arrived (300 ms); the listener stays open until 900 ms
          const readiness = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
          assert.equal(readiness.status, 503, 'not ready while draining');
          return answer;
        });
        assert.deepEqual(exit, { code: 0, signal: null });
      },
    );
  });

  it('npm start (demo backends and gateway) drains an in-flight request and exits 0', async () => {
    const server = spawnServer('npm', ['start'], { PORT: '0', DEMO_LATENCY_MS: '1000', REDIS_URL: undefined });
    try {
      const exit = await stopsOnSigterm(server, (url) =>
        post(`${url}/partner/graphql`, { query: '{ order(id: "o1") { id } }' }, asPartner()),
      );
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      server.kill();
    }
  });

  it('under npm exec (npx facet), the gateway stops when the shell npm started it with is terminated', async () => {
    // npm runs a package's bin through `sh -c`, forwards SIGTERM to that shell only, and the shell
    // dies without passing it on. `; exit` keeps sh from exec-ing node, as npm's shell does.
    const underNpmShell = (dir: string, env: Record<string, string | undefined>) =>
      spawnServer('sh', ['-c', `"${process.execPath}" "${facetBin}" start --dir "${dir}" --port 0; exit $?`], {
        ...env,
        npm_lifecycle_event: 'npx',
        npm_command: 'exec',
      });
    await withFacetOverFixture(underNpmShell, async (server) => {
      const exit = await stopsOnSigterm(server, askShop);
      assert.equal(exit.signal, 'SIGTERM', 'the shell itself is killed by the signal, as under npm');
    });
  });
});
