import { relative } from 'node:path';
import type { GatewayConfig } from '../config/index.js';

/**
 * Where a configuration declares request quotas or field `@rateLimit`s, one entry per file
 * (`clients/partner/client.yaml (quotas)`). With several worker processes these need the shared
 * Redis store: each worker counting in its own memory would let N times the limit through.
 */
export function declaredLimits(config: GatewayConfig): string[] {
  const at = (file: string) => relative(config.dir, file) || file;
  const found: string[] = [];
  if (config.gateway.quotas.global.length) found.push('gateway.yaml (quotas.global)');
  for (const client of config.clients) {
    const { perCaller, plans, total } = client.options.quotas;
    if (perCaller.length || total.length || Object.values(plans).some((rules) => rules.length))
      found.push(`${at(client.optionsFile)} (quotas)`);
    if (client.rateLimits.size)
      found.push(`${at(client.schemaFile)} (@rateLimit on ${[...client.rateLimits.keys()].join(', ')})`);
  }
  return found;
}

/**
 * Where a configuration declares `@cacheControl` (one entry per source file). With several worker
 * processes the cache must be the shared Redis store: a purge (a mutation, the admin endpoint)
 * run by one worker would not reach the others' memory, which would serve what it dropped.
 */
export function declaredCaches(config: GatewayConfig): string[] {
  return config.sources.flatMap((source) => {
    const cached = source.bindings.filter((b) => b.cache).map((b) => `${b.typeName}.${b.fieldName}`);
    return cached.length
      ? [`${relative(config.dir, source.file) || source.file} (@cacheControl on ${cached.join(', ')})`]
      : [];
  });
}

/** The start-up refusal for `--workers N` (N > 1) with limits or caches but no shared store: the problem, then the fix. */
export function sharedStoreMissing(workers: number, limits: string[], caches: string[] = []): string {
  return [
    `${workers} workers need REDIS_URL.`,
    ...(limits.length ? ['Rate limits are declared in:', ...limits.map((where) => `  ${where}`)] : []),
    ...(caches.length ? ['Caches are declared in:', ...caches.map((where) => `  ${where}`)] : []),
    `Without Redis each worker keeps them in its own memory${limits.length ? `, so ${workers} workers would let ${workers} times the limits through` : ''}${caches.length ? `${limits.length ? ', and' : ','} a purge by one worker would not reach the others' caches` : ''}.`,
    'Fix: set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379) so that every worker shares one store (and leave gateway.yaml cache.store at auto or redis), or run one worker (--workers 1, FACET_WORKERS=1).',
  ].join('\n');
}
