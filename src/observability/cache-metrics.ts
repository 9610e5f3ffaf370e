import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, type Registry } from 'prom-client';
import { cacheChannelName, type CacheEvent } from '../cache/cache-store.js';

/**
 * The cache's counters, from its events: per source (calls) and per client (whole responses),
 * lookups, stores and evictions with their bytes; for the store, bypasses (it could not answer)
 * and entries purged. Returns the unsubscribe.
 */
export function registerCacheMetrics(registry: Registry, labelled: Labelled): () => void {
  const counter = (name: string, help: string, label: string) =>
    new Counter({ name, help, labelNames: [label, 'outcome'], registers: [registry] });
  const sourceCache = counter(
    'facet_source_cache_total',
    'Cache of @cacheControl calls by source and outcome: hit, miss (lookups), store, evict (pushed out by the memory bound)',
    'source',
  );
  const sourceBytes = counter(
    'facet_source_cache_bytes_total',
    'Bytes of call answers stored in and evicted from the cache, by source and outcome (store, evict)',
    'source',
  );
  const responseCache = counter(
    'facet_response_cache_total',
    'Cache of whole responses by client and outcome: hit, miss (lookups), store, evict',
    'client',
  );
  const responseBytes = counter(
    'facet_response_cache_bytes_total',
    'Bytes of responses stored in and evicted from the cache, by client and outcome (store, evict)',
    'client',
  );
  const store = new Counter({
    name: 'facet_cache_store_total',
    help: 'Cache store events by store and outcome: bypass (it could not answer: served from the backends), purge (entries dropped)',
    labelNames: ['store', 'outcome'] as const,
    registers: [registry],
  });
  const children = {
    source: labelled((name, outcome) => sourceCache.labels(name, outcome)),
    sourceBytes: labelled((name, outcome) => sourceBytes.labels(name, outcome)),
    client: labelled((name, outcome) => responseCache.labels(name, outcome)),
    clientBytes: labelled((name, outcome) => responseBytes.labels(name, outcome)),
  };
  const onEvent = (message: unknown) => {
    const { owner, outcome, bytes } = message as CacheEvent;
    const colon = owner.indexOf(':');
    const kind = owner.slice(0, colon);
    const name = owner.slice(colon + 1);
    if (kind === 'source' || kind === 'client') {
      children[kind](name, outcome).inc();
      if (bytes) children[kind === 'source' ? 'sourceBytes' : 'clientBytes'](name, outcome).inc(bytes);
    } else store.inc({ store: owner, outcome }, outcome === 'purge' ? (bytes ?? 0) : 1);
  };
  subscribe(cacheChannelName, onEvent);
  return () => unsubscribe(cacheChannelName, onEvent);
}

export type Labelled = <T>(child: (...values: string[]) => T) => (...values: string[]) => T;
