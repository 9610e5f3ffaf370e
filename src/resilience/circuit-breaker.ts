/**
 * A per-source circuit breaker. Closed: calls pass, consecutive failures are counted. After
 * `failureThreshold` consecutive failures it opens: calls fail at once (no upstream traffic) for
 * `cooldownMs`. Then it is half-open: one probe call passes; success closes it, failure re-opens.
 *
 * Order around a call (fixed here, once): breaker → retry (inside the client) → per-attempt timeout.
 * The breaker sees one outcome per logical call, so an inner retry that recovers is not a failure,
 * and a call that exhausts its retries counts once.
 */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit. @default 5 — a few unlucky calls don't trip it. */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe. @default 10000 — long enough for a restart. */
  cooldownMs?: number;
  /**
   * When above `cooldownMs`: each failed probe doubles the cooldown up to this cap (a backend that
   * stays down is probed ever less often); a success brings it back to `cooldownMs`. @default cooldownMs
   */
  maxCooldownMs?: number;
  now?: () => number;
  /**
   * Told of each change: 'open' (threshold reached, or a probe failed), 'half-open' (a probe
   * is let through), 'closed' (a probe succeeded). Rejected calls are not state changes.
   */
  onStateChange?: (state: CircuitState) => void;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export const defaultCircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 10_000 } as const;

export class CircuitOpenError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('circuit open');
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  /** Bumped whenever the circuit opens or closes: outcomes of calls started before are stale. */
  private generation = 0;
  private readonly threshold: number;
  private readonly baseCooldownMs: number;
  private readonly maxCooldownMs: number;
  private cooldownMs: number;
  private readonly now: () => number;
  private readonly onStateChange: (state: CircuitState) => void;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? defaultCircuitBreakerOptions.failureThreshold;
    this.baseCooldownMs = options.cooldownMs ?? defaultCircuitBreakerOptions.cooldownMs;
    this.cooldownMs = this.baseCooldownMs;
    this.maxCooldownMs = Math.max(options.maxCooldownMs ?? this.baseCooldownMs, this.baseCooldownMs);
    this.now = options.now ?? Date.now;
    this.onStateChange = options.onStateChange ?? (() => {});
  }

  private open(): void {
    this.openedAt = this.now();
    this.generation++;
    this.onStateChange('open');
  }

  private close(): void {
    const wasOpen = this.failures >= this.threshold;
    this.failures = 0;
    this.cooldownMs = this.baseCooldownMs;
    if (wasOpen) {
      this.generation++;
      this.onStateChange('closed');
    }
  }

  /** Failed calls in a row (at least the threshold while open). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When an open circuit lets its next probe through (epoch ms of `now`); undefined when closed. */
  get reopensAt(): number | undefined {
    return this.failures >= this.threshold ? this.openedAt + this.cooldownMs : undefined;
  }

  /** Whether `run` would let a call through now (closed, or half-open with no probe under way). */
  get admits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.probing);
  }

  get state(): CircuitState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * Runs `call` unless the circuit is open. `isFailure` decides which errors count (a 404 or a
   * rejected argument says nothing about the backend's health).
   */
  async run<T>(call: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.probing)) {
      throw new CircuitOpenError(Math.max(0, this.cooldownMs - (this.now() - this.openedAt)));
    }
    const probe = state === 'half-open';
    if (probe) {
      this.probing = true;
      this.onStateChange('half-open');
    }
    const generation = this.generation;
    try {
      const result = await call();
      // a call that started before the circuit opened says nothing about the backend now
      if (generation === this.generation && this.failures > 0) this.close();
      return result;
    } catch (error) {
      if (generation === this.generation) {
        if (isFailure(error)) {
          if (probe) this.cooldownMs = Math.min(this.cooldownMs * 2, this.maxCooldownMs);
          this.failures = probe ? this.threshold : this.failures + 1;
          if (this.failures >= this.threshold) this.open();
        } else if (probe) {
          this.close();
        }
      }
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }
}
