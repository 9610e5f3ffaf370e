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
import { Redis } from 'ioredis';
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
  const owned = options.client === undefined;
  let lastError: unknown;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true, // connect on first use; `consume` waits for it within its time budget
      enableOfflineQueue: false, // never queue commands while disconnected: fail now, not later
      // Only a backstop that frees a command Redis never answers; `bounded` below is the budget.
      // ioredis's own timer would also count our event loop's lag against the store.
      commandTimeout: Math.max(10 * timeoutMs, 2000),
      maxRetriesPerRequest: 1,
      disconnectTimeout: timeoutMs, // close() destroys a socket that does not close by then (default 2 s keeps the process alive)
      // connectTimeout stays at its default: a slow handshake should still end up connected for later calls.
    });
  if (owned)
    client.on('error', (err: unknown) => {
      lastError = err;
    }); // reported via consume's error; avoids "Unhandled error event"
  client.defineCommand(COMMAND, { lua: CONSUME_SCRIPT }); // numberOfKeys passed per call

  // One shared promise per connection attempt, so a burst of calls adds two listeners, not hundreds.
  let ready: Promise<void> | undefined;
  const whenReady = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve();
    if (client.status === 'end') return Promise.reject(new Error('the Redis connection is closed'));
    if (client.status === 'wait') client.connect().catch(() => {}); // failures surface as a timeout below
    ready ??= new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        ready = undefined;
      };
      const onReady = (): void => {
        settle();
        resolve();
      };
      const onEnd = (): void => {
        settle();
        reject(new Error('the Redis connection is closed'));
      };
      client.on('ready', onReady);
      client.on('end', onEnd);
    });
    return ready;
  };

  /**
   * Runs `work` once connected: `timeoutMs` for the connection, then `timeoutMs` for the answer
   * from the moment `work` calls `sending()`. `gaveUp` tells it the caller stopped waiting.
   */
  const bounded = async <T>(work: (call: { gaveUp: () => boolean; sending: () => void }) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    let lastLook: NodeJS.Immediate | undefined;
    let timedOut = false;
    let sentAt: number | undefined;
    const deadline = new Promise<never>((_, reject) => {
      const check = (): void => {
        // A command sent late (the event loop was busy) still gets its full budget.
        const left = sentAt === undefined ? 0 : sentAt + timeoutMs - Date.now();
        if (left > 0) {
          timer = setTimeout(check, left);
          return;
        }
        // Timers run before the event loop reads sockets: after a long synchronous stretch a reply
        // that came in time is still unread. setImmediate runs after that read: look once more.
        lastLook = setImmediate(() => {
          timedOut = true;
          reject(
            new Error(
              sentAt === undefined ? `no connection within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`,
            ),
          );
        });
      };
      timer = setTimeout(check, timeoutMs);
    });
    const call = {
      gaveUp: () => timedOut,
      sending: () => {
        sentAt = Date.now();
      },
    };
    try {
      return await Promise.race([whenReady().then(() => work(call)), deadline]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const last =
        lastError instanceof Error && client.status !== 'ready' ? ` (last connection error: ${lastError.message})` : '';
      throw new RateLimitStoreError(`rate-limit store unavailable: ${reason}${last}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (lastLook) clearImmediate(lastLook);
    }
  };

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

    async ping() {
      await bounded(({ sending }) => {
        sending();
        return client.ping();
      });
    },

    async close() {
      if (!owned || client.status === 'end') return;
      if (client.status !== 'ready') return client.disconnect(); // also stops reconnect attempts
      try {
        // QUIT is answered after any command still waiting on a silent Redis: bounded like the rest
        await bounded(({ sending }) => {
          sending();
          return client.quit();
        });
      } catch {
        client.disconnect();
      }
    },
  };
}
