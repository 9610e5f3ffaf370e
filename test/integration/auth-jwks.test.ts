// RS256 JWTs verified against a remote JWKS (a local node:http server counting its fetches):
// verification, one fetch for a burst, unknown kid, key rotation after the cooldown, pinned
// algorithms, and a JWKS that cannot be reached (503 AUTH_UNAVAILABLE, not 500).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemo, EPHEMERAL_PORTS, type Demo } from '../../demo/index.js';
import { productById } from '../../demo/data.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { createLogger } from '../../src/observability/index.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { generateRsaKey, hsToken, rsToken, type RsaKey } from '../helpers/tokens.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'facet-app';
const COOLDOWN_MS = 200;
const APP_SCHEMA = `type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n`;
const QUERY = '{ product(id: "p1") { id name } }';

interface JwksServer {
  url: string;
  fetches: () => number;
  /** What GET /jwks.json answers: a key set, or a raw body with a status. */
  serve(answer: { keys: RsaKey[] } | { status: number; body: string }): void;
  close(): Promise<void>;
}

async function startJwksServer(port = 0): Promise<JwksServer> {
  let fetches = 0;
  let answer: { keys: RsaKey[] } | { status: number; body: string } = { keys: [] };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks.json') return void res.writeHead(404).end();
    fetches++;
    if ('keys' in answer) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: answer.keys.map((k) => k.publicJwk) }));
    } else {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/jwks.json`,
    fetches: () => fetches,
    serve: (a) => {
      answer = a;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function appConfig(jwksUrl: string, extra = ''): FixtureConfig {
  return createFixtureConfig({
    sources: ['catalog.graphql'],
    clients: {
      app: {
        yaml: [
          'auth:',
          '  jwt:',
          `    jwksUrl: ${jwksUrl}`,
          '    algorithms: [RS256]',
          `    issuer: ${ISSUER}`,
          `    audience: ${AUDIENCE}`,
          `    jwksCooldownMs: ${COOLDOWN_MS}`,
          extra,
        ].join('\n'),
        schema: APP_SCHEMA,
      },
    },
  });
}

async function post(gateway: RunningGateway, token: string | undefined, query = QUERY) {
  const res = await fetch(`${gateway.url}/app/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: JSON.parse(text) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

const claims = { iss: ISSUER, aud: AUDIENCE };

describe('JWT authentication against a JWKS (RS256)', () => {
  let demo: Demo;
  let jwks: JwksServer;
  const fixtures: FixtureConfig[] = [];
  const gateways: RunningGateway[] = [];
  let keyA: RsaKey;
  let keyB: RsaKey;
  /** A key no JWKS here ever serves. */
  let stranger: RsaKey;

  async function gatewayFor(config: FixtureConfig): Promise<RunningGateway> {
    fixtures.push(config);
    const gateway = await startGateway({
      dir: config.dir,
      port: 0,
      env: { ...process.env, ...demo.env },
      log: createLogger({ level: 'silent' }),
      shutdownTimeoutMs: 1000,
    });
    gateways.push(gateway);
    return gateway;
  }

  before(async () => {
    [demo, jwks, keyA, keyB, stranger] = await Promise.all([
      startDemo({ ports: EPHEMERAL_PORTS }),
      startJwksServer(),
      generateRsaKey('key-a'),
      generateRsaKey('key-b'),
      generateRsaKey('kid-nobody-knows'),
    ]);
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all([demo?.close(), jwks?.close()]);
    for (const f of fixtures) f.cleanup();
  });

  describe('one gateway, one key set (tests run in order)', () => {
    let gateway: RunningGateway;
    before(async () => {
      jwks.serve({ keys: [keyA] });
      gateway = await gatewayFor(appConfig(jwks.url));
    });

    it('20 concurrent requests with RS256 tokens all verify, with one JWKS fetch', async () => {
      assert.equal(jwks.fetches(), 0, 'the JWKS is fetched lazily, on the first token');
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => rsToken(keyA, { ...claims, sub: `user-${i}` })),
      );
      const answers = await Promise.all(tokens.map((t) => post(gateway, t)));
      for (const res of answers) {
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.data, { product: { id: 'p1', name: productById('p1')?.name } }, res.text);
      }
      assert.equal(jwks.fetches(), 1, 'the key set is fetched once for the whole burst');
    });

    it('later tokens use the cached key set', async () => {
      const before = jwks.fetches();
      const res = await post(gateway, await rsToken(keyA, claims));
      assert.equal(res.status, 200, res.text);
      assert.equal(jwks.fetches(), before);
    });

    it('a token whose kid is in no key set → 401 unknown_key', async () => {
      await sleep(COOLDOWN_MS + 50);
      const res = await post(gateway, await rsToken(stranger, claims));
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
      assert.equal(res.body.errors?.[0]?.extensions?.['reason'], 'unknown_key', res.text);
      assert.ok(res.headers.get('www-authenticate')?.startsWith('Bearer'));
    });

    it('unknown kids do not refetch the key set more than once per cooldown', async () => {
      await sleep(COOLDOWN_MS + 50);
      const before = jwks.fetches();
      const tokens = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rsToken(stranger, { ...claims, sub: `s${i}` })),
      );
      const started = Date.now();
      const answers = await Promise.all(tokens.map((t) => post(gateway, t)));
      const elapsed = Date.now() - started;
      for (const res of answers) assert.equal(res.body.errors?.[0]?.extensions?.['reason'], 'unknown_key', res.text);
      // at most one refetch per cooldown period the burst lasted (one, unless the machine is very slow)
      const allowed = 1 + Math.floor(elapsed / COOLDOWN_MS);
      assert.ok(jwks.fetches() - before >= 1, 'an unknown kid after the cooldown refetches the key set');
      assert.ok(
        jwks.fetches() - before <= allowed,
        `refetched ${jwks.fetches() - before} times for 10 unknown kids in ${elapsed} ms`,
      );
    });

    it('after the key set rotates (new kid) and the cooldown passes, a token with the new kid verifies', async () => {
      jwks.serve({ keys: [keyB] });
      await sleep(COOLDOWN_MS + 100);
      const before = jwks.fetches();
      const res = await post(gateway, await rsToken(keyB, { ...claims, sub: 'rotated' }));
      assert.equal(res.status, 200, res.text);
      assert.equal(jwks.fetches(), before + 1, 'the new kid triggers one refetch');
      // the retired key is gone from the refetched set
      await sleep(COOLDOWN_MS + 100);
      const old = await post(gateway, await rsToken(keyA, claims));
      assert.equal(old.status, 401, old.text);
      assert.equal(old.body.errors?.[0]?.extensions?.['reason'], 'unknown_key', old.text);
    });

    it('an HS256 token → 401 algorithm_not_allowed, without fetching the key set', async () => {
      const before = jwks.fetches();
      const res = await post(gateway, await hsToken({ ...claims, kid: 'key-b' }));
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.errors?.[0]?.extensions?.['reason'], 'algorithm_not_allowed', res.text);
      assert.equal(jwks.fetches(), before);
    });

    it('an RS256 token with the wrong audience → 401 wrong_audience', async () => {
      const res = await post(gateway, await rsToken(keyB, { ...claims, aud: 'other' }));
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.errors?.[0]?.extensions?.['reason'], 'wrong_audience', res.text);
    });

    it('when the key server starts failing, tokens with a cached kid keep verifying without a fetch', async () => {
      jwks.serve({ status: 500, body: '{"error":"down"}' });
      await sleep(COOLDOWN_MS + 50);
      const before = jwks.fetches();
      const res = await post(gateway, await rsToken(keyB, claims));
      assert.equal(res.status, 200, res.text);
      assert.equal(jwks.fetches(), before);
    });
  });

  function assertUnavailable(res: Awaited<ReturnType<typeof post>>): void {
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.data, undefined);
    assert.equal(res.body.errors?.[0]?.extensions?.['code'], 'AUTH_UNAVAILABLE', res.text);
    assert.equal(res.body.errors?.[0]?.extensions?.['reason'], 'keys_unavailable', res.text);
    assert.doesNotMatch(
      res.text,
      /\bat .+\.(ts|js):\d+|ECONNREFUSED|127\.0\.0\.1/,
      'no stack trace or key-server address in the answer',
    );
  }

  it('JWKS server down on a cold gateway → 503 AUTH_UNAVAILABLE (not 500, no stack), no backend call; recovers once it is up', async () => {
    const port = await closedPort();
    const gateway = await gatewayFor(appConfig(`http://127.0.0.1:${port}/jwks.json`));
    const calls = demo.catalog.calls.total();
    const started = Date.now();
    const res = await post(gateway, await rsToken(keyA, claims));
    assertUnavailable(res);
    assert.ok(Date.now() - started < 3000, 'answered promptly');
    assert.equal(demo.catalog.calls.total(), calls, 'no backend call for the refused request');

    // the key server comes up (on the same port): the next request fetches the keys and verifies
    const revived = await startJwksServer(port);
    try {
      revived.serve({ keys: [keyA] });
      const again = await post(gateway, await rsToken(keyA, claims));
      assert.equal(again.status, 200, again.text);
      assert.equal(revived.fetches(), 1);
    } finally {
      await revived.close();
    }
  });

  it('a JWKS that never answers → 503 AUTH_UNAVAILABLE within jwksTimeoutMs', async () => {
    const hanging = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hanging.address() as AddressInfo;
      const gateway = await gatewayFor(appConfig(`http://127.0.0.1:${port}/jwks.json`, '    jwksTimeoutMs: 300'));
      const started = Date.now();
      const res = await post(gateway, await rsToken(keyA, claims));
      assertUnavailable(res);
      assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('a JWKS answering 500 → 503 AUTH_UNAVAILABLE', async () => {
    const broken = await startJwksServer();
    try {
      broken.serve({ status: 500, body: '{"error":"boom"}' });
      const gateway = await gatewayFor(appConfig(broken.url));
      assertUnavailable(await post(gateway, await rsToken(keyA, claims)));
    } finally {
      await broken.close();
    }
  });

  it('a JWKS answering a malformed key set ({"keys":"nope"}) → 503 AUTH_UNAVAILABLE, not the caller\'s fault', async () => {
    const broken = await startJwksServer();
    try {
      broken.serve({ status: 200, body: '{"keys":"nope"}' });
      const gateway = await gatewayFor(appConfig(broken.url));
      assertUnavailable(await post(gateway, await rsToken(keyA, claims)));
    } finally {
      await broken.close();
    }
  });
});
