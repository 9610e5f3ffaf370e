import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtOptions } from './auth-options.js';
import type { Identity } from './identity.js';
import { AuthFailure } from './auth-failure.js';

/**
 * Verifies bearer tokens for one client with jose. The key material is prepared once: a secret
 * (HS*), a PEM public key, or a remote JWKS that jose caches and refetches on an unknown `kid`
 * at most once per cooldown. Algorithms are always pinned, so `alg: none` and HS/RS key
 * confusion are refused before any signature check.
 */
export function createJwtVerifier(options: JwtOptions, baseDir: string): (token: string) => Promise<Identity> {
  let key: Uint8Array | KeyObject | ReturnType<typeof createRemoteJWKSet>;
  if (options.secret) key = new TextEncoder().encode(options.secret);
  else if (options.publicKeyFile)
    key = createPublicKey(readFileSync(new URL(options.publicKeyFile, `file://${baseDir}/`), 'utf8'));
  else
    key = createRemoteJWKSet(new URL(options.jwksUrl!), {
      timeoutDuration: options.jwksTimeoutMs,
      cooldownDuration: options.jwksCooldownMs,
      cacheMaxAge: 10 * 60_000,
    });

  const verifyOptions = {
    algorithms: options.algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };

  return async (token) => {
    if (Buffer.byteLength(token) > options.maxTokenBytes)
      throw new AuthFailure('token_too_large', `token is larger than ${options.maxTokenBytes} bytes`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, verifyOptions));
    } catch (error) {
      throw toAuthFailure(error);
    }
    const userId = payload[options.userClaim];
    if (typeof userId !== 'string' || userId === '')
      throw new AuthFailure('invalid_claims', `token has no "${options.userClaim}" claim`);
    return {
      userId,
      scopes: listClaim(payload[options.scopesClaim] ?? payload['scp']),
      roles: listClaim(payload[options.rolesClaim]),
      method: 'jwt',
    };
  };
}

function listClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** jose's error classes → stable reasons. A JWKS that cannot be reached is a 503, not the caller's fault. */
function toAuthFailure(error: unknown): AuthFailure {
  if (error instanceof errors.JWTExpired) return new AuthFailure('token_expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return new AuthFailure('token_not_yet_valid');
    if (error.claim === 'iss') return new AuthFailure('wrong_issuer');
    if (error.claim === 'aud') return new AuthFailure('wrong_audience');
    return new AuthFailure('invalid_claims', `token claim "${error.claim}" is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthFailure('bad_signature');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new AuthFailure('algorithm_not_allowed');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return new AuthFailure('unknown_key');
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
    (error instanceof TypeError && /fetch/i.test(error.message))
  ) {
    return new AuthFailure('keys_unavailable');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSEError)
    return new AuthFailure('malformed_token');
  return new AuthFailure('invalid_token');
}
