/**
 * The federation benchmark's floor (demo/federation/bench/floor.ts: the fewest subgraph requests,
 * no GraphQL library) in a process of its own, for `npm run bench`. Env: ACCOUNTS_URL,
 * INVENTORY_URL, PRODUCTS_URL, REVIEWS_URL. Prints "floor listening on <url>".
 */
import { startFloor } from '../demo/federation/bench/floor.js';

const floor = await startFloor(process.env as Record<string, string>);
console.log(`floor listening on ${floor.url}`);

const stop = (): void => {
  floor.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
