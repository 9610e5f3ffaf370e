// Two gateway instances sharing one Redis cache (over the same backends): what one caches the
// other serves; a mutation on one purges what it changed for both, so the next read of that order
// is fresh on each; the admin endpoint and `facet cache purge` drop an entity for both too.
// Uses a redis-server of its own.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ORDERS } from '../../demo/data.js';
import { startDemo, EPHEMERAL_PORTS, type Demo } from '../../demo/index.js';
import { cacheCatalogAndOrders, copyConfig } from '../helpers/config-copy.js';
import { asPartner, metricSum, startStack, type Stack } from '../helpers/gateway.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
let config: { dir: string; remove(): void };
let redis: PrivateRedis;
let demo: Demo;
let a: Stack;
let b: Stack;

before(async () => {
  config = copyConfig(cacheCatalogAndOrders);
  redis = await startPrivateRedis();
  demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 0 });
  const env = { REDIS_URL: redis.url };
  a = await startStack({ dir: config.dir, demo, env: { ...env, FACET_ADMIN_KEY: ADMIN_KEY } });
  b = await startStack({ dir: config.dir, demo, env });
});
after(async () => {
  await a?.close();
  await b?.close();
  await demo?.close();
  await redis?.kill();
  config?.remove();
});
beforeEach(() => demo.resetCounters());

const placed = ORDERS.filter((o) => o.status === 'PLACED').map((o) => o.id);
const orderQuery = (id: string) => `{ order(id: "${id}") { id status totalCents } }`;
const statusOn = async (stack: Stack, id: string) => {
  const res = await stack.gql('partner', orderQuery(id), { headers: asPartner() });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.errors, undefined, res.text);
  return (res.body.data as { order: { status: string } }).order.status;
};

describe('a cache shared by two instances through Redis', () => {
  it('what one instance cached, the other serves without calling the backend', async () => {
    const id = placed[0]!;
    assert.equal(await statusOn(a, id), 'PLACED');
    assert.equal(demo.orders.calls.total(), 1);
    assert.equal(await statusOn(b, id), 'PLACED');
    assert.equal(demo.orders.calls.total(), 1, 'b read the order a cached');
    assert.ok((await metricSum(b.url, 'facet_response_cache_total', { client: 'partner', outcome: 'hit' })) >= 1);
  });

  it('after a mutation on one instance, the next read of that order is fresh on both', async () => {
    const id = placed[1]!;
    assert.equal(await statusOn(a, id), 'PLACED');
    assert.equal(await statusOn(b, id), 'PLACED');
    const cancel = await a.gql('partner', `mutation { cancelOrder(id: "${id}") { id status } }`, {
      headers: asPartner(),
    });
    assert.deepEqual(cancel.body, { data: { cancelOrder: { id, status: 'CANCELLED' } } });
    demo.resetCounters();
    assert.equal(await statusOn(b, id), 'CANCELLED', 'the other instance reads it fresh');
    assert.equal(await statusOn(a, id), 'CANCELLED', 'and so does the one that ran the mutation');
    assert.equal(demo.orders.calls.count('GetOrder'), 1, 'fetched once, then cached again for both');
  });

  it('a read of two orders after one of them changed fetches only that one again', async () => {
    const [id, other] = [placed[2]!, placed[3]!];
    const both = `{ o1: order(id: "${id}") { id status } o2: order(id: "${other}") { id } }`;
    await b.gql('partner', both, { headers: asPartner() });
    await a.gql('partner', `mutation { cancelOrder(id: "${id}") { id } }`, { headers: asPartner() });
    demo.resetCounters();
    const res = await b.gql('partner', both, { headers: asPartner() });
    assert.equal((res.body.data as { o1: { status: string } }).o1.status, 'CANCELLED');
    assert.equal(demo.orders.calls.total(), 1, `only ${id} is fetched again; ${other} stays cached`);
  });

  it('the admin endpoint purges an entity for both instances; it needs the admin key', async () => {
    const product = `{ product(id: "p7") { id name } }`;
    await b.gql('partner', product, { headers: asPartner() });
    demo.resetCounters();
    await b.gql('partner', product, { headers: asPartner() });
    assert.equal(demo.catalog.calls.total(), 0, 'cached');
    const purge = (stack: Stack, headers: Record<string, string>) =>
      fetch(`${stack.url}/admin/cache/purge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ type: 'Product', id: 'p7' }),
      });
    const anonymous = await purge(a, {});
    assert.equal(anonymous.status, 401);
    assert.equal(
      ((await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
      'UNAUTHENTICATED',
    );
    assert.equal((await purge(a, { authorization: 'Bearer wrong' })).status, 401);
    const off = await purge(b, { authorization: `Bearer ${ADMIN_KEY}` });
    assert.equal(off.status, 404, 'an instance without FACET_ADMIN_KEY has no admin endpoint');
    const done = await purge(a, { authorization: `Bearer ${ADMIN_KEY}` });
    assert.equal(done.status, 200);
    // the lookup's answer and the whole response built from it both hold Product:p7
    assert.deepEqual(await done.json(), { purged: 2, tags: ['Product:p7'] });
    await b.gql('partner', product, { headers: asPartner() });
    assert.equal(demo.catalog.calls.total(), 1, 'b fetches it again');
  });

  it('facet cache purge --type Product --id p8 asks a running gateway', async () => {
    await b.gql('partner', `{ product(id: "p8") { id } }`, { headers: asPartner() });
    const result = await runCli(['cache', 'purge', '--type', 'Product', '--id', 'p8', '--url', a.url], {
      env: { FACET_ADMIN_KEY: ADMIN_KEY },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /purged 2 cached answers holding Product:p8/);
    const refused = await runCli(['cache', 'purge', '--type', 'Product', '--url', a.url], {
      env: { FACET_ADMIN_KEY: 'wrong' },
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /401/);
    demo.resetCounters();
    await a.gql('partner', `{ product(id: "p8") { id } }`, { headers: asPartner() });
    assert.equal(demo.catalog.calls.total(), 1);
  });
});
