/**
 * What to do when the rate-limit store cannot decide (e.g. Redis is down): wraps a store so that
 * `consume` never rejects.
 *
 *  - 'allow' (fail-open): the request proceeds as if nothing had been counted (remaining = limit).
 *    Right when availability matters more than the limit, e.g. limits that protect against abuse
 *    but not against cost.
 *  - 'deny' (fail-closed): the request is refused with a short retry hint. Right when exceeding the
 *    limit is worse than refusing, e.g. limits that protect a paid or fragile backend.
 *
 * The wrapper adds no timer of its own: how long a failing call takes is bounded by the wrapped
 * store (the Redis store by its `timeoutMs`, the memory store never waits).
 */
import type { RateLimitDecision, RateLimitStore } from './store.js';

export type RateLimitFailMode = 'allow' | 'deny';

export interface FailPolicyOptions {
  /** The decision to return when the store fails. */
  onError: RateLimitFailMode;
  /** Called with every store error (and any error from `close`). Errors it throws are ignored. */
  log?: (err: unknown) => void;
}

/** Retry hint of a fail-closed denial: long enough not to hammer, short enough to recover quickly. */
export const FAIL_CLOSED_RETRY_AFTER_MS = 1000;

export function withFailPolicy(store: RateLimitStore, options: FailPolicyOptions): RateLimitStore {
  const { onError, log } = options;
  if (onError !== 'allow' && onError !== 'deny') throw new TypeError(`rate limit: onError must be 'allow' or 'deny', got ${String(onError)}`);

  const report = (err: unknown): void => {
    try {
      log?.(err);
    } catch {
      // a broken logger must not turn a degraded decision into a failed request
    }
  };

  const fallback = (limit: number): RateLimitDecision =>
    onError === 'allow'
      ? { allowed: true, limit, remaining: limit, retryAfterMs: 0, resetMs: 0 }
      : { allowed: false, limit, remaining: 0, retryAfterMs: FAIL_CLOSED_RETRY_AFTER_MS, resetMs: FAIL_CLOSED_RETRY_AFTER_MS };

  return {
    async consume(key, limit, windowMs, cost) {
      try {
        return await store.consume(key, limit, windowMs, cost);
      } catch (err) {
        // Store failures (RateLimitStoreError) and invalid arguments (RangeError) alike: the contract
        // is "never throws", so both get the policy's decision and are logged for the operator.
        report(err);
        return fallback(limit);
      }
    },

    async close() {
      try {
        await store.close();
      } catch (err) {
        report(err);
      }
    },
  };
}
