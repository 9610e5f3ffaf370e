/**
 * The demo backends in a process of their own, for `npm run bench`: their CPU and memory are then
 * not counted as the gateway's or the aggregator's. Prints one JSON line on stdout once listening:
 * `{ "env": { USERS_URL, CATALOG_URL, ORDERS_ADDR, RECOMMENDATIONS_ADDR }, "control": "http://…" }`.
 * The control server answers GET /calls (calls per backend since the last reset) and POST /reset.
 * Env: DEMO_LATENCY_MS (0). Stops on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EPHEMERAL_PORTS, startDemo } from '../demo/index.js';

const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: Number(process.env['DEMO_LATENCY_MS'] ?? 0) });
const backends = [demo.users, demo.catalog, demo.orders, demo.recommendations];

const control = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/calls') {
    const calls = Object.fromEntries(backends.map((b) => [b.name, b.calls.total()]));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
  } else if (req.method === 'POST' && req.url === '/reset') {
    demo.resetCounters();
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const { port } = control.address() as AddressInfo;
console.log(JSON.stringify({ env: demo.env, control: `http://127.0.0.1:${port}` }));

const stop = (): void => {
  control.close();
  demo.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
