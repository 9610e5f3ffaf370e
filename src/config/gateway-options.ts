import { z } from 'zod';
import { limitRuleSchema } from '../directives/rate-limit/limit-rule.js';

/** gateway.yaml at the root of a configuration folder (optional): process-wide settings. */
export const gatewayFileSchema = z.strictObject({
  admin: z
    .strictObject({
      /**
       * Turns on the admin endpoints (operator page, cache purge) behind `Authorization: Bearer <key>`;
       * at least 16 characters. Usually `"${FACET_ADMIN_KEY:-}"`; FACET_ADMIN_KEY alone also works.
       */
      key: z.union([z.literal(''), z.string().min(16, 'an admin key needs at least 16 characters')]).default(''),
      /**
       * `host:port` of a listener of the admin paths' own (port 0: any free one): they then leave the
       * client port, and without a key they are open to whoever reaches that address.
       */
      listen: z
        .string()
        .regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:9901')
        .optional(),
    })
    .default({ key: '' }),
  quotas: z
    .strictObject({
      /** All requests to all clients of this gateway (shared across instances with Redis). */
      global: z.array(limitRuleSchema).default([]),
    })
    .default({ global: [] }),
  rateLimitStore: z
    .strictObject({
      /**
       * When the store (Redis) cannot answer within timeoutMs: allow the request (fail open, the
       * default — an outage of the limiter should not become an outage of the API) or refuse it.
       */
      onError: z.enum(['allow', 'deny']).default('allow'),
      timeoutMs: z.number().int().min(10).max(5000).default(200),
      /** After a store failure, how long requests are decided by onError without asking it, before one probe. */
      backoffMs: z.number().int().min(100).max(60_000).default(2000),
    })
    .default({ onError: 'allow', timeoutMs: 200, backoffMs: 2000 }),
  cache: z
    .strictObject({
      /** Where cached answers live: Redis when REDIS_URL is set (shared by instances), else memory; or either one explicitly. */
      store: z.enum(['auto', 'memory', 'redis']).default('auto'),
      /** Upper bound of the memory store, in bytes of keys and answers (least recently used go first). */
      memoryMaxBytes: z
        .number()
        .int()
        .min(1024 * 1024)
        .max(16 * 1024 ** 3)
        .default(64 * 1024 * 1024),
      /** Redis: upper bound of one cache read or write; past it the request goes to the backends. */
      timeoutMs: z.number().int().min(5).max(5000).default(100),
      /** Redis: after a failure, how long the store is bypassed before it is tried again. */
      backoffMs: z.number().int().min(100).max(60_000).default(2000),
      /** Redis: prefix of every key, so that gateways of different deployments can share one Redis. */
      keyPrefix: z.string().min(1).max(100).default('facet:cache:'),
    })
    .default({
      store: 'auto',
      memoryMaxBytes: 64 * 1024 * 1024,
      timeoutMs: 100,
      backoffMs: 2000,
      keyPrefix: 'facet:cache:',
    }),
});

export type GatewayFileOptions = z.output<typeof gatewayFileSchema>;
