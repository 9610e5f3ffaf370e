import { createServer, type AddressInfo } from 'node:net';
import { createRedisStore } from '../src/directives/rate-limit/redis-store.js';
const silent = createServer((socket) => {
  socket.on('data', (chunk) => {
    console.log(JSON.stringify(chunk.toString('latin1')).slice(0,200));
    for (const [, command] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
      const name = command!.toUpperCase();
      if (name === 'EVALSHA' || name === 'EVAL') continue;
      if (name === 'INFO') { const info = 'redis_version:7.0.0\r\nloading:0\r\n'; socket.write(`$${info.length}\r\n${info}\r\n`); }
      else socket.write('+OK\r\n');
    }
  });
});
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
const s = createRedisStore({ url: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
console.log('ping', await s.ping().then(() => 'ok', (e) => e.message));
const t = performance.now();
console.log('consume', await s.consume('k', 10, 1000).then(() => 'ok', (e) => e.message), performance.now() - t);
await s.close(); console.log('closed');
silent.close(); console.log('done');
