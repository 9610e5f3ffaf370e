import { registerCacheMetrics } from './cache-metrics.js';
import { LiveStats } from './live-stats.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { upstreamCallChannelName, type UpstreamCallEvent } from '../sources/index.js';
import { plannerFallbackChannelName, planBuiltChannelName } from '../planner/index.js';
import { rateLimitStoreChannelName, type RateLimitStoreEvent } from '../directives/rate-limit/store-events.js';

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Prometheus metrics of one gateway process, served at GET /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'facet_' });
  const requests = new Counter({
    name: 'facet_http_requests_total',
    help: 'HTTP requests by client and status',
    labelNames: ['client', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'facet_http_request_duration_seconds',
    help: 'HTTP request duration by client',
    labelNames: ['client'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: 'facet_upstream_calls_total',
    help: 'Backend calls by source, operation and outcome',
    labelNames: ['source', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'facet_upstream_call_duration_seconds',
    help: 'Backend call duration by source',
    labelNames: ['source'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'facet_upstream_batch_size',
    help: 'Keys per batched backend call',
    labelNames: ['source'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });

  // label children looked up once per label set (few: per source), not hashed on every call
  const callCounter = labelled((source, operation, outcome) => upstreamCalls.labels({ source, operation, outcome }));
  const durationOf = labelled((source) => upstreamDuration.labels({ source }));
  const batchSizeOf = labelled((source) => batchSize.labels({ source }));
  const onUpstreamCall = (message: unknown) => {
    const event = message as UpstreamCallEvent;
    callCounter(event.source, event.operation, event.outcome).inc();
    durationOf(event.source).observe(event.durationMs / 1000);
    if (event.batchSize > 0) batchSizeOf(event.source).observe(event.batchSize);
  };
  subscribe(upstreamCallChannelName, onUpstreamCall);
  const stopCacheMetrics = registerCacheMetrics(registry, labelled);
  const live = new LiveStats();
  const plannerFallbacks = new Counter({
    name: 'facet_planner_fallback_total',
    help: 'Operations the query planner left to delegation, by client and reason',
    labelNames: ['client', 'reason'] as const,
    registers: [registry],
  });
  const onPlannerFallback = (message: unknown) => plannerFallbacks.inc(message as { client: string; reason: string });
  subscribe(plannerFallbackChannelName, onPlannerFallback);
  const plansBuilt = new Counter({
    name: 'facet_planner_plans_built_total',
    help: 'Plans the query planner built (a plan-cache miss), by client: steady traffic keeps this flat',
    labelNames: ['client'] as const,
    registers: [registry],
  });
  const onPlanBuilt = (message: unknown) => plansBuilt.inc(message as { client: string });
  subscribe(planBuiltChannelName, onPlanBuilt);

  // the rate-limit store's health and decisions, from its fail policy
  const storeUp = new Gauge({
    name: 'facet_rate_limit_store_up',
    help: 'Whether the rate-limit store answers: 1, or 0 while it is in back-off after a failure',
    registers: [registry],
  });
  storeUp.set(1);
  const storeFailures = new Counter({
    name: 'facet_rate_limit_store_failures_total',
    help: 'Rate-limit store calls and probes that failed (timeout, connection, script error)',
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'facet_rate_limit_decisions_total',
    help: 'Rate-limit store calls by outcome: allowed, refused (429), fail_open (allowed by local counts while the store is down), fail_closed (503 while the store is down)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['allowed', 'refused', 'fail_open', 'fail_closed']) decisions.inc({ outcome }, 0);
  const onStoreEvent = (message: unknown) => {
    const event = message as RateLimitStoreEvent;
    if (event.type === 'state') storeUp.set(event.up ? 1 : 0);
    else if (event.type === 'failure') storeFailures.inc();
    else decisions.inc({ outcome: event.outcome });
  };
  subscribe(rateLimitStoreChannelName, onStoreEvent);

  return {
    registry,
    /** Live figures for the operator page (per source and client, the last minutes). */
    live,
    observeRequest(client: string, status: number, seconds: number) {
      live.recordRequest(client, status, seconds);
      requests.inc({ client, status: String(status) });
      duration.observe({ client }, seconds);
    },
    close() {
      live.close();
      unsubscribe(upstreamCallChannelName, onUpstreamCall);
      stopCacheMetrics();
      unsubscribe(plannerFallbackChannelName, onPlannerFallback);
      unsubscribe(planBuiltChannelName, onPlanBuilt);
      unsubscribe(rateLimitStoreChannelName, onStoreEvent);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A metric's child per label values, made on first use and kept. */
function labelled<T>(child: (...values: string[]) => T): (...values: string[]) => T {
  const children = new Map<string, T>();
  return (...values) => {
    const key = values.join('\u0000');
    let found = children.get(key);
    if (found === undefined) {
      found = child(...values);
      children.set(key, found);
    }
    return found;
  };
}
