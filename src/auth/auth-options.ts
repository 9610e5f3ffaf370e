import { z } from 'zod';

const hmacAlgorithms = ['HS256', 'HS384', 'HS512'] as const;
const asymmetricAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/**
 * Headers carrying the verified identity to backends when `auth.forward` does not name them. Incoming
 * copies of these names are dropped from every request too, whatever a client forwards with.
 */
export const defaultForwardHeaders = { user: 'X-User-ID', scopes: 'X-Scopes', consumer: 'X-Consumer' } as const;

const jwtSchema = z
  .strictObject({
    /** Expected `iss`. */
    issuer: z.string().min(1),
    /** Expected `aud` (one of). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Accepted algorithms, pinned: a token signed otherwise (or with alg none) is refused. */
    algorithms: z.array(z.enum([...hmacAlgorithms, ...asymmetricAlgorithms])).min(1),
    /** HS*: the shared secret (use `${ENV_VAR}`); at least 32 bytes. */
    secret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** RS/PS/ES/EdDSA: a PEM public key (SPKI) file, relative to the client folder. */
    publicKeyFile: z.string().optional(),
    /** RS/PS/ES/EdDSA: a JWKS URL; cached, refetched on an unknown kid at most once per cooldown. */
    jwksUrl: z.string().url().optional(),
    jwksTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
    jwksCooldownMs: z.number().int().min(0).max(600_000).default(30_000),
    /** Leeway for exp/nbf. @default 30 */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    /**
     * How long a verified token is remembered, so its signature is not checked again on every
     * request (never past its `exp`); 0 verifies every time. @default 60
     */
    verifiedCacheSeconds: z.number().int().min(0).max(600).default(60),
    /** Tokens longer than this are refused unread. @default 8192 */
    maxTokenBytes: z.number().int().min(256).max(65_536).default(8192),
    /** Claim holding the user id. @default sub */
    userClaim: z.string().default('sub'),
    /** Claim holding scopes (space-separated string or array). @default scope */
    scopesClaim: z.string().default('scope'),
    /** Claim holding roles (array or space-separated string). @default roles */
    rolesClaim: z.string().default('roles'),
  })
  .superRefine((jwt, ctx) => {
    const hmac = jwt.algorithms.filter((a) => (hmacAlgorithms as readonly string[]).includes(a));
    const asym = jwt.algorithms.filter((a) => !(hmacAlgorithms as readonly string[]).includes(a));
    if (hmac.length && asym.length)
      ctx.addIssue({
        code: 'custom',
        path: ['algorithms'],
        message: 'mix of HS* and public-key algorithms: pin one family per client (prevents HS/RS key confusion)',
      });
    if (hmac.length && !jwt.secret)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'HS* algorithms need a secret' });
    if (hmac.length && (jwt.publicKeyFile || jwt.jwksUrl))
      ctx.addIssue({
        code: 'custom',
        path: ['algorithms'],
        message: 'HS* algorithms take a secret, not a public key or JWKS',
      });
    if (asym.length && !jwt.publicKeyFile === !jwt.jwksUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['publicKeyFile'],
        message: 'public-key algorithms need exactly one of publicKeyFile or jwksUrl',
      });
    if (asym.length && jwt.secret)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a secret is only for HS* algorithms' });
  });

const apiKeySchema = z.strictObject({
  /** Who the key belongs to; forwarded as X-Consumer. */
  consumer: z.string().min(1),
  /** SHA-256 of the key, hex. Generate with `facet hash-key <key>`; the key itself is never stored. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the key (64 lower-case hex digits)'),
  scopes: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  /** Plan name for quotas (see `plans`). */
  plan: z.string().optional(),
  /** A revoked key is refused with reason revoked_api_key. */
  revoked: z.boolean().default(false),
});

export const authSchema = z
  .strictObject({
    /** Refuse requests without credentials. @default true when jwt or apiKeys is set */
    required: z.boolean().optional(),
    jwt: jwtSchema.optional(),
    apiKeys: z
      .strictObject({
        /** @default X-API-Key */
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .default('X-API-Key'),
        keys: z.array(apiKeySchema).min(1),
      })
      .optional(),
    /** Headers carrying the verified identity to backends; incoming copies are always stripped. */
    forward: z
      .strictObject({
        user: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .default(defaultForwardHeaders.user),
        scopes: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .default(defaultForwardHeaders.scopes),
        consumer: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .default(defaultForwardHeaders.consumer),
      })
      .default(defaultForwardHeaders),
    /**
     * Development only: take the current user's id from this request header, unverified.
     * Refused together with jwt or apiKeys.
     */
    trustUserHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
  })
  .superRefine((auth, ctx) => {
    if (auth.trustUserHeader && (auth.jwt || auth.apiKeys))
      ctx.addIssue({
        code: 'custom',
        path: ['trustUserHeader'],
        message: 'a client with jwt or apiKeys cannot also trust an unverified user header',
      });
  });

export type AuthOptions = z.output<typeof authSchema>;
export type JwtOptions = NonNullable<AuthOptions['jwt']>;
export type ApiKeyOptions = NonNullable<AuthOptions['apiKeys']>;
