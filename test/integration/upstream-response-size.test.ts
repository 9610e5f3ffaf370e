// Backend answers are bounded by @source(maxResponseBytes:): a larger answer fails the call fast
// with UPSTREAM_BAD_RESPONSE naming the source — refused from its Content-Length, or cut off while
// streaming (the connection is dropped) — and counts as a backend failure for the circuit breaker.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { errorsWithCode, repoRoot, startStack, type Stack } from '../helpers/gateway.js';

const LIMIT = 2048;
/** gRPC messages are compact (protobuf): u1's whole order history is about 1.5 KB. */
const GRPC_LIMIT = 512;

/** A source file of the repository with `maxResponseBytes` added to its @source. */
function withLimit(file: string, limit: number): string {
  const text = readFileSync(join(repoRoot, 'schema', file), 'utf8');
  const limited = text.replace(/timeoutMs: 2000\)/, `timeoutMs: 2000, maxResponseBytes: ${limit})`);
  assert.notEqual(limited, text, `${file}: no @source to limit`);
  return limited;
}

/** A backend whose answers are too large: a lying Content-Length, or an endless chunked body. */
interface BulkyBackend {
  url: string;
  closedEarly: () => number;
  close: () => Promise<void>;
}
async function startBulkyBackend(): Promise<BulkyBackend> {
  let closedEarly = 0;
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (!res.writableEnded) closedEarly++;
    });
    if (req.url === '/blob/declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      res.write('{"size":'); // then stalls: only the declared length can tell it is too large
      return;
    }
    if (req.url === '/blob/endless') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.write('{"size":1,"pad":"');
      const timer = setInterval(() => {
        if (!res.destroyed) res.write(chunk);
      }, 1);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"size":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closedEarly: () => closedEarly,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('@source(maxResponseBytes:)', () => {
  let fixture: FixtureConfig;
  let bulky: BulkyBackend;
  let stack: Stack;

  before(async () => {
    bulky = await startBulkyBackend();
    fixture = createFixtureConfig({
      sources: ['orders.proto'],
      clients: {
        shop: {
          schema: [
            'type Query {',
            '  product(id: ID!): Product',
            '  products(ids: [ID!]!): [Product]!',
            '  ordersOfUser(userId: ID!, last: Int = 10): [Order!]!',
            '  blob(mode: String!): Blob',
            '}',
            'type Product { id: ID! name: String! description: String! }',
            'type Order { id: ID! status: String! }',
            'type Blob { size: Int }',
          ].join('\n'),
        },
      },
    });
    writeFileSync(join(fixture.dir, 'schema', 'catalog.graphql'), withLimit('catalog.graphql', LIMIT));
    writeFileSync(join(fixture.dir, 'schema', 'orders.graphql'), withLimit('orders.graphql', GRPC_LIMIT));
    // default limit (1 MiB), a long timeout (a timeout would be slow) and no retries
    writeFileSync(
      join(fixture.dir, 'schema', 'bulky.graphql'),
      [
        'extend schema @source(name: "bulky", protocol: REST, url: "${BULKY_URL}", timeoutMs: 10000, retries: 0)',
        'type Blob { size: Int }',
        'type Query { blob(mode: String!): Blob @http(GET: "/blob/{args.mode}") }',
      ].join('\n'),
    );
    stack = await startStack({ dir: fixture.dir, env: { BULKY_URL: bulky.url } });
  });
  after(async () => {
    await stack?.close();
    await bulky?.close();
    fixture?.cleanup();
  });

  it('REST: an answer within the limit is read; one above it is UPSTREAM_BAD_RESPONSE from the source', async () => {
    const small = await stack.gql('shop', '{ product(id: "p1") { id } }');
    assert.equal(small.body.errors, undefined, small.text);
    const ids = Array.from({ length: 40 }, (_, i) => `p${i + 1}`);
    const big = await stack.gql(
      'shop',
      '{ products(ids: $ids) { id description } }'.replace('$ids', JSON.stringify(ids)),
    );
    assert.equal(big.status, 200, big.text);
    const [error] = errorsWithCode(big.body, 'UPSTREAM_BAD_RESPONSE');
    assert.equal(error?.extensions?.source, 'catalog', big.text);
    assert.equal(error?.extensions?.['maxResponseBytes'], LIMIT, big.text);
  });

  it('gRPC: a message above the limit is UPSTREAM_BAD_RESPONSE from the source', async () => {
    const small = await stack.gql('shop', '{ ordersOfUser(userId: "u1", last: 1) { id } }');
    assert.equal(small.body.errors, undefined, small.text);
    const big = await stack.gql('shop', '{ ordersOfUser(userId: "u1", last: 100) { id status } }');
    const [error] = errorsWithCode(big.body, 'UPSTREAM_BAD_RESPONSE');
    assert.equal(error?.extensions?.source, 'orders', big.text);
  });

  it('a Content-Length above the limit is refused at once, without waiting for the body', async () => {
    const started = performance.now();
    const res = await stack.gql('shop', '{ blob(mode: "declared") { size } }');
    assert.ok(performance.now() - started < 1_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(errorsWithCode(res.body, 'UPSTREAM_BAD_RESPONSE')[0]?.extensions?.source, 'bulky', res.text);
  });

  it('an endless body is cut off at the limit: the call fails fast and the connection is dropped', async () => {
    const closedBefore = bulky.closedEarly();
    const started = performance.now();
    const res = await stack.gql('shop', '{ blob(mode: "endless") { size } }');
    assert.ok(performance.now() - started < 1_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(errorsWithCode(res.body, 'UPSTREAM_BAD_RESPONSE')[0]?.extensions?.source, 'bulky', res.text);
    for (let i = 0; i < 50 && bulky.closedEarly() === closedBefore; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(bulky.closedEarly(), closedBefore + 1, 'the gateway stopped reading and closed the connection');
  });

  it('over-limit answers are backend failures: five of them open the circuit', async () => {
    for (let i = 0; i < 3; i++) await stack.gql('shop', '{ blob(mode: "endless") { size } }'); // 5 with the two above
    const res = await stack.gql('shop', '{ blob(mode: "small") { size } }');
    assert.equal(errorsWithCode(res.body, 'CIRCUIT_OPEN')[0]?.extensions?.source, 'bulky', res.text);
  });
});
