// One caller must never degrade the gateway for others: identity values that cannot go into a
// header or gRPC metadata as they are (non-ASCII, CR/LF/NUL) are percent-encoded, and a request
// the gateway itself fails to build never counts against a backend's circuit breaker.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EPHEMERAL_PORTS, startDemo } from '../../demo/index.js';
import { userById } from '../../demo/data.js';
import { loadService } from '../../src/sources/grpc/load-proto.js';
import { createGrpcClient } from '../../src/sources/grpc/grpc-client.js';
import { createHttpClient } from '../../src/sources/rest/http-client.js';
import type { SourceDefinition } from '../../src/sources/model.js';
import { isBackendFailure, LocalCallError } from '../../src/sources/upstream-errors.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { asUser, errorsWithCode, HOME_QUERY, repoRoot, startStack, type Stack } from '../helpers/gateway.js';
import { startStackRecording, type RecordingStack } from '../helpers/upstream-recorder.js';

const HOSTILE_SUBJECTS = ['josé\r\n', '用户1', 'a\u0000b', 'x%41'];

describe('callers with non-ASCII or control characters in their identity', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('50 home requests with sub "josé\\r\\n" get a clear answer and leave every circuit closed for other users', async () => {
    const hostile = await asUser('josé\r\n');
    const answers = [];
    for (let wave = 0; wave < 5; wave++)
      answers.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => stack.gql('mobile', HOME_QUERY, { headers: hostile })))),
      );
    for (const res of answers) {
      assert.equal(res.status, 200, res.text);
      // an unknown user: no profile, no orders; never a backend or circuit error
      const home = (res.body.data as { home: { me: unknown; recentOrders: unknown[] } }).home;
      assert.equal(home.me, null, res.text);
      assert.deepEqual(home.recentOrders, [], res.text);
      assert.equal(res.body.errors, undefined, res.text);
    }
    const other = await stack.gql('mobile', HOME_QUERY, { headers: await asUser('u1') });
    assert.equal(other.body.errors, undefined, other.text);
    assert.equal(errorsWithCode(other.body, 'CIRCUIT_OPEN').length, 0);
    assert.equal((other.body.data as { home: { me: { name: string } } }).home.me.name, userById('u1')?.name);
  });

  for (const sub of HOSTILE_SUBJECTS) {
    it(`sub ${JSON.stringify(sub)}: the orders (gRPC) and users (REST) calls succeed`, async () => {
      const res = await stack.gql('mobile', HOME_QUERY, { headers: await asUser(sub) });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
    });
  }
});

describe('forwarded identity headers', () => {
  let stack: RecordingStack;
  before(async () => {
    stack = await startStackRecording('users');
  });
  after(() => stack.close());

  it('are percent-encoded (UTF-8) when they hold anything but visible ASCII, so decodeURIComponent restores them', async () => {
    for (const sub of HOSTILE_SUBJECTS) {
      stack.recorder.calls.length = 0;
      await stack.gql('mobile', '{ home { me { id } } }', { headers: await asUser(sub) });
      const sent = stack.recorder.calls[0]?.headers['x-user-id'];
      assert.equal(typeof sent, 'string');
      assert.match(sent as string, /^[\x21-\x7e]+$/, 'only visible ASCII reaches the header');
      assert.equal(decodeURIComponent(sent as string), sub);
    }
  });

  it('are sent as they are when they are visible ASCII without "%"', async () => {
    stack.recorder.calls.length = 0;
    await stack.gql('mobile', '{ home { me { id } } }', { headers: await asUser('u1', 'orders:read payments:read') });
    assert.equal(stack.recorder.calls[0]?.headers['x-user-id'], 'u1');
    assert.equal(stack.recorder.calls[0]?.headers['x-scopes'], 'orders:read payments:read');
  });
});

