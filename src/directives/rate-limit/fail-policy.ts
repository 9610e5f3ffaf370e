/**
 * What to do when the rate-limit store cannot decide (e.g. Redis is down): wraps a store so that
 * no call ever rejects, and so that an outage costs at most one store timeout, not one per rule or
 * per request.
 *
 * A breaker on the store: the first store failure marks it down; for `backoffMs` nobody asks it,
 * and every decision is made at once by the policy. Then one background probe (`ping`) runs while
 * requests keep being decided by the policy; when it answers, the store is used again. The state
 * changes are reported once each (down, up), never per request.
 *
 *  - 'allow' (fail-open): decisions come from an in-memory store of this instance, started at the
 *    outage: an approximate limit (each instance counts alone, so N instances allow up to N times
 *    the limit) instead of none. Right when availability matters more than exactness.
 *  - 'deny' (fail-closed): every check is refused with `unavailable: true` and a retry hint of the
 *    time until the next probe. Right when exceeding a limit is worse than refusing.
 */
import { createMemoryStore, type MemoryRateLimitStore } from './memory-store.js';
import { RateLimitStoreError, type RateLimitCheck, type RateLimitDecision, type RateLimitStore } from './store.js';
import { publishRateLimitStoreEvent as publish } from './store-events.js';

export type RateLimitFailMode = 'allow' | 'deny';

export interface FailPolicyOptions {
  /** The decision to make while the store fails. */
  onError: RateLimitFailMode;
  /** How long a failed store is not asked before one probe. @default 2000 */
  backoffMs?: number;
  /** Called with the error that takes the store down (once per outage) and with any other error. Errors it throws are ignored. */
  log?: (err: unknown) => void;
  /** Called once when a probe finds the store answering again, with how long it was down. */
  onRecover?: (downForMs: number) => void;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

export const DEFAULT_STORE_BACKOFF_MS = 2000;

type Mode = 'all' | 'each';

export function withFailPolicy(store: RateLimitStore, options: FailPolicyOptions): RateLimitStore {
  const { onError, log, onRecover } = options;
  const backoffMs = options.backoffMs ?? DEFAULT_STORE_BACKOFF_MS;
  const now = options.now ?? Date.now;
  if (onError !== 'allow' && onError !== 'deny')
    throw new TypeError(`rate limit: onError must be 'allow' or 'deny', got ${String(onError)}`);

  let downSince: number | undefined; // undefined while the store is up
  let probeAt = 0;
  let probing = false;
  let local: MemoryRateLimitStore | undefined; // the approximate counts of an outage ('allow')

  const report = (err: unknown): void => {
    try {
      log?.(err);
    } catch {
      // a broken logger must not turn a degraded decision into a failed request
    }
  };

  const markDown = (err: unknown): void => {
    publish({ type: 'failure' });
    probeAt = now() + backoffMs;
    if (downSince !== undefined) return; // already down: reported once
    downSince = now();
    publish({ type: 'state', up: false });
    report(err);
  };

  const probe = (): void => {
    probing = true;
    store
      .ping()
      .then(
        () => {
          if (downSince === undefined) return;
          const downFor = now() - downSince;
          downSince = undefined;
          publish({ type: 'state', up: true });
          void local?.close(); // the next outage starts counting afresh
          local = undefined;
          try {
            onRecover?.(downFor);
          } catch {
            /* see report */
          }
        },
        () => {
          publish({ type: 'failure' });
          probeAt = now() + backoffMs;
        },
      )
      .finally(() => {
        probing = false;
      });
  };

  const fallback = async (checks: readonly RateLimitCheck[], mode: Mode): Promise<RateLimitDecision[]> => {
    if (onError === 'deny') {
      const retryAfterMs = Math.max(1, probeAt - now());
      return checks.map(({ limit }) => ({
        allowed: false,
        limit,
        remaining: 0,
        retryAfterMs,
        resetMs: retryAfterMs,
        unavailable: true,
      }));
    }
    local ??= createMemoryStore({ now });
    try {
      return await (mode === 'all' ? local.consumeAll(checks) : local.consumeEach(checks));
    } catch (err) {
      report(err); // invalid arguments: a programming error, logged; the request is not punished for it
      return checks.map(({ limit }) => ({ allowed: true, limit, remaining: limit, retryAfterMs: 0, resetMs: 0 }));
    }
  };

  /** One decision event per store call: refused when any check of the call was refused. */
  const counted = (decisions: RateLimitDecision[], byStore: boolean): RateLimitDecision[] => {
    if (decisions.length === 0) return decisions;
    const allowed = decisions.every((d) => d.allowed);
    const outcome = decisions.some((d) => d.unavailable)
      ? 'fail_closed'
      : !allowed
        ? 'refused'
        : byStore
          ? 'allowed'
          : 'fail_open';
    publish({ type: 'decision', outcome });
    return decisions;
  };

  const decide = async (checks: readonly RateLimitCheck[], mode: Mode): Promise<RateLimitDecision[]> => {
    if (downSince !== undefined) {
      if (!probing && now() >= probeAt) probe();
      return counted(await fallback(checks, mode), false);
    }
    try {
      return counted(await (mode === 'all' ? store.consumeAll(checks) : store.consumeEach(checks)), true);
    } catch (err) {
      if (err instanceof RateLimitStoreError) markDown(err);
      else report(err);
      return counted(await fallback(checks, mode), false);
    }
  };

  return {
    async consume(key, limit, windowMs, cost = 1) {
      return (await decide([{ key, limit, windowMs, cost }], 'each'))[0]!;
    },
    consumeAll: (checks) => decide(checks, 'all'),
    consumeEach: (checks) => decide(checks, 'each'),
    ping: () => store.ping(),

    async close() {
      await local?.close();
      try {
        await store.close();
      } catch (err) {
        report(err);
      }
    },
  };
}
