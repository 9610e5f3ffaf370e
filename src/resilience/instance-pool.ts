import { CircuitBreaker, CircuitOpenError, type CircuitState } from './circuit-breaker.js';
import type { InstanceStatus } from './instance-status.js';
import { countRetry } from '../observability/tracing/index.js';

export interface InstancePoolOptions {
  /** Consecutive failures that eject an instance. */
  ejectAfterFailures: number;
  /** First ejection; each failed probe doubles it up to `maxEjectionMs`. @default 1000 */
  ejectionMs?: number;
  /** @default 30000 */
  maxEjectionMs?: number;
  now?: () => number;
  /** Told of each instance's state change: 'open' is an ejection, 'half-open' its probe, 'closed' its return. */
  onStateChange?: (url: string, state: CircuitState) => void;
}

interface Instance<T> {
  url: string;
  target: T;
  breaker: CircuitBreaker;
}

/** What one attempt may do after a failure: whether it counts against the instance, and whether another instance may take the call. */
export interface AttemptPolicy {
  isFailure(error: unknown): boolean;
  /** Extra attempts, each on another instance when one is left; 0 for calls that must not be repeated. */
  retries: number;
  isRetryable(error: unknown): boolean;
}

/**
 * The instances of one backend, each behind its own circuit breaker: passive outlier detection.
 * An instance failing `ejectAfterFailures` times in a row is ejected (its breaker opens) for
 * `ejectionMs`, then gets one probe request; a failed probe doubles the ejection (up to the cap),
 * a successful one gives it traffic back. Calls go round-robin over the instances that admit
 * them; when none does, the call fails at once with CircuitOpenError, like an open source breaker.
 */
export class InstancePool<T> {
  private readonly instances: Instance<T>[];
  private next = 0;
  private readonly now: () => number;

  constructor(targets: ReadonlyArray<{ url: string; target: T }>, options: InstancePoolOptions) {
    this.now = options.now ?? Date.now;
    this.instances = targets.map(({ url, target }) => ({
      url,
      target,
      breaker: new CircuitBreaker({
        failureThreshold: options.ejectAfterFailures,
        cooldownMs: options.ejectionMs ?? 1_000,
        maxCooldownMs: options.maxEjectionMs ?? 30_000,
        now: options.now,
        onStateChange: (state) => options.onStateChange?.(url, state),
      }),
    }));
  }

  /** Runs `call` on an instance; a retryable failure is tried again on another one (the same one when it is the only one left). */
  async run<R>(call: (target: T) => Promise<R>, policy: AttemptPolicy): Promise<R> {
    const tried = new Set<Instance<T>>();
    let lastError: unknown;
    for (let attempt = 0; attempt <= policy.retries; attempt++) {
      const instance = this.pick(tried) ?? this.pick();
      if (!instance) throw lastError ?? new CircuitOpenError(this.retryAfterMs());
      tried.add(instance);
      if (attempt > 0) countRetry(); // on the call's span, when tracing
      try {
        return await instance.breaker.run(() => call(instance.target), policy.isFailure);
      } catch (error) {
        // CircuitOpenError: another call took this instance's probe meanwhile; another instance may answer
        if (!(error instanceof CircuitOpenError) && !policy.isRetryable(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Runs an active health check on every instance through its breaker: a failed check counts like a failed call. */
  checkAll(check: (target: T) => Promise<void>): Promise<void> {
    return Promise.all(
      this.instances.map((instance) =>
        instance.breaker.admits
          ? instance.breaker
              .run(
                () => check(instance.target),
                () => true,
              )
              .catch(() => {})
          : undefined,
      ),
    ).then(() => {});
  }

  statuses(): InstanceStatus[] {
    return this.instances.map(({ url, breaker }) => instanceStatus(url, breaker));
  }

  targets(): T[] {
    return this.instances.map((instance) => instance.target);
  }

  /** The next instance in turn that admits a call, skipping `exclude`. */
  private pick(exclude?: Set<Instance<T>>): Instance<T> | undefined {
    const count = this.instances.length;
    for (let i = 0; i < count; i++) {
      const instance = this.instances[(this.next + i) % count]!;
      if (exclude?.has(instance) || !instance.breaker.admits) continue;
      this.next = (this.next + i + 1) % count;
      return instance;
    }
    return undefined;
  }

  private retryAfterMs(): number {
    const now = this.now();
    const reopen = Math.min(...this.instances.map((i) => i.breaker.reopensAt ?? now));
    return Math.max(0, reopen - now);
  }
}

/** The status of one instance, read from its breaker. */
export function instanceStatus(url: string, breaker: CircuitBreaker): InstanceStatus {
  const state = breaker.state;
  const ejectedUntil = breaker.reopensAt;
  return {
    url,
    healthy: state === 'closed',
    breaker: state,
    ...(ejectedUntil !== undefined ? { ejectedUntil } : {}),
    consecutiveFailures: breaker.consecutiveFailures,
  };
}
