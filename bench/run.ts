/**
 * npm run bench — not a test: shows where performance stands.
 * Starts the demo backends, the gateway and the hand-written baseline in this process, then
 * drives each with autocannon from a second process (fixed connections, warm-up, duration).
 * Options (env): BENCH_CONNECTIONS (20), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), DEMO_LATENCY_MS (0),
 * BENCH_ACCEPT_ENCODING (unset: answers uncompressed; e.g. "br, gzip").
 */
import { fileURLToPath } from 'node:url';
import { startDemo, EPHEMERAL_PORTS } from '../demo/index.js';
import { startGateway } from '../src/server/index.js';
import { createLogger } from '../src/observability/index.js';
import { startBaseline } from './baseline-aggregator.js';
import { benchConfigDir } from './bench-config.js';
import { mintToken } from '../src/cli/token.js';
import { homeQuery, load as loadWith } from './autocannon.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const warmup = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const latencyMs = Number(process.env['DEMO_LATENCY_MS'] ?? 0);
const load = (url: string, body: string | undefined, duration: number, token: string) =>
  loadWith({ url, body, seconds: duration, connections, token });

const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs });
const env = { ...process.env, ...demo.env };
const config = benchConfigDir(root);
const gateway = await startGateway({ dir: config.dir, port: 0, env, log: createLogger({ level: 'silent' }) });
const token = await mintToken({ dir: root, env, sub: 'u1', expiresIn: '1h' });
const baseline = await startBaseline(demo.env, root);
const backends = [demo.users, demo.catalog, demo.orders, demo.recommendations];
const body = JSON.stringify({ query: homeQuery });

const rows: string[] = [];
for (const [name, url, payload] of [
  ['facet mobile home', `${gateway.url}/mobile/graphql`, body],
  ['hand-written aggregator', baseline.url, undefined],
] as const) {
  await load(url, payload, warmup, token);
  demo.resetCounters();
  const r = await load(url, payload, seconds, token);
  const calls = Object.fromEntries(
    backends.map((b) => [b.name, (b.calls.total() / Math.max(1, r.requests.total)).toFixed(2)]),
  );
  rows.push(
    `${name.padEnd(24)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}   upstream calls/query ${JSON.stringify(calls)}`,
  );
}
console.log(
  `\nmobile home query — ${connections} connections, ${seconds} s after ${warmup} s warm-up, backend latency ${latencyMs} ms, node ${process.version}\n`,
);
for (const row of rows) console.log(row);
await baseline.close();
await gateway.close();
config.cleanup();
await demo.close();
