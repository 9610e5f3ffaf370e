/**
 * The demo backends in a process of their own, for `npm run bench`: their CPU and memory are then
 * not counted as the gateway's or the aggregator's. Prints one JSON line on stdout once listening:
 * `{ "env": { USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR, RATINGS_URL }, "control": "http://…" }`,
 * and answers the control requests of control-server.ts. Env: DEMO_LATENCY_MS (0).
 */
import { EPHEMERAL_PORTS, startDemo } from '../demo/index.js';
import { serveControl } from './control-server.js';

const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: Number(process.env['DEMO_LATENCY_MS'] ?? 0) });
const backends = [demo.users, demo.catalog, demo.orders, demo.recommendations];

await serveControl({
  env: demo.env,
  calls: () => Object.fromEntries(backends.map((b) => [b.name, b.calls.total()])),
  reset: () => demo.resetCounters(),
  close: () => demo.close(),
});
