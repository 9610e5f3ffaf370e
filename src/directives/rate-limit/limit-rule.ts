import { z } from 'zod';
import { parseDuration } from '../../config/duration.js';

/** `{ max: 100, window: 1m }` in YAML: at most max requests per sliding window. */
export const limitRuleSchema = z
  .strictObject({
    max: z.number().int().min(1).max(10_000_000),
    window: z.string().refine((w) => parseDuration(w) !== undefined, 'window must look like 10s, 1m, 1h or 1d'),
  })
  .transform((rule) => ({ ...rule, windowMs: parseDuration(rule.window)! }));

export type LimitRule = z.output<typeof limitRuleSchema>;

/** clients/<name>/client.yaml `quotas`: request-level limits, checked before any GraphQL work. */
export const quotasSchema = z.strictObject({
  /** Per caller: the user (JWT), the API consumer, or the IP when anonymous. */
  perCaller: z.array(limitRuleSchema).default([]),
  /** Per plan (API keys name their plan), replacing perCaller for those callers. */
  plans: z.record(z.string(), z.array(limitRuleSchema)).default({}),
  /** All callers of this client together. */
  total: z.array(limitRuleSchema).default([]),
});

export type Quotas = z.output<typeof quotasSchema>;
