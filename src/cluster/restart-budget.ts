export interface RestartBudgetOptions {
  /** Restarts allowed in any 60 s; past it a crashing worker is not restarted. @default 10 */
  maxPerMinute?: number;
  /** Delay before the first restart of a quiet minute; doubles with each restart in the minute. @default 100 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

/**
 * When to restart a worker that died: at once-ish after a rare crash, slower and slower when they
 * repeat (a crash loop would otherwise burn the CPU the other workers serve with), and not at all
 * past `maxPerMinute` in the last minute.
 */
export class RestartBudget {
  private readonly recent: number[] = [];
  private readonly maxPerMinute: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: RestartBudgetOptions = {}) {
    this.maxPerMinute = options.maxPerMinute ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
  }

  /** Records a restart at `now` and returns its delay (ms), or undefined when the budget is spent. */
  next(now = Date.now()): number | undefined {
    while (this.recent.length && this.recent[0]! <= now - 60_000) this.recent.shift();
    if (this.recent.length >= this.maxPerMinute) return undefined;
    const delay = Math.min(this.baseDelayMs * 2 ** this.recent.length, this.maxDelayMs);
    this.recent.push(now);
    return delay;
  }
}
