// Test tokens: HS256 tokens for the demo issuer (clients/mobile, clients/web), with overrides for
// every way a token can be wrong, plus RS256 keys and tokens for JWKS tests.
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** The demo's shared secret (clients/*\/client.yaml: FACET_DEMO_JWT_SECRET, with this default). */
export const DEMO_SECRET = process.env['FACET_DEMO_JWT_SECRET'] ?? 'facet-demo-secret-for-local-use-only';
export const DEMO_ISSUER = 'facet-demo';
export const DEMO_AUDIENCE = 'facet-demo';

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * The `auth:` of a fixture client.yaml that accepts the demo's HS256 tokens (the demo clients'
 * issuer, audience and secret). `required: false` lets anonymous callers in.
 */
export function demoJwtClientYaml(options: { required?: boolean } = {}): string {
  return [
    'auth:',
    ...(options.required === undefined ? [] : [`  required: ${options.required}`]),
    '  jwt:',
    '    issuer: facet-demo',
    '    audience: facet-demo',
    '    algorithms: [HS256]',
    '    secret: ${FACET_DEMO_JWT_SECRET:-facet-demo-secret-for-local-use-only}',
  ].join('\n');
}

export interface TokenOptions {
  /** @default 'u1' */
  sub?: string;
  /** Space-separated scopes (the `scope` claim); omitted when undefined. */
  scope?: string;
  roles?: string[];
  /** @default DEMO_ISSUER */
  iss?: string;
  /** @default DEMO_AUDIENCE */
  aud?: string | string[];
  /** Absolute `exp` in seconds since the epoch. @default now + 1 h */
  exp?: number;
  /** Absolute `nbf` in seconds since the epoch; omitted when undefined. */
  nbf?: number;
  /** @default now */
  iat?: number;
  /** @default DEMO_SECRET */
  secret?: string;
  /** `kid` header. */
  kid?: string;
  /** Extra claims. */
  claims?: Record<string, unknown>;
}

function payloadOf(options: TokenOptions): JWTPayload {
  const payload: JWTPayload = {
    ...options.claims,
    sub: options.sub ?? 'u1',
    iss: options.iss ?? DEMO_ISSUER,
    aud: options.aud ?? DEMO_AUDIENCE,
    iat: options.iat ?? now(),
    exp: options.exp ?? now() + 3600,
  };
  if (options.scope !== undefined) payload['scope'] = options.scope;
  if (options.roles !== undefined) payload['roles'] = options.roles;
  if (options.nbf !== undefined) payload.nbf = options.nbf;
  return payload;
}

/** An HS256 token for the demo issuer; every claim can be overridden. */
export function hsToken(options: TokenOptions = {}): Promise<string> {
  return new SignJWT(payloadOf(options))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .sign(new TextEncoder().encode(options.secret ?? DEMO_SECRET));
}

/** Valid for the demo clients. */
export const validToken = (
  options: Omit<TokenOptions, 'exp' | 'nbf' | 'iss' | 'aud' | 'secret'> = {},
): Promise<string> => hsToken(options);
/** Expired two minutes ago (well past the 30 s clock tolerance). */
export const expiredToken = (options: TokenOptions = {}): Promise<string> =>
  hsToken({ iat: now() - 3600, exp: now() - 120, ...options });
/** Not valid before two minutes from now (well past the 30 s clock tolerance). */
export const notYetValidToken = (options: TokenOptions = {}): Promise<string> =>
  hsToken({ nbf: now() + 120, ...options });
export const wrongIssuerToken = (options: TokenOptions = {}): Promise<string> =>
  hsToken({ iss: 'someone-else', ...options });
export const wrongAudienceToken = (options: TokenOptions = {}): Promise<string> =>
  hsToken({ aud: 'another-api', ...options });
/** Signed with another secret of the same length class. */
export const badSignatureToken = (options: TokenOptions = {}): Promise<string> =>
  hsToken({ secret: 'not-the-demo-secret-but-just-as-long-as-it', ...options });

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `{"alg":"none"}` + the claims + an empty signature, built by hand (jose refuses to make one). */
export function algNoneToken(options: TokenOptions = {}): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payloadOf(options))}.`;
}

/** A token larger than `bytes` (default: just over the 8192-byte default limit) via a big claim. */
export function oversizedToken(bytes = 8192, options: TokenOptions = {}): Promise<string> {
  return hsToken({ ...options, claims: { ...options.claims, padding: 'x'.repeat(Math.ceil(bytes * 0.75) + 64) } }).then(
    (token) => {
      if (Buffer.byteLength(token) <= bytes)
        throw new Error(`oversizedToken: ${Buffer.byteLength(token)} bytes is not over ${bytes}`);
      return token;
    },
  );
}

/** An RS256 key pair with its public JWK (carrying `kid`, `alg`, `use`), for a JWKS. */
export interface RsaKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function generateRsaKey(kid: string): Promise<RsaKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

/**
 * An RS256 token. With `kid: undefined` the header names the key's own kid; pass another kid to
 * make a token whose key id a JWKS does not know.
 */
export function rsToken(key: RsaKey, options: TokenOptions = {}): Promise<string> {
  return new SignJWT(payloadOf(options))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? key.kid })
    .sign(key.privateKey);
}

/** An RS256 token for the demo issuer/audience: sent to an HS256 client, it tests HS/RS confusion. */
export async function rsTokenForDemo(options: TokenOptions = {}): Promise<string> {
  return rsToken(await generateRsaKey('confusion'), options);
}

/** A token for a JWKS client whose `kid` is in no key set (signed by a fresh key). */
export async function unknownKidToken(options: TokenOptions = {}): Promise<string> {
  return rsToken(await generateRsaKey('kid-nobody-knows'), options);
}
