// The stores' batch calls, with the same expectations for the memory store and Redis: all of a
// request's rules in one atomic step (all or nothing), field occurrences each in order, one
// round trip to Redis.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createMemoryStore, createRedisStore, type RateLimitStore } from '../../src/directives/rate-limit/index.js';
import { REDIS_URL, skipUnlessRedis } from '../helpers/redis.js';

const skipRedis = await skipUnlessRedis();
const HOUR = 3_600_000;

for (const kind of ['memory', 'redis'] as const) {
  describe(`${kind} store: consumeAll and consumeEach`, { skip: kind === 'redis' ? skipRedis : false }, () => {
    const prefix = `facet:rl:test:${randomUUID()}:`;
    const stores: RateLimitStore[] = [];
    const store = (): RateLimitStore => {
      const s =
        kind === 'memory'
          ? createMemoryStore()
          : createRedisStore({ url: REDIS_URL, keyPrefix: prefix, timeoutMs: 2000 });
      stores.push(s);
      return s;
    };
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      if (kind !== 'redis') return;
      const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length) await admin.del(...keys);
      } finally {
        admin.disconnect();
      }
    });

    it('consumeAll records on every key only when every rule has room', async () => {
      const s = store();
      const rules = [
        { key: 'global', limit: 10, windowMs: HOUR },
        { key: 'caller', limit: 2, windowMs: HOUR },
      ];
      const allowed = [];
      for (let i = 0; i < 4; i++) allowed.push((await s.consumeAll(rules)).map((d) => d.allowed));
      assert.deepEqual(allowed, [
        [true, true],
        [true, true],
        [true, false],
        [true, false],
      ]);
      // the refused requests left the global rule untouched: 8 of 10 still fit
      const [global] = await s.consumeAll([{ key: 'global', limit: 10, windowMs: HOUR }]);
      assert.equal(global!.remaining, 7);
    });

    it("consumeAll: a refusal carries the refusing rule's wait; the others report what they had", async () => {
      const s = store();
      await s.consumeAll([{ key: 'tight', limit: 1, windowMs: HOUR }]);
      const [loose, tight] = await s.consumeAll([
        { key: 'loose', limit: 5, windowMs: HOUR },
        { key: 'tight', limit: 1, windowMs: HOUR },
      ]);
      assert.equal(loose!.allowed, true);
      assert.equal(tight!.allowed, false);
      assert.ok(tight!.retryAfterMs > 0 && tight!.remaining === 0);
    });

    it('consumeEach decides in order, recording each allowed hit before the next (aliases of one field)', async () => {
      const s = store();
      const decisions = await s.consumeEach(
        Array.from({ length: 5 }, () => ({ key: 'field', limit: 3, windowMs: HOUR })),
      );
      assert.deepEqual(
        decisions.map((d) => d.allowed),
        [true, true, true, false, false],
      );
      assert.deepEqual(
        decisions.slice(0, 3).map((d) => d.remaining),
        [2, 1, 0],
      );
      assert.equal((await s.consume('field', 3, HOUR)).allowed, false, 'the three were recorded');
    });

    it('a key named twice in consumeAll sees its earlier check', async () => {
      const s = store();
      const decisions = await s.consumeAll([
        { key: 'twice', limit: 1, windowMs: HOUR },
        { key: 'twice', limit: 1, windowMs: HOUR },
      ]);
      assert.deepEqual(
        decisions.map((d) => d.allowed),
        [true, false],
      );
      assert.equal((await s.consume('twice', 1, HOUR)).allowed, true, 'refused as a whole: nothing recorded');
    });

    if (kind === 'redis') {
      it("all of a request's rules go to Redis in one command", async () => {
        const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
        try {
          const s = createRedisStore({ client, keyPrefix: prefix });
          await s.consumeAll([{ key: 'warm', limit: 5, windowMs: HOUR }]); // loads the script (EVALSHA, then EVAL once)
          let sent = 0;
          const send = client.sendCommand.bind(client);
          client.sendCommand = ((command: Parameters<Redis['sendCommand']>[0]) => {
            sent++;
            return send(command);
          }) as Redis['sendCommand'];
          const rules = [1, 2, 3, 4].map((n) => ({ key: `rule${n}`, limit: 100, windowMs: n * 60_000 }));
          assert.equal((await s.consumeAll(rules)).length, 4);
          assert.equal(sent, 1);
        } finally {
          client.disconnect();
        }
      });
    }
  });
}
