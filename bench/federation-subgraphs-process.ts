/**
 * The federation benchmark's four subgraphs (accounts, inventory, products, reviews) in a process
 * of their own, for `npm run bench`. Prints one JSON line once listening: `{ "env": { ACCOUNTS_URL,
 * INVENTORY_URL, PRODUCTS_URL, REVIEWS_URL }, "control": "http://…" }`; the control server answers
 * GET /calls (requests per subgraph since the last reset) and POST /reset, as backends-process.ts.
 * Env: DEMO_LATENCY_MS (0). Stops on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_SUBGRAPHS, startBenchSubgraphs } from '../demo/federation/bench/index.js';

const subgraphs = await startBenchSubgraphs({ latencyMs: Number(process.env['DEMO_LATENCY_MS'] ?? 0) });

const control = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/calls') {
    const calls = Object.fromEntries(BENCH_SUBGRAPHS.map((name) => [name, subgraphs[name].calls.total()]));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
  } else if (req.method === 'POST' && req.url === '/reset') {
    subgraphs.resetCounters();
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const { port } = control.address() as AddressInfo;
console.log(JSON.stringify({ env: subgraphs.env, control: `http://127.0.0.1:${port}` }));

const stop = (): void => {
  control.close();
  subgraphs.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
