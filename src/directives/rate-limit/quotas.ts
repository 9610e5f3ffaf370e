import type { Identity } from '../../auth/index.js';
import type { RateLimitCheck, RateLimitDecision, RateLimitStore } from './store.js';
import type { LimitRule, Quotas } from './limit-rule.js';
import { callerKey } from './caller-key.js';
import { waitSeconds } from './wait-seconds.js';

export interface QuotaResult {
  allowed: boolean;
  /** Refused because the store could not check the quotas (onError: deny), not because one is used up. */
  unavailable?: boolean;
  /** RateLimit-* headers of the tightest limit (of the refusing one when refused); Retry-After when refused. */
  headers: Record<string, string>;
  retryAfterSeconds?: number;
}

type RuleCheck = RateLimitCheck & { rule: LimitRule };

const checkOf = (key: string, rule: LimitRule): RuleCheck => ({ key, limit: rule.max, windowMs: rule.windowMs, rule });

/**
 * Request-level quotas of one client, checked after authentication and before any GraphQL
 * work: the gateway-wide limit, the client's total, and the caller's plan (API keys) or the
 * per-caller limit. All of them in one atomic store call (one Redis round trip): the request is
 * counted against every rule only when every rule has room, so a refused request spends nothing.
 * The answer carries the remaining quota of the tightest limit, or of the refusing one.
 */
export function createQuotaChecker(client: string, quotas: Quotas, global: LimitRule[], store: RateLimitStore) {
  const hasAny = global.length || quotas.total.length || quotas.perCaller.length || Object.keys(quotas.plans).length;
  if (!hasAny) return undefined;
  // built once: the shared limits with their full keys, the per-caller ones with a key prefix
  const shared: RuleCheck[] = [
    ...global.map((r) => checkOf(`quota:global:${r.window}`, r)),
    ...quotas.total.map((r) => checkOf(`quota:${client}:total:${r.window}`, r)),
  ];
  const callerPrefix = `quota:${client}:`;
  return async (identity: Identity | null, ip: string): Promise<QuotaResult> => {
    const callerRules = (identity?.plan ? quotas.plans[identity.plan] : undefined) ?? quotas.perCaller;
    const caller = callerRules.length ? callerKey({ identity, ip }) : '';
    const checks = callerRules.length
      ? [...shared, ...callerRules.map((r) => checkOf(`${callerPrefix}${caller}:${r.window}`, r))]
      : shared;
    const decisions = await store.consumeAll(checks);

    if (decisions.some((d) => d.unavailable)) {
      const retryAfter = waitSeconds(Math.max(...decisions.map((d) => d.retryAfterMs)), Number.MAX_SAFE_INTEGER);
      return {
        allowed: false,
        unavailable: true,
        headers: { 'retry-after': String(retryAfter) },
        retryAfterSeconds: retryAfter,
      };
    }
    // Refused: the request fits again only when every refusing rule has room, so the longest wait.
    let refusing: { decision: RateLimitDecision; rule: LimitRule } | undefined;
    let tightest: { decision: RateLimitDecision; rule: LimitRule } | undefined;
    for (const [i, decision] of decisions.entries()) {
      const { rule } = checks[i]!;
      if (!decision.allowed) {
        if (!refusing || decision.retryAfterMs > refusing.decision.retryAfterMs) refusing = { decision, rule };
      } else if (
        !tightest ||
        decision.remaining / decision.limit < tightest.decision.remaining / tightest.decision.limit
      ) {
        tightest = { decision, rule };
      }
    }
    if (refusing) {
      const retryAfter = waitSeconds(refusing.decision.retryAfterMs, refusing.rule.windowMs);
      // RateLimit-Reset says the same wait as Retry-After: when this request would fit again.
      return {
        allowed: false,
        headers: { ...headersOf(refusing.decision, refusing.rule, retryAfter), 'retry-after': String(retryAfter) },
        retryAfterSeconds: retryAfter,
      };
    }
    return {
      allowed: true,
      headers: tightest
        ? headersOf(tightest.decision, tightest.rule, waitSeconds(tightest.decision.resetMs, tightest.rule.windowMs))
        : {},
    };
  };
}

/** The draft-ietf-httpapi-ratelimit-headers trio (widely used form) plus the policy. */
function headersOf(decision: RateLimitDecision, rule: LimitRule, resetSeconds: number): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.allowed ? Math.max(0, decision.remaining) : 0),
    'ratelimit-reset': String(resetSeconds),
    'ratelimit-policy': `${rule.max};w=${Math.round(rule.windowMs / 1000)}`,
  };
}

export type QuotaChecker = NonNullable<ReturnType<typeof createQuotaChecker>>;
