/**
 * npx tsx bench/workers.ts — not a test: `facet start --workers N` against one worker. The demo
 * backends run in this process, the gateway as `facet start` (its own process group), autocannon
 * in a third process; the mobile `home` query with a `facet token` for each worker count in turn.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379): several workers refuse to count quotas
 * in memory, and one worker uses it too so that both runs pay the same store round trip.
 * Options (env): BENCH_WORKERS ("1 2"), BENCH_CONNECTIONS (32), BENCH_SECONDS (10),
 * BENCH_WARMUP_SECONDS (3), DEMO_LATENCY_MS (0).
 */
import { fileURLToPath } from 'node:url';
import { EPHEMERAL_PORTS, startDemo } from '../demo/index.js';
import { mintToken } from '../src/cli/token.js';
import { facetBin } from '../test/helpers/run-cli.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { homeQuery, load } from './autocannon.js';
import { benchConfigDir } from './bench-config.js';

process.env['NODE_ENV'] ??= 'production';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const workerCounts = (process.env['BENCH_WORKERS'] ?? '1 2').split(/\s+/).filter(Boolean);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const warmup = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: Number(process.env['DEMO_LATENCY_MS'] ?? 0) });
const config = benchConfigDir(repoRoot);
const token = await mintToken({ dir: repoRoot, env: process.env, sub: 'u1', expiresIn: '1h' });
const body = JSON.stringify({ query: homeQuery });
const rates: Record<string, number> = {};
try {
  for (const workers of workerCounts) {
    const server = spawnServer(
      process.execPath,
      [facetBin, 'start', '--dir', config.dir, '--port', '0', '--workers', workers],
      { ...demo.env, REDIS_URL: redisUrl, NODE_ENV: 'production' },
    );
    try {
      const url = `${await server.url}/mobile/graphql`;
      await load({ url, body, seconds: warmup, connections, token });
      const { requests, latency, non2xx, errors } = await load({ url, body, seconds, connections, token });
      rates[workers] = requests.average;
      console.log(
        `${workers.padStart(2)} worker(s): ${requests.average.toFixed(0).padStart(5)} req/s   p50 ${latency.p50} ms   p99 ${latency.p99} ms   non-2xx ${non2xx + errors}`,
      );
      process.kill(server.child.pid!, 'SIGTERM');
      await server.exited;
    } finally {
      server.kill();
    }
  }
  const [first, ...others] = workerCounts;
  for (const workers of others)
    console.log(`${workers} workers ÷ ${first}: ${(rates[workers]! / rates[first!]!).toFixed(2)}`);
} finally {
  config.cleanup();
  await demo.close();
}
