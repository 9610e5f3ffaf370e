// gateway.yaml admin.listen: the admin paths on an address of their own, never on the client port;
// open there without a key (the operators' network decides), behind the key when one is set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyConfig } from '../helpers/config-copy.js';
import { startStack, type Stack } from '../helpers/gateway.js';

const KEY = 'admin-listener-test-key';
let config: { dir: string; remove(): void };
let open: Stack;
let keyed: Stack;

before(async () => {
  config = copyConfig([['gateway.yaml', 'cache:\n', 'admin:\n  listen: "127.0.0.1:0"\ncache:\n']]);
  open = await startStack({ dir: config.dir, env: { REDIS_URL: '', FACET_ADMIN_KEY: '' } });
  keyed = await startStack({ dir: config.dir, demo: open.demo, env: { REDIS_URL: '', FACET_ADMIN_KEY: KEY } });
});
after(async () => {
  await keyed?.close();
  await open?.close();
  config?.remove();
});

const status = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/admin/api/status`, { headers }).then(async (res) => ({ status: res.status, body: await res.json() }));

describe('the admin listener (admin.listen)', () => {
  it('serves the admin paths on its own address, not on the client port', async () => {
    const adminUrl = open.gateway.adminUrl;
    assert.ok(adminUrl && adminUrl !== open.url);
    const answer = await status(adminUrl);
    assert.equal(answer.status, 200, 'no key set: open on its own listener');
    assert.deepEqual((answer.body as { sources: Array<{ name: string }> }).sources.map((s) => s.name).sort(), [
      'catalog',
      'orders',
      'ratings',
      'recommendations',
      'users',
    ]);
    assert.equal((await status(open.url)).status, 404, 'never on the client port');
    assert.equal((await fetch(`${adminUrl}/web/graphql`)).status, 404, 'no client endpoint there');
  });

  it('asks for the key there when one is set; the client port still has no admin path', async () => {
    const adminUrl = keyed.gateway.adminUrl!;
    assert.equal((await status(adminUrl)).status, 401);
    assert.equal((await status(adminUrl, { authorization: `Bearer ${KEY}` })).status, 200);
    assert.equal((await status(keyed.url, { authorization: `Bearer ${KEY}` })).status, 404);
  });
});
