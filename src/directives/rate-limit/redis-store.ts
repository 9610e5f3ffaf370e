/**
 * Redis-backed rate-limit store, shared by every gateway instance that points at the same Redis.
 *
 * One Lua script does the whole read-decide-write for every check of a call (all of a request's
 * quota rules in one round trip), so concurrent calls from any number of instances are counted
 * exactly. It reads the clock with `redis.call('TIME')`, so instances with
 * skewed clocks still agree on the windows. Counters live in `<prefix><key>:<windowIndex>` (window
 * index = floor(ms / windowMs), epoch-aligned) and expire after two windows.
 * Note: the window keys are derived inside the script, so this targets a single Redis (or a
 * primary with replicas), not Redis Cluster.
 *
 * Every call is bounded: `timeoutMs` to get a connection, and `timeoutMs` for the answer counted
 * from when the command is sent (so a gateway busy with a burst does not blame its own event-loop
 * lag on the store). An unreachable or slow Redis makes `consume` reject with
 * `RateLimitStoreError`; whether to then allow or deny is decided by the caller (see fail-policy.ts).
 */
import type { Redis } from 'ioredis';
import { connectBounded, type BoundedCall } from '../../redis/bounded-redis.js';
import {
  normalizeChecks,
  RateLimitStoreError,
  type RateLimitCheck,
  type RateLimitDecision,
  type RateLimitStore,
} from './store.js';
import { decideSlidingWindow } from './sliding-window.js';

export interface RedisStoreOptions {
  /** Used when no `client` is given. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /** An existing connection to use; the store does not close it. */
  client?: Redis;
  /** Prefix of every key the store writes. @default 'facet:rl:' */
  keyPrefix?: string;
  /** Upper bound for one `consume` (connection wait + command). @default 200 */
  timeoutMs?: number;
}

// KEYS[i] = prefix .. key of check i; ARGV[1] = mode ('all' | 'each'), then limit, windowMs, cost per check.
// Returns { now (ms), then per check: allowed (0|1), prev, curr before this check, windowStart (ms) };
// the caller derives remaining / retry / reset from those with the same arithmetic as the memory
// store. 'all' records every check only when all are allowed; 'each' records each allowed check
// before deciding the next. A key named twice sees the hits of its earlier checks (`pending` in 'all').
const CONSUME_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end -- TIME before writes (Redis < 5)
local mode = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reply = { now }
local writes = {}
local pending = {}
local allAllowed = true
for i = 1, #KEYS do
  local limit = tonumber(ARGV[3 * i - 1])
  local windowMs = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  local index = math.floor(now / windowMs)
  local windowStart = index * windowMs
  local currKey = KEYS[i] .. ':' .. string.format('%.0f', index)
  local prevKey = KEYS[i] .. ':' .. string.format('%.0f', index - 1)
  local prev = tonumber(redis.call('GET', prevKey) or '0')
  local curr = tonumber(redis.call('GET', currKey) or '0') + (pending[currKey] or 0)
  -- same expression as estimateHits() + decideSlidingWindow() in sliding-window.ts
  local estimated = prev * (1 - (now - windowStart) / windowMs) + curr
  local allowed = 0
  if estimated + cost <= limit then
    allowed = 1
    if mode == 'each' then -- recorded now, so the next GET sees it
      redis.call('INCRBY', currKey, cost)
      redis.call('PEXPIRE', currKey, 2 * windowMs)
    else
      pending[currKey] = (pending[currKey] or 0) + cost
      writes[#writes + 1] = { currKey, cost, 2 * windowMs }
    end
  else
    allAllowed = false
  end
  reply[#reply + 1] = allowed
  reply[#reply + 1] = prev
  reply[#reply + 1] = curr
  reply[#reply + 1] = windowStart
end
if allAllowed then
  for _, w in ipairs(writes) do
    redis.call('INCRBY', w[1], w[2])
    redis.call('PEXPIRE', w[1], w[3])
  end
end
return reply
`;

const COMMAND = 'facetRateLimitConsume';
type ScriptClient = Redis & { [COMMAND](...keysThenArgs: Array<string | number>): Promise<unknown> };

export function createRedisStore(options: RedisStoreOptions = {}): RateLimitStore {
  const keyPrefix = options.keyPrefix ?? 'facet:rl:';
  const timeoutMs = options.timeoutMs ?? 200;
  const redis = connectBounded({ url: options.url, client: options.client, timeoutMs });
  const client = redis.client;
  client.defineCommand(COMMAND, { lua: CONSUME_SCRIPT }); // numberOfKeys passed per call
  const unavailable = (error: Error): never => {
    throw new RateLimitStoreError(`rate-limit store unavailable: ${error.message}`, { cause: error.cause });
  };
  const bounded = <T>(work: (call: BoundedCall) => Promise<T>): Promise<T> => redis.bounded(work).catch(unavailable);

  const run = async (checks: readonly RateLimitCheck[], mode: 'all' | 'each'): Promise<RateLimitDecision[]> => {
    const normalized = normalizeChecks(checks); // a RangeError rejects, as the contract says
    if (normalized.length === 0) return [];
    return bounded(async ({ gaveUp, sending }) => {
      if (gaveUp()) throw new Error('gave up before sending'); // never record hits for a call that already failed
      const args = [
        normalized.length,
        ...normalized.map((c) => keyPrefix + c.key),
        mode,
        ...normalized.flatMap((c) => [c.limit, c.windowMs, c.cost]),
      ];
      sending();
      const reply = await (client as ScriptClient)[COMMAND](...args);
      if (
        !Array.isArray(reply) ||
        reply.length !== 1 + 4 * normalized.length ||
        !reply.every((n) => typeof n === 'number')
      ) {
        throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
      }
      const now = reply[0] as number;
      return normalized.map(({ limit, windowMs, cost }, i) => {
        const [verdict, prev, curr, windowStart] = (reply as number[]).slice(1 + 4 * i, 5 + 4 * i) as [
          number,
          number,
          number,
          number,
        ];
        const { decision } = decideSlidingWindow({ prev, curr, now, windowStart, windowMs, limit, cost });
        // Both sides evaluate the same expression on the same numbers, so they agree; should they
        // ever not, the script's verdict wins because it is what was recorded.
        const allowed = verdict === 1;
        if (decision.allowed === allowed) return decision;
        return { ...decision, allowed, retryAfterMs: allowed ? 0 : Math.max(1, decision.retryAfterMs) };
      });
    });
  };

  return {
    async consume(key, limit, windowMs, cost = 1) {
      return (await run([{ key, limit, windowMs, cost }], 'each'))[0]!;
    },

    consumeAll: (checks) => run(checks, 'all'),
    consumeEach: (checks) => run(checks, 'each'),

    ping: () => redis.ping().catch(unavailable),
    close: () => redis.close(),
  };
}
