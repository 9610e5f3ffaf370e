/**
 * The contract every rate-limit store implements, plus the one error type a store throws.
 *
 * A store only counts and decides. Which key to use (client, user, field), what limit and window
 * apply, and what to do when the store itself is down (see fail-policy.ts) are the caller's
 * business. Two implementations exist:
 *
 *  - memory-store.ts: one process, exact, no network; counters are lost on restart and are not
 *    shared between gateway instances.
 *  - redis-store.ts: shared by every gateway instance pointing at the same Redis; one Lua script
 *    per call so the read-decide-write is atomic, with Redis' own clock.
 *
 * Both use the sliding-window-counter arithmetic in sliding-window.ts, so they agree on what is
 * allowed for the same sequence of hits.
 */

/** The outcome of one `consume` call. All durations are whole milliseconds. */
export interface RateLimitDecision {
  /** True when the hits were recorded and the request may proceed. */
  allowed: boolean;
  /** The limit the decision was made against (echoed for headers such as RateLimit-Limit). */
  limit: number;
  /** How many more hits of cost 1 would be allowed right now (after this call's hits, if recorded). */
  remaining: number;
  /**
   * ms until the window has room again for this request's cost (0 when allowed). When the cost can
   * never fit (cost > limit) it is one window: the caller should not retry the same request.
   */
  retryAfterMs: number;
  /** ms until the counters fully reset (every recorded hit has aged out of the sliding window). */
  resetMs: number;
  /**
   * True when no counter was consulted because the store is unavailable and the fail policy is
   * `deny`: the refusal is about the store, not about a quota (answered 503, not 429).
   */
  unavailable?: boolean;
}

/** One limit to check: `cost` hits (default 1) against `limit` per sliding window of `windowMs`. */
export interface RateLimitCheck {
  key: string;
  limit: number;
  windowMs: number;
  cost?: number;
}

export interface RateLimitStore {
  /**
   * Atomically: if `cost` more hits fit under `limit` in the sliding window of `windowMs` ending
   * now, record them and allow; otherwise record nothing and deny.
   *
   * `limit` is an integer >= 0, `windowMs` an integer >= 1, `cost` an integer >= 1 (default 1);
   * anything else throws a RangeError (a programming error, not a store failure). A key should be
   * used with one window length; a different `windowMs` for the same key starts new counters.
   *
   * Rejects with `RateLimitStoreError` when the backing store cannot answer (in bounded time).
   */
  consume(key: string, limit: number, windowMs: number, cost?: number): Promise<RateLimitDecision>;
  /**
   * All-or-nothing, in one atomic step (one round trip for Redis): the hits are recorded on every
   * key only when every check has room; otherwise nothing is recorded. One decision per check, in
   * order; the request passes when every decision is allowed. A key named twice sees the hits of
   * its earlier checks.
   */
  consumeAll(checks: readonly RateLimitCheck[]): Promise<RateLimitDecision[]>;
  /**
   * Each check decided on its own, in order, in one atomic step: an allowed check is recorded
   * before the next is decided (so 25 hits on one key against a limit of 20 give 20 allowed).
   */
  consumeEach(checks: readonly RateLimitCheck[]): Promise<RateLimitDecision[]>;
  /** Resolves when the store answers (bounded like `consume`); used to probe a store after a failure. */
  ping(): Promise<void>;
  /** Releases timers and connections the store created. Idempotent. */
  close(): Promise<void>;
}

export const RATE_LIMIT_STORE_UNAVAILABLE = 'RATE_LIMIT_STORE_UNAVAILABLE' as const;

/**
 * The store could not give a decision (Redis unreachable, timed out, script error, ...). Nothing can
 * be assumed about whether the hits were recorded. The original error is in `cause`.
 */
export class RateLimitStoreError extends Error {
  readonly code = RATE_LIMIT_STORE_UNAVAILABLE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitStoreError';
  }
}

/** Checks the numeric arguments of `consume`; shared by the stores so they reject the same input. */
export function assertConsumeArgs(limit: number, windowMs: number, cost: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`rate limit: limit must be an integer >= 0, got ${limit}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1)
    throw new RangeError(`rate limit: windowMs must be an integer >= 1, got ${windowMs}`);
  if (!Number.isSafeInteger(cost) || cost < 1)
    throw new RangeError(`rate limit: cost must be an integer >= 1, got ${cost}`);
}

/** Checks every check's arguments (see `assertConsumeArgs`) and fills in the default cost. */
export function normalizeChecks(checks: readonly RateLimitCheck[]): Array<Required<RateLimitCheck>> {
  return checks.map(({ key, limit, windowMs, cost = 1 }) => {
    assertConsumeArgs(limit, windowMs, cost);
    return { key, limit, windowMs, cost };
  });
}
