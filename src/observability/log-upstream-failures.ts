import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Logger } from 'pino';
import type { UpstreamCallEvent } from '../sources/index.js';

/** Logs each failed backend call with what the backend said; clients only see the coded error. */
export function logUpstreamFailures(log: Logger): () => void {
  const onEvent = (message: unknown) => {
    const event = message as UpstreamCallEvent;
    if (event.outcome === 'ok') return;
    log.warn({ requestId: event.requestId, source: event.source, operation: event.operation, code: event.outcome, detail: event.detail, durationMs: Math.round(event.durationMs) }, 'upstream call failed');
  };
  subscribe('facet:upstream-call', onEvent);
  return () => unsubscribe('facet:upstream-call', onEvent);
}
