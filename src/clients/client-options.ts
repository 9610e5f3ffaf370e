import { z } from 'zod';
import { authSchema } from '../auth/auth-options.js';
import { quotasSchema } from '../directives/rate-limit/limit-rule.js';
import { clientPathSchema } from './client-path.js';

const positiveInt = (max: number) => z.number().int().min(1).max(max);

/** Defaults for document limits: generous for real screens, small enough to stop abuse. */
export const defaultLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5000,
  maxCost: 5000,
  maxBodyBytes: 100_000,
  // fan-out: a list argument of 9,000 ids would otherwise become 90 batch calls of 100
  maxListArgument: 100,
  maxUpstreamCalls: 50,
} as const;

/** Headers that prove a CORS preflight: Apollo's two (Apollo clients work unchanged), plus Facet's own. */
export const defaultCsrfHeaders = ['x-apollo-operation-name', 'apollo-require-preflight', 'x-facet-csrf'] as const;

/** clients/<name>/client.yaml — validated at load; unknown keys are errors. */
export const clientFileSchema = z.strictObject({
  /** Shown in logs and the start-up banner. */
  description: z.string().optional(),
  /** Where the GraphQL endpoint is served, e.g. /graphql; checked against the other clients' paths. @default /<client>/graphql */
  path: clientPathSchema.optional(),
  /** Serve GraphiQL on GET with Accept: text/html. @default false */
  graphiql: z.boolean().default(false),
  /** Answer introspection queries. @default false when NODE_ENV is production, else true */
  introspection: z.boolean().optional(),
  /**
   * CSRF prevention (Apollo Router's rule): a request a browser could send without a CORS preflight
   * (GET, or a form/text Content-Type) must carry a non-empty value for one of these headers.
   * `false` turns it off. @default { requiredHeaders: [x-apollo-operation-name, apollo-require-preflight, x-facet-csrf] }
   */
  csrfPrevention: z
    .union([
      z.literal(false),
      z.strictObject({
        requiredHeaders: z.array(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name')).min(1),
      }),
    ])
    .default({ requiredHeaders: [...defaultCsrfHeaders] }),
  /**
   * Cache whole responses of queries whose every call is `@cacheControl` (for the shortest maxAge
   * of them, per caller when one is PRIVATE or an argument comes from the identity). @default true
   */
  responseCache: z.boolean().default(true),
  /** Return error details (messages of unexpected errors) to clients; development only. @default false */
  exposeErrors: z.boolean().default(false),
  /** How callers authenticate (jwt, apiKeys) and how identity reaches backends. Anonymous when absent. */
  auth: authSchema.default({ forward: { user: 'X-User-ID', scopes: 'X-Scopes', consumer: 'X-Consumer' } }),
  limits: z
    .strictObject({
      maxDepth: positiveInt(100).default(defaultLimits.maxDepth),
      maxAliases: positiveInt(1000).default(defaultLimits.maxAliases),
      maxTokens: positiveInt(100_000).default(defaultLimits.maxTokens),
      maxCost: positiveInt(1_000_000).default(defaultLimits.maxCost),
      maxBodyBytes: positiveInt(10_000_000).default(defaultLimits.maxBodyBytes),
      /** Items in any list argument of the operation (literal or variable, nested lists included). */
      maxListArgument: positiveInt(100_000).default(defaultLimits.maxListArgument),
      /** Upstream calls one request may start; the ones past it fail with QUERY_TOO_COMPLEX. */
      maxUpstreamCalls: positiveInt(10_000).default(defaultLimits.maxUpstreamCalls),
    })
    .default({ ...defaultLimits }),
  /** Request-level quotas: per caller, per plan, for the client as a whole. */
  quotas: quotasSchema.default({ perCaller: [], plans: {}, total: [] }),
  /** Browser origins allowed to call this client; none by default. */
  cors: z
    .strictObject({
      origins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin like https://app.example.com')).min(1),
      credentials: z.boolean().default(false),
      maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
    })
    .optional(),
});

export type ClientOptions = z.output<typeof clientFileSchema>;
