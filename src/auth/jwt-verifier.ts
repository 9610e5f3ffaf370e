import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
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
  else if (options.publicKeyFile) {
    const loaded = readPublicKeyFile(resolve(baseDir, options.publicKeyFile), options.algorithms);
    if ('problem' in loaded) throw new Error(`publicKeyFile ${options.publicKeyFile}: ${loaded.problem.kind}`);
    key = loaded.key;
  } else
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

  const verified = new VerifiedTokens(options.verifiedCacheSeconds * 1000, options.clockToleranceSeconds * 1000);
  return async (token) => {
    if (Buffer.byteLength(token) > options.maxTokenBytes)
      throw new AuthFailure('token_too_large', `token is larger than ${options.maxTokenBytes} bytes`);
    const known = verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, verifyOptions));
    } catch (error) {
      throw toAuthFailure(error);
    }
    const userId = payload[options.userClaim];
    if (typeof userId !== 'string' || userId === '')
      throw new AuthFailure('invalid_claims', `token has no "${options.userClaim}" claim`);
    const identity: Identity = Object.freeze({
      userId,
      scopes: Object.freeze(listClaim(payload[options.scopesClaim] ?? payload['scp'])) as string[],
      roles: Object.freeze(listClaim(payload[options.rolesClaim])) as string[],
      method: 'jwt',
    });
    verified.set(token, identity, payload.exp! * 1000);
    return identity;
  };
}

/**
 * Tokens whose signature and claims were verified, by their exact text (so no other token can
 * hit an entry), each until the earlier of `maxAgeMs` from now and its `exp` (plus the clock
 * tolerance that verification allowed). A signature check per request is most of what a JWT
 * costs; the same caller sends the same token for its whole life. Bounded: the least recently
 * used entry goes first. A key removed from a JWKS stops accepting its tokens within `maxAgeMs`.
 */
class VerifiedTokens {
  readonly #entries: LRUCache<string, Identity> | undefined;
  constructor(
    readonly maxAgeMs: number,
    readonly clockToleranceMs: number,
  ) {
    if (maxAgeMs > 0) this.#entries = new LRUCache({ max: 10_000, ttl: maxAgeMs });
  }

  get(token: string): Identity | undefined {
    return this.#entries?.get(token);
  }

  set(token: string, identity: Identity, expiresAt: number): void {
    const ttl = Math.min(this.maxAgeMs, expiresAt + this.clockToleranceMs - Date.now());
    if (ttl > 0) this.#entries?.set(token, identity, { ttl });
  }
}

/** Why a publicKeyFile cannot verify the client's tokens; checked when the configuration loads. */
export type PublicKeyFileProblem =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'private_key' }
  | { kind: 'not_a_key' }
  | { kind: 'wrong_key_type'; keyType: string; algorithm: string; needs: string };

/** What each public-key algorithm needs: node's asymmetricKeyType, and the curve for ES*. */
function keyNeeds(algorithm: string): { types: string[]; curve?: string; shown: string } {
  if (algorithm.startsWith('RS')) return { types: ['rsa'], shown: 'rsa' };
  if (algorithm.startsWith('PS')) return { types: ['rsa', 'rsa-pss'], shown: 'rsa' };
  if (algorithm === 'EdDSA') return { types: ['ed25519', 'ed448'], shown: 'ed25519 or ed448' };
  const curve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[algorithm];
  return { types: ['ec'], curve, shown: `ec (${curve})` };
}

/**
 * Reads a PEM public key (SPKI) for `algorithms`. A missing file, a file without a public key, a
 * private key (the gateway needs only the public half) and a key that cannot verify one of the
 * algorithms are problems, never exceptions, so the configuration check can report them.
 */
export function readPublicKeyFile(
  file: string,
  algorithms: readonly string[],
): { key: KeyObject } | { problem: PublicKeyFileProblem } {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: { kind: 'missing' } };
    return { problem: { kind: 'unreadable', reason: code === 'EISDIR' ? 'it is a folder' : String(code) } };
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return { problem: { kind: 'private_key' } };
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { problem: { kind: 'not_a_key' } };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  for (const algorithm of algorithms) {
    const needs = keyNeeds(algorithm);
    if (!needs.types.includes(type) || (needs.curve && curve !== needs.curve))
      return {
        problem: {
          kind: 'wrong_key_type',
          keyType: curve ? `${type} (${curve})` : type,
          algorithm,
          needs: needs.shown,
        },
      };
  }
  return { key };
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
