import { z } from 'zod';
import { limitRuleSchema } from '../directives/rate-limit/limit-rule.js';

/** gateway.yaml at the root of a configuration folder (optional): process-wide settings. */
export const gatewayFileSchema = z.strictObject({
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
});

export type GatewayFileOptions = z.output<typeof gatewayFileSchema>;