describe('a request the gateway cannot build', () => {
  let fixture: FixtureConfig;
  let stack: Stack;
  before(async () => {
    fixture = createFixtureConfig({
      sources: [],
      clients: {
        shop: {
          schema:
            'type Query { productIn(id: ID!, locale: String!): LocalizedProduct }\ntype LocalizedProduct { id: ID! name: String! }',
        },
      },
    });
    writeFileSync(
      join(fixture.dir, 'schema', 'localized.graphql'),
      [
        'extend schema @source(name: "localized", protocol: REST, url: "${CATALOG_URL}")',
        'type LocalizedProduct { id: ID! name: String! }',
        'type Query { productIn(id: ID!, locale: String!): LocalizedProduct @http(GET: "/products/{args.id}", headers: { accept_language: "{args.locale}" }) }',
      ].join('\n'),
    );
    stack = await startStack({ dir: fixture.dir });
  });
  after(async () => {
    await stack?.close();
    fixture?.cleanup();
  });

  it('(a header value with CR/LF from an argument) is a clear BAD_USER_INPUT, never sent, and never opens the circuit', async () => {
    const query = 'query($locale: String!) { productIn(id: "p1", locale: $locale) { name } }';
    stack.demo.resetCounters();
    for (let i = 0; i < 20; i++) {
      const res = await stack.gql('shop', query, { variables: { locale: 'fr\r\nx-injected: 1' } });
      assert.equal(res.status, 200, res.text);
      const [error] = errorsWithCode(res.body, 'BAD_USER_INPUT');
      assert.equal(error?.extensions?.source, 'localized', res.text);
      assert.doesNotMatch(res.text, /x-injected|accept-language|undici/i, 'no internals in the answer');
    }
    assert.equal(stack.demo.catalog.calls.total(), 0, 'nothing reached the backend');
    const ok = await stack.gql('shop', query, { variables: { locale: 'fr' } });
    assert.equal(ok.body.errors, undefined, ok.text);
    assert.equal((ok.body.data as { productIn: { name: string } }).productIn.name.length > 0, true);
  });
});

describe('errors raised before a call leaves the gateway', () => {
  it('are LocalCallErrors, which the circuit breaker never counts (REST header, gRPC metadata, gRPC serialization)', async (t) => {
    const demo = await startDemo({ ports: EPHEMERAL_PORTS });
    t.after(() => demo.close());
    const base = { timeoutMs: 2000, retries: 1, connections: 1, maxResponseBytes: 1 << 20 };
    const rest = createHttpClient({ ...base, name: 'users', url: demo.users.address } as SourceDefinition);
    t.after(() => rest.close());
    const restError = await rest
      .request({ method: 'GET', path: '/users/u1', headers: { 'x-user-id': '用户1' } })
      .catch((e: unknown) => e);
    assert.ok(restError instanceof LocalCallError, String(restError));

    const Service = loadService(join(repoRoot, 'schema', 'orders.proto'), 'shop.orders.v1.OrderService');
    const grpc = createGrpcClient(
      { ...base, name: 'orders', url: demo.orders.address, service: 'shop.orders.v1.OrderService' } as SourceDefinition,
      Service,
      { nonIdempotentMethods: new Set() },
    );
    t.after(() => grpc.close());
    const grpcError = await grpc
      .call('ListOrdersByUser', { userId: 'u1' }, { 'x-user-id': 'josé' })
      .catch((e: unknown) => e);
    assert.ok(grpcError instanceof LocalCallError, String(grpcError));
    // a request message protobuf cannot serialize (a string where a list of messages goes)
    const serializeError = await grpc
      .call('CreateOrder', { userId: 'u1', items: 'not a list' }, {})
      .catch((e: unknown) => e);
    assert.ok(serializeError instanceof LocalCallError, String(serializeError));
    assert.equal(isBackendFailure(serializeError), false);

    assert.equal(isBackendFailure(restError), false);
    assert.equal(isBackendFailure(grpcError), false);
    assert.equal(demo.users.calls.total() + demo.orders.calls.total(), 0);
  });
});
