import type { CircuitState } from './circuit-breaker.js';

/** One instance of a source as the operator sees it. */
export interface InstanceStatus {
  url: string;
  /** Takes traffic: its breaker is closed. */
  healthy: boolean;
  breaker: CircuitState;
  /** While ejected: when it gets its probe request (epoch ms). */
  ejectedUntil?: number;
  consecutiveFailures: number;
}
