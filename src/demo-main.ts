/**
 * Started by src/main.ts (`npm start`): the demo shop's backends (users and catalog over REST, orders and recommendations
 * over gRPC) on ephemeral ports, then the gateway over this repository's schema/ and clients/.
 * With FACET_WORKERS (2, auto…) the backends run once, in the primary; the workers (this script
 * run again by node's cluster) get their addresses through the environment and only serve.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { startDemo, EPHEMERAL_PORTS } from '../demo/index.js';
import { ConfigError, formatProblem } from './config/index.js';
import {
  defaultHeapGrowthPercent,
  heapGrowthRange,
  parseHeapGrowthPercent,
  parseWorkerCount,
  serveGateway,
  StartRefused,
} from './cluster/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const latencyMs = Number(process.env['DEMO_LATENCY_MS'] ?? 0);
const workersText = process.env['FACET_WORKERS'] ?? '1';
const workers = parseWorkerCount(workersText);
if (workers === undefined) {
  console.error(`FACET_WORKERS: invalid worker count "${workersText}" (a number, or auto)`);
  process.exit(2);
}
const growthText = process.env['FACET_HEAP_GROWTH'] ?? String(defaultHeapGrowthPercent);
const heapGrowthPercent = parseHeapGrowthPercent(growthText);
if (heapGrowthPercent === undefined) {
  console.error(`FACET_HEAP_GROWTH: invalid heap growth "${growthText}" (${heapGrowthRange})`);
  process.exit(2);
}
const demo = cluster.isPrimary ? await startDemo({ ports: EPHEMERAL_PORTS, latencyMs }) : undefined;
try {
  await serveGateway({
    workers,
    heapGrowthPercent,
    gateway: {
      dir: root,
      port: Number(process.env['PORT'] ?? 4000),
      host: process.env['HOST'] ?? '127.0.0.1',
      env: { ...process.env, ...demo?.env },
      watch: process.env['FACET_WATCH'] === '1',
      readinessDelayMs: Number(process.env['FACET_READINESS_DELAY_MS'] ?? 0) || 0,
    },
    afterClose: async () => demo?.close(),
    announce(url, clients) {
      const backends = Object.values(demo?.env ?? {}).join(', ');
      console.log(
        `Facet demo listening on ${url}  (backends: ${backends}${latencyMs ? `, ${latencyMs} ms latency` : ''}${workers > 1 ? `; ${workers} workers` : ''})`,
      );
      for (const client of clients) console.log(`  ${client.name.padEnd(8)} ${url}${client.endpoint}`);
      console.log(`  health   ${url}/healthz    metrics ${url}/metrics`);
    },
  });
} catch (error) {
  if (error instanceof ConfigError) for (const p of error.problems) console.error(formatProblem(p));
  else if (error instanceof StartRefused) console.error(error.message);
  else console.error(error);
  await demo?.close();
  process.exit(1);
}
