import type { Identity } from '../../auth/index.js';
import type { RateLimitDecision, RateLimitStore } from './store.js';
import type { LimitRule, Quotas } from './limit-rule.js';
import { callerKey } from './caller-key.js';

export interface QuotaResult {
  allowed: boolean;
  /** RateLimit-* headers of the tightest limit; Retry-After when refused. */
  headers: Record<string, string>;
  retryAfterSeconds?: number;
}

/**
 * Request-level quotas of one client, checked after authentication and before any GraphQL
 * work: the gateway-wide limit, the client's total, then the caller's plan (API keys) or the
 * per-caller limit. The first refusal stops the check; the answer carries the remaining quota
 * of the tightest limit either way.
 */
export function createQuotaChecker(client: string, quotas: Quotas, global: LimitRule[], store: RateLimitStore) {
  const hasAny = global.length || quotas.total.length || quotas.perCaller.length || Object.keys(quotas.plans).length;
  if (!hasAny) return undefined;
  // built once: the shared limits with their full keys, the per-caller ones with a key prefix
  const shared: Array<[string, LimitRule]> = [
    ...global.map((r) => [`quota:global:${r.window}`, r] as [string, LimitRule]),
    ...quotas.total.map((r) => [`quota:${client}:total:${r.window}`, r] as [string, LimitRule]),
  ];
  const callerPrefix = `quota:${client}:`;
  return async (identity: Identity | null, ip: string): Promise<QuotaResult> => {
    const caller = callerKey({ identity, ip });
    const callerRules = (identity?.plan ? quotas.plans[identity.plan] : undefined) ?? quotas.perCaller;
    const checks = callerRules.length ? [...shared, ...callerRules.map((r) => [`${callerPrefix}${caller}:${r.window}`, r] as [string, LimitRule])] : shared;
    let tightest: { decision: RateLimitDecision; rule: LimitRule } | undefined;
    for (const [key, rule] of checks) {
      const decision = await store.consume(key, rule.max, rule.windowMs);
      if (!decision.allowed) return { allowed: false, headers: { ...headersOf(decision, rule), 'retry-after': String(retryAfter(decision)) }, retryAfterSeconds: retryAfter(decision) };
      if (!tightest || decision.remaining / decision.limit < tightest.decision.remaining / tightest.decision.limit) tightest = { decision, rule };
    }
    return { allowed: true, headers: tightest ? headersOf(tightest.decision, tightest.rule) : {} };
  };
}

const retryAfter = (decision: RateLimitDecision) => Math.max(1, Math.ceil(decision.retryAfterMs / 1000));

/** The draft-ietf-httpapi-ratelimit-headers trio (widely used form) plus the policy. */
function headersOf(decision: RateLimitDecision, rule: LimitRule): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(Math.max(0, decision.remaining)),
    'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
    'ratelimit-policy': `${rule.max};w=${Math.round(rule.windowMs / 1000)}`,
  };
}

export type QuotaChecker = NonNullable<ReturnType<typeof createQuotaChecker>>;
