/**
 * Rate-limit counting core: a sliding-window-counter decision (sliding-window.ts) behind a small
 * store interface (store.ts), with an in-process store, a Redis store shared by all gateway
 * instances, and a wrapper that turns store failures into an allow/deny policy.
 *
 * Typical wiring:
 *
 *     const store = withFailPolicy(createRedisStore({ url }), { onError: 'allow', log: (e) => logger.warn(e) });
 *     const decision = await store.consume(`${client}:${field}`, 100, 60_000);
 *     // when !decision.allowed: answer RATE_LIMITED with Retry-After = ceil(decision.retryAfterMs / 1000)
 */
export {
  type RateLimitDecision,
  type RateLimitStore,
  RateLimitStoreError,
  RATE_LIMIT_STORE_UNAVAILABLE,
  assertConsumeArgs,
} from './store.js';
export {
  type SlidingWindowInput,
  type SlidingWindowResult,
  decideSlidingWindow,
  estimateHits,
  windowStartOf,
} from './sliding-window.js';
export { type MemoryStoreOptions, type MemoryRateLimitStore, createMemoryStore } from './memory-store.js';
export { type RedisStoreOptions, createRedisStore } from './redis-store.js';
export {
  type FailPolicyOptions,
  type RateLimitFailMode,
  FAIL_CLOSED_RETRY_AFTER_MS,
  withFailPolicy,
} from './fail-policy.js';
