/**
 * Rate-limit counting core: a sliding-window-counter decision (sliding-window.ts) behind a small
 * store interface (store.ts), with an in-process store, a Redis store shared by all gateway
 * instances, and a wrapper that turns store failures into an allow/deny policy.
 *
 * Typical wiring:
 *
 *     const store = withFailPolicy(createRedisStore({ url }), { onError: 'allow', log: (e) => logger.warn(e) });
 *     const decision = await store.consume(`${client}:${field}`, 100, 60_000);
 *     // when !decision.allowed: answer RATE_LIMITED with Retry-After = waitSeconds(decision.retryAfterMs, 60_000)
 */
export {
  type RateLimitCheck,
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
  DEFAULT_STORE_BACKOFF_MS,
  withFailPolicy,
} from './fail-policy.js';
export { waitSeconds } from './wait-seconds.js';
export {
  type RateLimitDecisionOutcome,
  type RateLimitStoreEvent,
  rateLimitStoreChannelName,
  publishRateLimitStoreEvent,
} from './store-events.js';
