// The verified-token cache of the JWT verifier: a token verified once is not checked again while
// it is remembered, never past its exp, and only the exact same text hits. The signature checks
// are counted by wrapping WebCrypto's verify, which jose uses.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { createJwtVerifier } from '../../src/auth/jwt-verifier.js';
import { AuthFailure } from '../../src/auth/auth-failure.js';
import type { JwtOptions } from '../../src/auth/auth-options.js';

const secret = 'a-test-secret-that-is-at-least-32-characters-long';
const options = (overrides: Partial<JwtOptions> = {}): JwtOptions => ({
  issuer: 'facet-test',
  audience: 'facet-test',
  algorithms: ['HS256'],
  secret,
  jwksTimeoutMs: 3000,
  jwksCooldownMs: 30_000,
  clockToleranceSeconds: 0,
  verifiedCacheSeconds: 60,
  maxTokenBytes: 8192,
  userClaim: 'sub',
  scopesClaim: 'scope',
  rolesClaim: 'roles',
  ...overrides,
});

async function token(sub: string, expiresAt: number, scope = 'orders:read'): Promise<string> {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('facet-test')
    .setAudience('facet-test')
    .setSubject(sub)
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(new TextEncoder().encode(secret));
}

const reason = (error: unknown) => (error instanceof AuthFailure ? error.reason : String(error));

describe('JWT verifier: verified tokens are remembered', () => {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.verify;
  let checks = 0;
  beforeEach(() => {
    checks = 0;
    subtle.verify = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['verify']>) {
      checks++;
      return original.apply(this, args);
    } as SubtleCrypto['verify'];
  });
  afterEach(() => {
    subtle.verify = original;
  });

  it('checks the signature of a token once, then answers from memory with the same identity', async () => {
    const verify = createJwtVerifier(options(), '.');
    const jwt = await token('u1', Date.now() + 3_600_000);
    const first = await verify(jwt);
    const second = await verify(jwt);
    assert.deepEqual(first, { userId: 'u1', scopes: ['orders:read'], roles: [], method: 'jwt' });
    assert.equal(second, first);
    assert.equal(checks, 1);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.scopes), 'a shared identity cannot be changed');
  });

  it('only the exact text hits: another token, or the same claims with a forged signature, is verified', async () => {
    const verify = createJwtVerifier(options(), '.');
    const jwt = await token('u1', Date.now() + 3_600_000);
    await verify(jwt);
    const forged = `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    await assert.rejects(verify(forged), (e) => reason(e) === 'bad_signature');
    await verify(await token('u2', Date.now() + 3_600_000));
    assert.equal(checks, 3);
  });

  it('never past exp: a remembered token that expires is refused as expired', async () => {
    const verify = createJwtVerifier(options(), '.');
    const expiresAt = (Math.floor(Date.now() / 1000) + 2) * 1000; // exp is in whole seconds
    const jwt = await token('u1', expiresAt);
    await verify(jwt);
    await sleep(expiresAt - Date.now() + 50);
    await assert.rejects(verify(jwt), (e) => reason(e) === 'token_expired');
  });

  it('verifiedCacheSeconds: 0 checks every time', async () => {
    const verify = createJwtVerifier(options({ verifiedCacheSeconds: 0 }), '.');
    const jwt = await token('u1', Date.now() + 3_600_000);
    await verify(jwt);
    await verify(jwt);
    assert.equal(checks, 2);
  });
});
