// Hot reload and graceful shutdown: a changed configuration folder is rebuilt and swapped in
// whole; a broken change is refused and the previous build keeps serving; close() drains.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemo, EPHEMERAL_PORTS, type Demo } from '../../demo/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { createLogger } from '../../src/observability/index.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { productById } from '../../demo/data.js';

const schemaWith = (fields: string) => `type Query { product(id: ID!): Product }\ntype Product { ${fields} }\n`;

async function ask(
  gateway: RunningGateway,
  query: string,
): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(`${gateway.url}/shop/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail('condition not met in time');
}

describe('hot reload', () => {
  let demo: Demo;
  let config: FixtureConfig;
  let gateway: RunningGateway;
  const schemaFile = () => join(config.dir, 'clients', 'shop', 'schema.graphql');

  before(async () => {
    demo = await startDemo({ ports: EPHEMERAL_PORTS });
    config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: { shop: { schema: schemaWith('id: ID! name: String!') } },
    });
    const env = { ...process.env, ...demo.env };
    delete env['REDIS_URL'];
    gateway = await startGateway({
      dir: config.dir,
      port: 0,
      env,
      watch: true,
      log: createLogger({ level: 'silent' }),
    });
  });
  after(async () => {
    await gateway?.close();
    await demo?.close();
    config?.cleanup();
  });

  it('a field added to a client schema is served after the file changes, without a restart', async () => {
    assert.equal((await ask(gateway, '{ product(id: "p1") { category } }')).status, 400);
    writeFileSync(schemaFile(), schemaWith('id: ID! name: String! category: String!'));
    await eventually(async () => (await ask(gateway, '{ product(id: "p1") { category } }')).status === 200);
    const { body } = await ask(gateway, '{ product(id: "p1") { name category } }');
    assert.deepEqual(body.data, { product: { name: productById('p1')!.name, category: productById('p1')!.category } });
  });

  it('keeps reloading a file replaced by rename (atomic saves), once per save', async () => {
    // Editors, `sed -i` and `git checkout` write a new file and rename it over the old one, so the
    // watched inode goes away after the first save.
    const renameSave = (text: string) => {
      const temp = `${schemaFile()}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, schemaFile());
    };
    renameSave(schemaWith('id: ID! name: String! tags: [String!]!'));
    await eventually(async () => (await ask(gateway, '{ product(id: "p1") { tags } }')).status === 200);
    renameSave(schemaWith('id: ID! name: String! tags: [String!]! currency: String!'));
    await eventually(async () => (await ask(gateway, '{ product(id: "p1") { currency } }')).status === 200);
    renameSave(schemaWith('id: ID! name: String! category: String!'));
    await eventually(async () => (await ask(gateway, '{ product(id: "p1") { tags } }')).status === 400);
  });

  it('a broken change is refused and the previous build keeps serving', async () => {
    writeFileSync(schemaFile(), schemaWith('id: ID! name: String! color: String!'));
    await sleep(800); // longer than the watcher's debounce and the rebuild
    const { status, body } = await ask(gateway, '{ product(id: "p1") { name category } }');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal((body.data as { product: { category: string } }).product.category, productById('p1')!.category);
    assert.equal((await ask(gateway, '{ product(id: "p1") { color } }')).status, 400);
  });
});

describe('graceful shutdown', () => {
  it('close() lets an in-flight request finish, then refuses new connections', async () => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS, latencyMs: 300 });
    const config = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: { shop: { schema: schemaWith('id: ID! name: String!') } },
    });
    const env = { ...process.env, ...demo.env };
    delete env['REDIS_URL'];
    const gateway = await startGateway({ dir: config.dir, port: 0, env, log: createLogger({ level: 'silent' }) });
    try {
      const inFlight = ask(gateway, '{ product(id: "p2") { name } }');
      await sleep(100);
      const closing = gateway.close();
      const answer = await inFlight;
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.data, { product: { name: productById('p2')!.name } });
      await closing;
      await assert.rejects(fetch(`${gateway.url}/healthz`));
    } finally {
      await gateway.close();
      await demo.close();
      config.cleanup();
    }
  });
});
