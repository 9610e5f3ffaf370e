// /metrics follows the rate-limit store through an outage: facet_rate_limit_store_up is 1 while
// Redis answers, 0 once it is killed (and the failures counter rises), and 1 again once it is back
// on the same port and a probe reached it. Uses a redis-server of its own, never the shared one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { createLogger } from '../../src/observability/index.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';

const KEY = 'metrics-partner-key';
const clientYaml = `
auth:
  apiKeys:
    keys:
      - { consumer: metrics-partner, sha256: ${createHash('sha256').update(KEY).digest('hex')}, plan: big }
quotas:
  plans:
    big: [{ max: 1000000, window: 1h }]
`;

describe('rate-limit store metrics through a Redis outage (onError allow, backoffMs 300)', () => {
  let redis: PrivateRedis;
  let fixture: FixtureConfig;
  let gateway: RunningGateway;

  before(async () => {
    redis = await startPrivateRedis();
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        ptr: { yaml: clientYaml, schema: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! }\n' },
      },
      gatewayYaml: 'rateLimitStore: { onError: allow, timeoutMs: 200, backoffMs: 300 }\n',
    });
    gateway = await startGateway({
      dir: fixture.dir,
      port: 0,
      env: { ...process.env, REDIS_URL: redis.url },
      log: createLogger({ level: 'silent' }),
      shutdownTimeoutMs: 1000,
    });
  });
  after(async () => {
    await gateway?.close();
    await redis?.kill();
    fixture?.cleanup();
  });

  const ask = async (): Promise<number> => {
    const res = await fetch(`${gateway.url}/ptr/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  };

  /** The value of one series in the /metrics text (0 when absent). */
  const scrape = async (series: string): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  const up = () => scrape('facet_rate_limit_store_up');
  const failures = () => scrape('facet_rate_limit_store_failures_total');
  const decisions = (outcome: string) => scrape(`facet_rate_limit_decisions_total{outcome="${outcome}"}`);

  it('1 while Redis answers; decisions counted as allowed', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await ask(), 200);
    assert.equal(await up(), 1);
    assert.equal(await failures(), 0);
    assert.equal(await decisions('allowed'), 3);
  });

  it('0 once Redis is killed, with failures counted and requests decided by local counts', {
    timeout: 15_000,
  }, async () => {
    await redis.kill();
    assert.equal(await ask(), 200); // pays one store timeout, marks the store down
    assert.equal(await up(), 0);
    assert.equal(await failures(), 1);
    // each back-off ends with one probe, started by a request; while Redis is down, each probe fails
    for (let i = 0; i < 3; i++) {
      await sleep(350);
      assert.equal(await ask(), 200);
    }
    await sleep(250); // the last probe's timeout
    assert.ok((await failures()) >= 3, `failures: ${await failures()}`);
    assert.equal(await up(), 0);
    assert.ok((await decisions('fail_open')) >= 4, `fail_open: ${await decisions('fail_open')}`);
  });

  it('1 again once Redis is back on the same port and a probe reached it', { timeout: 15_000 }, async () => {
    redis = await startPrivateRedis(redis.port);
    const failed = await failures();
    const deadline = Date.now() + 10_000;
    while ((await up()) !== 1) {
      assert.ok(Date.now() < deadline, 'the store came back up');
      await ask();
      await sleep(100);
    }
    const allowed = await decisions('allowed');
    assert.equal(await ask(), 200);
    assert.equal(await decisions('allowed'), allowed + 1, 'decided by Redis again');
    assert.equal(await failures(), failed, 'no failure once it answers');
  });
});
