// Bearer JWTs on the demo's mobile client (HS256, issuer/audience facet-demo): every kind of bad
// credential is refused with 401, a stable reason and a Bearer challenge, before any backend is
// called; a valid token identifies the user, and forged identity headers are ignored.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { userById } from '../../demo/data.js';
import { backendCalls, type GqlResponse } from '../helpers/gateway.js';
import { startStackRecording, type RecordingStack, type UpstreamRecorder } from '../helpers/upstream-recorder.js';
import {
  DEMO_SECRET,
  algNoneToken,
  badSignatureToken,
  expiredToken,
  notYetValidToken,
  oversizedToken,
  rsTokenForDemo,
  validToken,
  wrongAudienceToken,
  wrongIssuerToken,
} from '../helpers/tokens.js';

/** Touches every demo backend: users (me), orders (recentOrders), recommendations, catalog (product names). */
const HOME = `{ home { me { id name } recentOrders(last: 2) { id items { product { name } } } recommended(limit: 2) { reason product { name } } } }`;

describe('JWT authentication (mobile, HS256)', () => {
  let stack: RecordingStack;
  let users: UpstreamRecorder;

  before(async () => {
    // The users backend is reached through a recording proxy, to see the headers the gateway sends.
    stack = await startStackRecording('users');
    users = stack.recorder;
  });
  after(() => stack?.close());
  beforeEach(() => {
    stack.demo.resetCounters();
    users.calls.length = 0;
  });

  function assertRefused(res: GqlResponse, reason: string): void {
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.data, undefined, `a refused request has no data: ${res.text}`);
    assert.equal(res.body.errors?.length, 1, res.text);
    const error = res.body.errors[0]!;
    assert.equal(error.extensions?.code, 'UNAUTHENTICATED', res.text);
    assert.equal(error.extensions?.['reason'], reason, res.text);
    assert.equal(typeof error.message, 'string');
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.ok(challenge.startsWith('Bearer'), `WWW-Authenticate starts with Bearer, got ${challenge}`);
    assert.match(challenge, /realm="mobile"/);
    assert.doesNotMatch(res.text, /\bat .+\.(ts|js):\d+/, 'no stack trace in the answer');
  }

  it('a valid token answers the whole home screen (the refusals below are not for lack of a working query)', async () => {
    const res = await stack.gql('mobile', HOME, {
      headers: { authorization: `Bearer ${await validToken({ sub: 'u1', scope: 'orders:read' })}` },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    const home = res.body.data?.['home'] as {
      me: { id: string; name: string };
      recentOrders: unknown[];
      recommended: unknown[];
    };
    assert.deepEqual(home.me, { id: 'u1', name: userById('u1')?.name });
    assert.equal(home.recentOrders.length, 2);
    assert.equal(home.recommended.length, 2);
    for (const backend of ['users', 'catalog', 'orders', 'recommendations'] as const) {
      assert.ok(stack.demo[backend].calls.total() > 0, `${backend} was called`);
    }
    assert.equal(res.headers.get('www-authenticate'), null, 'no challenge on success');
  });

  const cases: Array<[string, string, () => Promise<Record<string, string>>]> = [
    ['an expired token', 'token_expired', async () => ({ authorization: `Bearer ${await expiredToken()}` })],
    [
      'a token not valid yet (nbf in the future)',
      'token_not_yet_valid',
      async () => ({ authorization: `Bearer ${await notYetValidToken()}` }),
    ],
    [
      'a token from another issuer',
      'wrong_issuer',
      async () => ({ authorization: `Bearer ${await wrongIssuerToken()}` }),
    ],
    [
      'a token for another audience',
      'wrong_audience',
      async () => ({ authorization: `Bearer ${await wrongAudienceToken()}` }),
    ],
    [
      'a token signed with another secret',
      'bad_signature',
      async () => ({ authorization: `Bearer ${await badSignatureToken()}` }),
    ],
    [
      'an unsigned token (alg none)',
      'algorithm_not_allowed',
      async () => ({ authorization: `Bearer ${algNoneToken()}` }),
    ],
    [
      'an RS256 token sent to the HS256 client (HS/RS confusion)',
      'algorithm_not_allowed',
      async () => ({ authorization: `Bearer ${await rsTokenForDemo()}` }),
    ],
    ['Authorization: Basic', 'malformed_authorization', async () => ({ authorization: 'Basic dTE6cGFzc3dvcmQ=' })],
    ['Authorization: Bearer with no token', 'malformed_authorization', async () => ({ authorization: 'Bearer' })],
    ['a bearer value that is not a JWT (a.b)', 'malformed_token', async () => ({ authorization: 'Bearer a.b' })],
    [
      'a token over 8192 bytes',
      'token_too_large',
      async () => ({ authorization: `Bearer ${await oversizedToken(8192)}` }),
    ],
    ['no credentials at all', 'missing_credentials', async () => ({})],
    ['only a forged X-User-ID header', 'missing_credentials', async () => ({ 'x-user-id': 'u1' })],
  ];
  for (const [what, reason, headers] of cases) {
    it(`${what} → 401 ${reason}, Bearer challenge, no data, no backend call`, async () => {
      const before = backendCalls(stack.demo);
      const res = await stack.gql('mobile', HOME, { headers: await headers() });
      assertRefused(res, reason);
      assert.equal(
        backendCalls(stack.demo) - before,
        0,
        `backend calls: ${JSON.stringify({ users: stack.demo.users.calls.byOperation(), orders: stack.demo.orders.calls.byOperation() })}`,
      );
      assert.equal(users.calls.length, 0);
    });
  }

  it('a token without exp → 401 invalid_claims (exp is required)', async () => {
    const token = await new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('facet-demo')
      .setAudience('facet-demo')
      .sign(new TextEncoder().encode(DEMO_SECRET));
    assertRefused(await stack.gql('mobile', HOME, { headers: { authorization: `Bearer ${token}` } }), 'invalid_claims');
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('a token with an empty subject → 401 invalid_claims', async () => {
    assertRefused(
      await stack.gql('mobile', HOME, { headers: { authorization: `Bearer ${await validToken({ sub: '' })}` } }),
      'invalid_claims',
    );
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('the auth scheme is case-insensitive: "bearer <token>" works', async () => {
    const res = await stack.gql('mobile', '{ home { me { id } } }', {
      headers: { authorization: `bearer ${await validToken({ sub: 'u2' })}` },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { home: { me: { id: 'u2' } } });
  });

  it('a tampered payload (same signature, another subject) → 401 bad_signature', async () => {
    const [header, , signature] = (await validToken({ sub: 'u1' })).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'u2', iss: 'facet-demo', aud: 'facet-demo', exp: Math.floor(Date.now() / 1000) + 3600 }),
    ).toString('base64url');
    const res = await stack.gql('mobile', HOME, {
      headers: { authorization: `Bearer ${header}.${forged}.${signature}` },
    });
    assertRefused(res, 'bad_signature');
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('the 401 challenge carries error="invalid_token" for a bad token, and none for missing credentials', async () => {
    const bad = await stack.gql('mobile', '{ __typename }', {
      headers: { authorization: `Bearer ${await expiredToken()}` },
    });
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const missing = await stack.gql('mobile', '{ __typename }');
    assert.doesNotMatch(missing.headers.get('www-authenticate') ?? '', /error=/);
  });

  it('home.me is the token subject', async () => {
    for (const sub of ['u1', 'u2', 'u42']) {
      const res = await stack.gql('mobile', '{ home { me { id name } } }', {
        headers: { authorization: `Bearer ${await validToken({ sub })}` },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { home: { me: { id: sub, name: userById(sub)?.name } } }, res.text);
    }
  });

  it('a forged X-User-ID (and X-Scopes) next to a valid u1 token changes nothing: the user stays u1 upstream', async () => {
    const res = await stack.gql('mobile', '{ home { me { id name } recentOrders(last: 1) { id } } }', {
      headers: {
        authorization: `Bearer ${await validToken({ sub: 'u1' })}`,
        'x-user-id': 'u2',
        'x-scopes': 'orders:read',
        'x-consumer': 'evil',
      },
    });
    assert.equal(res.status, 200, res.text);
    const home = res.body.data?.['home'] as { me: { id: string; name: string }; recentOrders: unknown };
    assert.deepEqual(home.me, { id: 'u1', name: userById('u1')?.name });
    // the forged scope did not grant orders:read
    assert.equal(home.recentOrders, null, res.text);
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'FORBIDDEN', res.text);
    assert.equal(stack.demo.orders.calls.total(), 0);
    // what the users backend saw
    assert.equal(users.calls.length, 1, JSON.stringify(users.calls));
    const call = users.calls[0]!;
    assert.equal(call.url, '/users/u1');
    assert.equal(call.headers['x-user-id'], 'u1');
    assert.equal(call.headers['x-scopes'], undefined, 'the token has no scopes, the forged one is not forwarded');
    assert.equal(call.headers['x-consumer'], undefined);
    assert.equal(call.headers['authorization'], undefined, 'the bearer token is not forwarded to backends');
  });

  it('the verified scopes are forwarded as X-Scopes', async () => {
    const res = await stack.gql('mobile', '{ home { me { id } } }', {
      headers: { authorization: `Bearer ${await validToken({ sub: 'u3', scope: 'orders:read extra:thing' })}` },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(users.calls.length, 1);
    assert.equal(users.calls[0]!.headers['x-user-id'], 'u3');
    assert.equal(users.calls[0]!.headers['x-scopes'], 'orders:read extra:thing');
  });
});
