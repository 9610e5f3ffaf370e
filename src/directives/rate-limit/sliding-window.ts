/**
 * Sliding-window-counter arithmetic, as a pure function (no clock, no state) so it can be tested
 * with any timestamps and shared by the stores.
 *
 * Time is cut into fixed windows aligned to the epoch: window i covers [i*windowMs, (i+1)*windowMs).
 * A key keeps two counters: `prev` (hits in the previous fixed window) and `curr` (hits in the
 * current one). The hits in the sliding window (now - windowMs, now] are estimated by assuming the
 * previous window's hits were spread evenly, so only the part of it still inside the sliding window
 * counts:
 *
 *     estimated = prev * (1 - elapsedInCurrent / windowMs) + curr
 *
 * A request of `cost` hits is allowed when `estimated + cost <= limit`; then `curr += cost`. A denied
 * request changes nothing. Unlike a plain fixed window, a burst at the end of window N still weighs
 * (almost) fully at the start of window N+1, so back-to-back bursts cannot double the allowance.
 */
import type { RateLimitDecision } from './store.js';

export interface SlidingWindowInput {
  /** Hits recorded in the previous fixed window. */
  prev: number;
  /** Hits recorded so far in the current fixed window. */
  curr: number;
  /** The current time in ms. */
  now: number;
  /** Start of the current fixed window in ms (see `windowStartOf`); `now - windowStart` is in [0, windowMs). */
  windowStart: number;
  windowMs: number;
  limit: number;
  cost: number;
}

export interface SlidingWindowResult {
  decision: RateLimitDecision;
  /** The current window's counter after this call: `curr + cost` when allowed, `curr` when denied. */
  curr: number;
}

/** Start of the epoch-aligned fixed window containing `now`. */
export function windowStartOf(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

/**
 * The weighted estimate of hits in the sliding window. The Redis Lua script evaluates exactly the
 * same expression (same operations, same order, IEEE doubles on both sides), so both stores decide
 * identically for identical counters.
 */
export function estimateHits(prev: number, curr: number, elapsed: number, windowMs: number): number {
  return prev * (1 - elapsed / windowMs) + curr;
}

/** Decides one request and returns the decision plus the new value of the current counter. */
export function decideSlidingWindow(input: SlidingWindowInput): SlidingWindowResult {
  const { prev, curr, now, windowStart, windowMs, limit, cost } = input;
  const elapsed = now - windowStart;
  const estimated = estimateHits(prev, curr, elapsed, windowMs);
  const allowed = estimated + cost <= limit;
  const newCurr = allowed ? curr + cost : curr;

  // Whole cost-1 hits that still fit: the largest r with estimatedAfter + r <= limit.
  const remaining = Math.max(0, Math.floor(limit - (allowed ? estimated + cost : estimated)));
  // Hits of the current window age out at the end of the next one; the previous window's at the end of this one.
  const resetMs = newCurr > 0 ? windowStart + 2 * windowMs - now : prev > 0 ? windowStart + windowMs - now : 0;
  const retryAfterMs = allowed ? 0 : msUntilFits(prev, curr, elapsed, windowMs, limit, cost);

  return { decision: { allowed, limit, remaining, retryAfterMs, resetMs }, curr: newCurr };
}

/**
 * The smallest whole number of ms to wait (assuming no other hits meanwhile) until `cost` fits.
 * The estimate only ever decreases with time (it is continuous at the window boundary, where `curr`
 * becomes the next window's `prev` at full weight) and is 0 after two windows, so a binary search
 * over the same predicate the decision uses gives the exact answer, free of rounding surprises.
 */
function msUntilFits(
  prev: number,
  curr: number,
  elapsed: number,
  windowMs: number,
  limit: number,
  cost: number,
): number {
  if (cost > limit) return windowMs; // can never fit: no meaningful retry time

  const fitsAfter = (wait: number): boolean => {
    const t = elapsed + wait; // time since the start of the current window
    const estimate =
      t < windowMs
        ? estimateHits(prev, curr, t, windowMs)
        : t < 2 * windowMs
          ? estimateHits(curr, 0, t - windowMs, windowMs) // next window: curr is now prev
          : 0;
    return estimate + cost <= limit;
  };

  let lo = 1; // denied now, so at least 1 ms
  let hi = 2 * windowMs - elapsed; // everything has aged out: fits since cost <= limit
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsAfter(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}
