// Redis killed under partner load (API keys on plans of two quota rules each): a request pays at
// most one store timeout, then requests decide at once (local counts, onError: allow) while the
// store is in back-off; the outage is logged once; when Redis is back on the same port, counting
// is exact and shared again. Uses a redis-server of its own, never the shared one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { awayFromWindowEdge, createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { rateLimitKeysWith, startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';

const TIMEOUT_MS = 200;
const BULK_KEY = 'bulk-partner-key';
const SMALL_KEY = 'small-partner-key';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

const clientYaml = `
auth:
  apiKeys:
    keys:
      - { consumer: bulk-partner, sha256: ${sha256(BULK_KEY)}, plan: bulk }
      - { consumer: small-partner, sha256: ${sha256(SMALL_KEY)}, plan: basic }
quotas:
  plans:
    bulk: [{ max: 1000000, window: 1h }, { max: 10000000, window: 1d }]
    basic: [{ max: 40, window: 1h }, { max: 1000, window: 1d }]
`;

interface Answer {
  status: number;
  remaining: number;
  startedAt: number;
  ms: number;
}

async function ask(url: string, key: string): Promise<Answer> {
  const startedAt = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return {
    status: res.status,
    remaining: Number(res.headers.get('ratelimit-remaining')),
    startedAt,
    ms: performance.now() - startedAt,
  };
}

