/**
 * npx tsx bench/big-body.ts — not a test: what one oversized backend answer costs everyone else.
 * Starts the demo backends and the gateway in this process, drives the mobile `home` query with
 * autocannon from a second process, and measures p99 and this process's RSS: once undisturbed,
 * then again while the catalog answers one request with a 15 MB body (demo fault 'huge').
 * Options (env): BENCH_CONNECTIONS (16), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3),
 * BIG_BODIES (1: how many 15 MB answers, one per second from the 3rd second),
 * CATALOG_MAX_RESPONSE_BYTES (unset: as configured; e.g. 67108864 to see what reading such an
 * answer costs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { EPHEMERAL_PORTS, startDemo } from '../demo/index.js';
import { hugeJsonBody } from '../demo/faults.js';
import { mintToken } from '../src/cli/token.js';
import { createLogger } from '../src/observability/index.js';
import { startGateway } from '../src/server/index.js';
import { homeQuery, load, type LoadResult } from './autocannon.js';
import { benchConfigDir } from './bench-config.js';

process.env['NODE_ENV'] ??= 'production';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const warmup = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const bigBodies = Number(process.env['BIG_BODIES'] ?? 1);
const catalogLimit = process.env['CATALOG_MAX_RESPONSE_BYTES'];

/** A copy of the configuration (quotas lifted for load), whose catalog may get another maxResponseBytes. */
function configFolder(): { dir: string; cleanup: () => void } {
  const copy = benchConfigDir(repoRoot);
  if (catalogLimit) {
    const catalog = join(copy.dir, 'schema', 'catalog.graphql');
    writeFileSync(
      catalog,
      readFileSync(catalog, 'utf8').replace(
        'timeoutMs: 2000)',
        `timeoutMs: 2000, maxResponseBytes: ${Number(catalogLimit)})`,
      ),
    );
  }
  return copy;
}
const config = configFolder();
const root = config.dir;

const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 0 });
const env = { ...process.env, ...demo.env };
const gateway = await startGateway({ dir: root, port: 0, env, log: createLogger({ level: 'silent' }) });
const token = await mintToken({ dir: repoRoot, env, sub: 'u1', expiresIn: '1h' });
const url = `${gateway.url}/mobile/graphql`;
const body = JSON.stringify({ query: homeQuery });
hugeJsonBody(); // built before measuring: the demo's copy is not the gateway's cost

interface Phase {
  result: LoadResult;
  maxRssMb: number;
  maxLoopDelayMs: number;
  hugeServed: number;
}

/** One load run; `disturb` runs alongside (it sets the faults). RSS sampled every 50 ms. */
async function phase(disturb: () => Promise<number>): Promise<Phase> {
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }, 50);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const [result, hugeServed] = await Promise.all([load({ url, body, seconds, connections, token }), disturb()]);
  loop.disable();
  clearInterval(sampler);
  return { result, maxRssMb: maxRss / 1024 / 1024, maxLoopDelayMs: loop.max / 1e6, hugeServed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets the one-shot 'huge' fault once a second from the 3rd second; counts the catalog calls that took it. */
async function hugeBodies(): Promise<number> {
  let served = 0;
  await sleep(3_000);
  for (let i = 0; i < bigBodies; i++) {
    const before = demo.catalog.calls.total();
    demo.catalog.setFault('huge'); // the next catalog call gets 15 MB, then the fault clears itself
    while (demo.catalog.calls.total() === before) await sleep(5);
    served++;
    await sleep(1_000);
  }
  return served;
}

await load({ url, body, seconds: warmup, connections, token });
const quiet = await phase(async () => 0);
const disturbed = await phase(hugeBodies);

const row = (name: string, p: Phase) =>
  `${name.padEnd(34)} ${p.result.requests.average.toFixed(0).padStart(5)} req/s   p50 ${String(p.result.latency.p50).padStart(4)} ms   p99 ${String(p.result.latency.p99).padStart(4)} ms   max ${String(p.result.latency.max).padStart(5)} ms   event-loop max ${p.maxLoopDelayMs.toFixed(0).padStart(4)} ms   RSS max ${p.maxRssMb.toFixed(0)} MB   non-2xx ${p.result.non2xx + p.result.errors}`;
console.log(
  `\nmobile home — ${connections} connections, ${seconds} s after ${warmup} s warm-up, catalog maxResponseBytes ${catalogLimit ?? 'as configured'}, node ${process.version}\n`,
);
console.log(row('undisturbed', quiet));
console.log(row(`with ${disturbed.hugeServed} x 15 MB catalog answer(s)`, disturbed));
console.log(
  `\np99 ratio ${(disturbed.result.latency.p99 / quiet.result.latency.p99).toFixed(2)} (must stay < 2), RSS ratio ${(disturbed.maxRssMb / quiet.maxRssMb).toFixed(2)} (must stay < 1.5)`,
);
await gateway.close();
await demo.close();
config.cleanup();
