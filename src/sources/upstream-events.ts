import { channel } from 'node:diagnostics_channel';
import type { CircuitState } from '../resilience/index.js';

/** Published after every upstream call; observability subscribes (metrics, logs). Free without subscribers. */
export interface UpstreamCallEvent {
  source: string;
  operation: string;
  durationMs: number;
  /** 'ok' or the error code the call ended with. */
  outcome: string;
  /** Keys carried by a batch call, 0 for plain calls. */
  batchSize: number;
  requestId: string;
  /** What the backend or the client library said, for the log only (never sent to clients). */
  detail?: string;
  /** REST: the request's method and URL path (no query string), and the status the backend answered. */
  method?: string;
  path?: string;
  upstreamStatus?: number;
}

/** diagnostics_channel names: the sources publish, observability subscribes by these. */
export const upstreamCallChannelName = 'facet:upstream-call';
export const circuitStateChannelName = 'facet:circuit-state';

export const upstreamCallChannel = channel(upstreamCallChannelName);

export function publishUpstreamCall(event: UpstreamCallEvent): void {
  if (upstreamCallChannel.hasSubscribers) upstreamCallChannel.publish(event);
}

/** Published when a source's circuit breaker changes state, or one instance's; observability logs it. */
export interface CircuitStateEvent {
  source: string;
  /** The instance (its url) of a source with several; absent for the source's own breaker. */
  instance?: string;
  state: CircuitState;
}

export const circuitStateChannel = channel(circuitStateChannelName);

export function publishCircuitState(event: CircuitStateEvent): void {
  if (circuitStateChannel.hasSubscribers) circuitStateChannel.publish(event);
}