/** Requests recorded in Redis for a consumer's hourly rule. */
async function countedInRedis(redisUrl: string, consumer: string): Promise<number> {
  const keys = (await rateLimitKeysWith(`consumer:${consumer}:1h:`, redisUrl)).filter((k) => k.includes('ptr:'));
  if (keys.length === 0) return 0;
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return (await admin.mget(...keys)).reduce((sum, v) => sum + Number(v ?? 0), 0);
  } finally {
    admin.disconnect();
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

describe('Redis killed during partner load (rateLimitStore: onError allow, timeoutMs 200, backoffMs 500)', () => {
  let redis: PrivateRedis;
  let fixture: FixtureConfig;
  const gateways: RunningGateway[] = [];
  const logLines: Array<{ msg: string; level: number }> = [];
  let urls: string[] = [];

  before(async () => {
    redis = await startPrivateRedis();
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        ptr: { yaml: clientYaml, schema: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! }\n' },
      },
      gatewayYaml: `rateLimitStore: { onError: allow, timeoutMs: ${TIMEOUT_MS}, backoffMs: 500 }\n`,
    });
    const log = pino(
      { level: 'info' },
      { write: (line: string) => void logLines.push(JSON.parse(line) as { msg: string; level: number }) },
    );
    // two instances sharing the one Redis, as in production
    for (let i = 0; i < 2; i++)
      gateways.push(
        await startGateway({
          dir: fixture.dir,
          port: 0,
          env: { ...process.env, REDIS_URL: redis.url },
          log,
          shutdownTimeoutMs: 1000,
        }),
      );
    urls = gateways.map((g) => `${g.url}/ptr/graphql`);
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await redis?.kill();
    fixture?.cleanup();
  });

  it('outage: at most one store timeout per request, then near-zero added latency; logged once', {
    timeout: 20_000,
  }, async (t) => {
    for (const url of urls) for (let i = 0; i < 5; i++) await ask(url, BULK_KEY); // warm-up: first requests compile caches
    const answers: Answer[] = [];
    let running = true;
    // 4 partner workers across both instances, 5 ms apart: steady load, not a flood
    const workers = Array.from({ length: 4 }, async (_, w) => {
      while (running) {
        answers.push(await ask(urls[w % 2]!, BULK_KEY));
        await sleep(5);
      }
    });
    await sleep(1000);
    assert.ok((await countedInRedis(redis.url, 'bulk-partner')) > 0, 'counted in Redis while it runs');
    const killedAt = performance.now();
    await redis.kill();
    await sleep(2000);
    running = false;
    await Promise.all(workers);

    const healthy = answers.filter((a) => a.startedAt + a.ms < killedAt).map((a) => a.ms);
    const during = answers.filter((a) => a.startedAt >= killedAt);
    const settled = during.filter((a) => a.startedAt >= killedAt + TIMEOUT_MS + 100); // after the first failures
    const ms = during.map((a) => a.ms);
    t.diagnostic(
      `Redis up: p50 ${percentile(healthy, 0.5).toFixed(1)} ms, p95 ${percentile(healthy, 0.95).toFixed(1)} ms`,
    );
    t.diagnostic(
      `outage: ${during.length} requests in 2 s (${Math.round(during.length / 2)} req/s with 4 workers); first ${Math.round(Math.max(...ms))} ms at most; afterwards p50 ${percentile(
        settled.map((a) => a.ms),
        0.5,
      ).toFixed(1)} ms, p95 ${percentile(
        settled.map((a) => a.ms),
        0.95,
      ).toFixed(1)} ms`,
    );
    assert.ok(
      during.every((a) => a.status === 200),
      `statuses: ${[...new Set(during.map((a) => a.status))].join(',')}`,
    );
    assert.ok(
      Math.max(...ms) < TIMEOUT_MS + 300,
      `no request waits more than one store timeout (two rules, one round trip): max ${Math.round(Math.max(...ms))} ms`,
    );
    // one store timeout per rule and request (the old behaviour) lets 4 workers through ~17 times in 1.7 s
    assert.ok(settled.length > 40, `requests keep flowing: ${settled.length}`);
    // Not asking the store: requests are fast (< 50 ms, or no slower than with Redis up when the
    // machine is busy), and even the slow tail stays far below one store timeout, which every
    // request paid before (two rules: ~410 ms).
    const p50 = percentile(
      settled.map((a) => a.ms),
      0.5,
    );
    const p95 = percentile(
      settled.map((a) => a.ms),
      0.95,
    );
    const healthyP50 = percentile(healthy, 0.5);
    assert.ok(
      p50 < Math.max(50, healthyP50),
      `while in back-off the store is not asked: p50 ${p50.toFixed(1)} ms (Redis up: ${healthyP50.toFixed(1)} ms)`,
    );
    assert.ok(p95 < Math.max(TIMEOUT_MS / 2, percentile(healthy, 0.95)), `p95 ${p95.toFixed(1)} ms`);
    const down = logLines.filter((l) => l.msg.startsWith('rate-limit store down'));
    assert.equal(down.length, 2, `one line per instance, not per request: ${down.map((l) => l.msg).join(' | ')}`);
  });

  it('onError allow keeps an approximate limit meanwhile: the 40-an-hour plan refuses the 41st request of one instance', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 41; i++) answers.push(await ask(urls[0]!, SMALL_KEY));
    assert.deepEqual(
      answers.slice(0, 40).map((a) => a.remaining),
      Array.from({ length: 40 }, (_, i) => 39 - i),
      'counted by this instance',
    );
    assert.equal(answers[40]!.status, 429);
    // the other instance counts on its own: the limit is per instance during the outage
    assert.equal((await ask(urls[1]!, SMALL_KEY)).status, 200);
  });

  it('Redis back on the same port: both instances return to it, and counting is exact and shared again', {
    timeout: 20_000,
  }, async () => {
    redis = await startPrivateRedis(redis.port); // empty: no persistence
    // wait until each instance records in Redis again (back-off, then one probe)
    const deadline = Date.now() + 10_000;
    for (const url of urls) {
      for (;;) {
        const before = await countedInRedis(redis.url, 'bulk-partner');
        await ask(url, BULK_KEY);
        if ((await countedInRedis(redis.url, 'bulk-partner')) === before + 1) break;
        assert.ok(Date.now() < deadline, 'the instances went back to Redis');
        await sleep(100);
      }
    }
    assert.equal(
      logLines.filter((l) => l.msg.startsWith('rate-limit store up again')).length,
      2,
      'recovery logged once per instance',
    );

    // The small plan's local counts of the outage are gone; Redis starts from zero: 40 an hour,
    // shared. 60 concurrent requests over both instances → exactly 40 answered.
    await awayFromWindowEdge(3_600_000, 10_000);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => ask(urls[i % 2]!, SMALL_KEY)));
    const ok = answers.filter((a) => a.status === 200);
    assert.equal(ok.length, 40, `statuses: ${answers.map((a) => a.status).join(',')}`);
    assert.equal(answers.filter((a) => a.status === 429).length, 20);
    assert.deepEqual(
      ok.map((a) => a.remaining).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
      'one shared atomic counter',
    );
    assert.equal(await countedInRedis(redis.url, 'small-partner'), 40);
  });
});
