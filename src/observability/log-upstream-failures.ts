import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Logger } from 'pino';
import type { CircuitState } from '../resilience/index.js';
import {
  circuitStateChannelName,
  upstreamCallChannelName,
  type CircuitStateEvent,
  type UpstreamCallEvent,
} from '../sources/index.js';

export interface UpstreamFailureLogOptions {
  /**
   * Calls rejected by an open circuit are counted, not logged one by one: at most one line per
   * source per interval, and one when the circuit changes state. @default 10000
   */
  rejectedSummaryMs?: number;
}

/**
 * Logs each failed backend call with what the backend said (clients only see the coded error),
 * and the circuit breakers' state changes. Calls an open circuit rejects never reach a backend:
 * logging each of them would flood the log and slow the gateway exactly when it is under stress.
 */
export function logUpstreamFailures(log: Logger, options: UpstreamFailureLogOptions = {}): () => void {
  const summaryMs = options.rejectedSummaryMs ?? 10_000;
  const rejected = new Map<string, { count: number; timer: NodeJS.Timeout }>();

  const flush = (source: string) => {
    const pending = rejected.get(source);
    if (!pending) return;
    clearTimeout(pending.timer);
    rejected.delete(source);
    log.warn(
      { source, rejected: pending.count },
      `${pending.count} call${pending.count === 1 ? '' : 's'} to ${source} rejected while the circuit is open`,
    );
  };

  const onCall = (message: unknown) => {
    const event = message as UpstreamCallEvent;
    if (event.outcome === 'ok') return;
    if (event.outcome === 'CIRCUIT_OPEN') {
      const pending = rejected.get(event.source);
      if (pending) pending.count++;
      else {
        const timer = setTimeout(() => flush(event.source), summaryMs);
        timer.unref();
        rejected.set(event.source, { count: 1, timer });
      }
      return;
    }
    log.warn(
      {
        requestId: event.requestId,
        source: event.source,
        operation: event.operation,
        method: event.method,
        path: event.path,
        upstreamStatus: event.upstreamStatus,
        code: event.outcome,
        detail: event.detail,
        durationMs: Math.round(event.durationMs),
      },
      'upstream call failed',
    );
  };

  const onState = (message: unknown) => {
    const { source, state, instance } = message as CircuitStateEvent;
    if (instance) {
      logInstanceState(log, source, instance, state);
      return;
    }
    flush(source);
    if (state === 'open')
      log.warn({ source, circuit: state }, `circuit of ${source} opened: calls are rejected until a probe succeeds`);
    else if (state === 'half-open')
      log.info({ source, circuit: state }, `circuit of ${source} half-open: one probe call let through`);
    else log.info({ source, circuit: state }, `circuit of ${source} closed: calls pass again`);
  };

  subscribe(upstreamCallChannelName, onCall);
  subscribe(circuitStateChannelName, onState);
  return () => {
    unsubscribe(upstreamCallChannelName, onCall);
    unsubscribe(circuitStateChannelName, onState);
    for (const source of [...rejected.keys()]) flush(source);
  };
}

/** One line per state change of one instance of a source: ejected, probed, back in the rotation. */
function logInstanceState(log: Logger, source: string, instance: string, state: CircuitState): void {
  const fields = { source, instance, circuit: state };
  if (state === 'open')
    log.warn(fields, `instance ${instance} of ${source} ejected: no traffic until a probe succeeds`);
  else if (state === 'half-open')
    log.info(fields, `instance ${instance} of ${source} half-open: one probe let through`);
  else log.info(fields, `instance ${instance} of ${source} back in the rotation`);
}
