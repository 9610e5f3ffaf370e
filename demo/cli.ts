// Runs the demo backends on their default ports (4101, 4102, 4201, 4202, 4301).
// Env: DEMO_HOST (default 127.0.0.1), DEMO_LATENCY_MS (default 0).
import { startDemo } from './index.js';

const demo = await startDemo(process.env['DEMO_HOST'] ? { host: process.env['DEMO_HOST'] } : {});
for (const b of [demo.users, demo.catalog, demo.orders, demo.recommendations, demo.ratings]) {
  console.log(`${b.name.padEnd(16)} ${b.protocol.padEnd(7)} ${b.address}`);
}
for (const [key, value] of Object.entries(demo.env)) console.log(`${key}=${value}`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing demo backends`);
  demo.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
