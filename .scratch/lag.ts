import { createRedisStore } from '../src/directives/rate-limit/redis-store.js';
const store = createRedisStore({ url: 'redis://127.0.0.1:6379', timeoutMs: 50 });
await store.ping();
const busy = (ms: number) => { const end = Date.now() + ms; while (Date.now() < end); };
let ok = 0, failed = 0;
for (let i = 0; i < 5; i++) {
  const p = store.consume('lagtest:' + Math.random(), 10, 60000).then(() => ok++, (e) => { failed++; console.log(e.message); });
  busy(200);
  await p;
}
console.log({ ok, failed });
await store.close();
