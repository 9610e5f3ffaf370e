/**
 * The federation benchmark's four subgraphs (accounts, inventory, products, reviews) in a process
 * of their own, for `npm run bench`. Prints one JSON line once listening: `{ "env": { ACCOUNTS_URL,
 * INVENTORY_URL, PRODUCTS_URL, REVIEWS_URL }, "control": "http://…" }`, and answers the control
 * requests of control-server.ts. Env: DEMO_LATENCY_MS (0).
 */
import { BENCH_SUBGRAPHS, startBenchSubgraphs } from '../demo/federation/bench/index.js';
import { serveControl } from './control-server.js';

const subgraphs = await startBenchSubgraphs({ latencyMs: Number(process.env['DEMO_LATENCY_MS'] ?? 0) });

await serveControl({
  env: subgraphs.env,
  calls: () => Object.fromEntries(BENCH_SUBGRAPHS.map((name) => [name, subgraphs[name].calls.total()])),
  reset: () => subgraphs.resetCounters(),
  close: () => subgraphs.close(),
});
