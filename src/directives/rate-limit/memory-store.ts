/**
 * In-process rate-limit store: a Map from key to its two window counters.
 *
 * Each decision is made synchronously (read, decide, write with no `await` in between), so any
 * number of concurrent `consume` calls in this process are counted exactly. Counters are per
 * process: with several gateway instances use the Redis store instead.
 *
 * Memory is bounded two ways:
 *  - entries whose counters have fully aged out (older than two windows) are dropped: the least
 *    recently used ones on each access, and all of them by an unref'd interval sweep;
 *  - at most `maxKeys` entries are kept; beyond that the least recently used is evicted (which
 *    forgets its hits: under a key flood the limiter errs towards allowing, never towards OOM).
 */
import { normalizeChecks, type RateLimitCheck, type RateLimitDecision, type RateLimitStore } from './store.js';
import { decideSlidingWindow, windowStartOf } from './sliding-window.js';

export interface MemoryStoreOptions {
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Most keys kept at once; the least recently used is evicted beyond it. @default 100_000 */
  maxKeys?: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  /** Number of keys currently held (for metrics and tests). */
  readonly size: number;
}

interface Entry {
  windowMs: number;
  /** Start of the fixed window `curr` belongs to. */
  windowStart: number;
  prev: number;
  curr: number;
}

/** A key's counters during one decision; `recorded` when it has (or will get) an entry. */
interface Counters extends Entry {
  recorded: boolean;
}

/** How often the interval sweep scans every entry for aged-out counters. */
const SWEEP_INTERVAL_MS = 60_000;

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryRateLimitStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1)
    throw new RangeError(`rate limit: maxKeys must be an integer >= 1, got ${maxKeys}`);

  // Map iteration order is insertion order; entries are re-inserted on each use, so the first entry
  // is always the least recently used one.
  const entries = new Map<string, Entry>();
  const isExpired = (entry: Entry, at: number): boolean => at >= entry.windowStart + 2 * entry.windowMs;

  /** Drops aged-out entries from the least-recently-used end, stopping at the first live one. */
  const sweepOldest = (at: number): void => {
    for (const [key, entry] of entries) {
      if (!isExpired(entry, at)) return;
      entries.delete(key);
    }
  };

  const timer = setInterval(() => {
    const at = now();
    for (const [key, entry] of entries) if (isExpired(entry, at)) entries.delete(key);
  }, SWEEP_INTERVAL_MS);
  timer.unref(); // never keeps the process alive

  /** The key's counters rolled forward to the window containing `at`. */
  const rolled = (key: string, windowMs: number, at: number): Counters => {
    const windowStart = windowStartOf(at, windowMs);
    const entry = entries.get(key);
    let prev = 0;
    let curr = 0;
    if (entry && entry.windowMs === windowMs) {
      if (entry.windowStart === windowStart) ({ prev, curr } = entry);
      else if (entry.windowStart === windowStart - windowMs) prev = entry.curr;
      // older: both counters have aged out, start from zero
    }
    return { windowMs, windowStart, prev, curr, recorded: entry !== undefined };
  };

  const write = (key: string, counters: Counters): void => {
    entries.delete(key); // re-insert at the most-recently-used end
    entries.set(key, {
      windowMs: counters.windowMs,
      windowStart: counters.windowStart,
      prev: counters.prev,
      curr: counters.curr,
    });
    while (entries.size > maxKeys) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  /**
   * Decides every check with no `await` in between (so concurrent calls are exact), then records
   * them: all or nothing ('all'), or each allowed check ('each'). A key named twice sees the hits
   * of its earlier checks.
   */
  const decide = (checks: readonly RateLimitCheck[], mode: 'all' | 'each'): RateLimitDecision[] => {
    const normalized = normalizeChecks(checks);
    const at = now();
    const pending = new Map<string, Counters>();
    const decisions = normalized.map(({ key, limit, windowMs, cost }) => {
      const prior = pending.get(key);
      const counters = prior && prior.windowMs === windowMs ? prior : rolled(key, windowMs, at);
      const result = decideSlidingWindow({ ...counters, now: at, limit, cost });
      // A denial records nothing, so a key that has no entry does not get one.
      pending.set(key, { ...counters, curr: result.curr, recorded: counters.recorded || result.decision.allowed });
      return result.decision;
    });
    if (mode === 'each' || decisions.every((d) => d.allowed)) {
      for (const [key, counters] of pending) if (counters.recorded) write(key, counters);
    }
    sweepOldest(at);
    return decisions;
  };

  return {
    get size() {
      return entries.size;
    },

    async consume(key, limit, windowMs, cost = 1) {
      return decide([{ key, limit, windowMs, cost }], 'each')[0]!;
    },

    async consumeAll(checks) {
      return decide(checks, 'all');
    },

    async consumeEach(checks) {
      return decide(checks, 'each');
    },

    async ping() {},

    async close() {
      clearInterval(timer);
      entries.clear();
    },
  };
}
