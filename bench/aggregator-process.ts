/**
 * The hand-written aggregator in a process of its own, for `npm run bench`, so that its CPU and
 * memory can be read apart from the gateway's. Env: USERS_URL, CATALOG_URL, ORDERS_ADDR,
 * RECOMMENDATIONS_ADDR (as printed by bench/backends-process.ts). Prints "listening on <url>".
 */
import { fileURLToPath } from 'node:url';
import { startBaseline } from './baseline-aggregator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const baseline = await startBaseline(process.env as Record<string, string>, root);
console.log(`aggregator listening on ${baseline.url}`);

const stop = (): void => {
  baseline.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
