// Request quotas shared through Redis by two gateway instances, and what happens when Redis is
// unreachable: rateLimitStore.onError allow (local approximate limit, promptly) or deny (503).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { pino } from 'pino';
import { createLogger } from '../../src/observability/index.js';
import {
  awayFromWindowEdge,
  createFixtureConfig,
  uniqueClientName,
  type FixtureConfig,
} from '../helpers/fixture-config.js';
import { REDIS_URL, deleteRateLimitKeys, skipUnlessRedis } from '../helpers/redis.js';

const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';

/** A client with a per-caller quota of 50 a minute (anonymous callers count by IP). */
function quotaConfig(client: string, gatewayYaml: string): FixtureConfig {
  return createFixtureConfig({
    sources: ['catalog.graphql'],
    clients: {
      [client]: {
        yaml: 'quotas:\n  perCaller:\n    - { max: 50, window: 1m }\n',
        schema: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n',
      },
    },
    gatewayYaml,
  });
}

function start(dir: string, redisUrl: string): Promise<RunningGateway> {
  return startGateway({
    dir,
    port: 0,
    env: { ...process.env, REDIS_URL: redisUrl },
    log: createLogger({ level: 'silent' }),
    shutdownTimeoutMs: 1000,
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
  ms: number;
}

async function post(url: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: JSON.parse(text) as Answer['body'],
    text,
    ms: performance.now() - started,
  };
}

const skipLive = await skipUnlessRedis();

describe('a quota shared by two gateway instances through Redis', { skip: skipLive }, () => {
  const client = uniqueClientName('rq');
  let fixture: FixtureConfig;
  let a: RunningGateway;
  let b: RunningGateway;

  before(async () => {
    // generous store timeout: slow machines must not turn into fail-open/closed decisions
    fixture = quotaConfig(client, 'rateLimitStore: { onError: deny, timeoutMs: 3000 }\n');
    [a, b] = await Promise.all([start(fixture.dir, REDIS_URL), start(fixture.dir, REDIS_URL)]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    fixture?.cleanup();
    await deleteRateLimitKeys(client);
  });

  it('200 concurrent requests split across both → exactly 50 answered 200, 150 answered 429 with Retry-After', async () => {
    await awayFromWindowEdge(60_000);
    const urls = [`${a.url}/${client}/graphql`, `${b.url}/${client}/graphql`];
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post(urls[i % 2]!)));
    const ok = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    const statuses: Record<number, number> = {};
    for (const r of answers) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    assert.equal(ok.length, 50, `statuses: ${JSON.stringify(statuses)}`);
    assert.equal(limited.length, 150);
    // both instances took part in both outcomes
    for (const [i, url] of urls.entries())
      assert.ok(
        answers.some((r, j) => j % 2 === i && r.status === 200),
        `instance ${url} answered some`,
      );

    for (const res of ok) {
      assert.deepEqual(res.body, { data: { __typename: 'Query' } });
      assert.equal(res.headers.get('ratelimit-limit'), '50');
      assert.equal(res.headers.get('ratelimit-policy'), '50;w=60');
      assert.match(res.headers.get('ratelimit-remaining') ?? '', /^\d+$/);
    }
    // one atomic counter for both instances: every allowed request saw a different remaining
    const remaining = ok.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((x, y) => x - y);
    assert.deepEqual(
      remaining,
      Array.from({ length: 50 }, (_, i) => i),
    );

    for (const res of limited) {
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 120,
        `Retry-After ${res.headers.get('retry-after')}`,
      );
      assert.equal(res.headers.get('ratelimit-remaining'), '0');
      assert.equal(res.body.data, undefined);
      assert.equal(res.body.errors?.[0]?.extensions?.['code'], 'RATE_LIMITED', res.text);
      assert.equal(res.body.errors?.[0]?.extensions?.['retryAfter'], retryAfter);
    }
  });

  it('a third instance started later sees the same exhausted quota', async () => {
    const c = await start(fixture.dir, REDIS_URL);
    try {
      const res = await post(`${c.url}/${client}/graphql`);
      assert.equal(res.status, 429, res.text);
    } finally {
      await c.close();
    }
  });
});

describe('Redis unreachable (REDIS_URL=redis://127.0.0.1:1)', () => {
  const client = uniqueClientName('rq');
  const fixtures: FixtureConfig[] = [];
  const gateways: RunningGateway[] = [];
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    for (const f of fixtures) f.cleanup();
  });

  async function gatewayWith(gatewayYaml: string): Promise<string> {
    const fixture = quotaConfig(client, gatewayYaml);
    fixtures.push(fixture);
    const gateway = await start(fixture.dir, UNREACHABLE_REDIS);
    gateways.push(gateway);
    return `${gateway.url}/${client}/graphql`;
  }

  it('onError: allow → requests succeed, each within 2 s, sequential and concurrent', async () => {
    const url = await gatewayWith('rateLimitStore: { onError: allow }\n');
    const sequential: Answer[] = [];
    for (let i = 0; i < 3; i++) sequential.push(await post(url));
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => post(url)));
    for (const res of [...sequential, ...concurrent]) {
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { data: { __typename: 'Query' } });
      assert.ok(res.ms < 2000, `answered in ${Math.round(res.ms)} ms`);
    }
  });

  it('onError: allow with 60 requests → 50 answered, 10 refused by the approximate local limit (per instance) while Redis is out', async () => {
    const url = await gatewayWith('rateLimitStore: { onError: allow, timeoutMs: 50 }\n');
    const answers = await Promise.all(Array.from({ length: 60 }, () => post(url)));
    const statuses = answers.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 200).length, 50, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 10, JSON.stringify(statuses));
  });

  it('the store is tried at start-up: the gateway still starts, within about one store timeout, and says the store is not answering', async () => {
    const fixture = quotaConfig(client, 'rateLimitStore: { timeoutMs: 300 }\n');
    fixtures.push(fixture);
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const started = performance.now();
    const gateway = await startGateway({
      dir: fixture.dir,
      port: 0,
      env: { ...process.env, REDIS_URL: UNREACHABLE_REDIS },
      log,
      shutdownTimeoutMs: 1000,
    });
    gateways.push(gateway);
    assert.ok(performance.now() - started < 3000, `started in ${Math.round(performance.now() - started)} ms`);
    assert.ok(
      lines.some((l) => l.includes('rate-limit store not answering at start-up')),
      `log lines: ${lines.join('')}`,
    );
    assert.equal((await post(`${gateway.url}/${client}/graphql`)).status, 200, 'it serves (onError: allow)');
  });

  it('onError: deny → 503 RATE_LIMIT_UNAVAILABLE with Retry-After (not a quota it did not check), promptly', async () => {
    const url = await gatewayWith('rateLimitStore: { onError: deny }\n');
    for (let i = 0; i < 3; i++) {
      const res = await post(url);
      assert.equal(res.status, 503, res.text);
      assert.ok(Number(res.headers.get('retry-after')) > 0, `Retry-After ${res.headers.get('retry-after')}`);
      assert.equal(res.headers.get('ratelimit-remaining'), null, 'no quota was checked, so none is reported');
      assert.equal(res.body.errors?.[0]?.extensions?.['code'], 'RATE_LIMIT_UNAVAILABLE', res.text);
      assert.equal(res.body.data, undefined);
      assert.ok(res.ms < 2000, `answered in ${Math.round(res.ms)} ms`);
    }
  });
});
