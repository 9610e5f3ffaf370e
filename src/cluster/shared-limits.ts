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

/** The start-up refusal for `--workers N` (N > 1) with limits but no REDIS_URL: the problem, then the fix. */
export function sharedStoreMissing(workers: number, limits: string[]): string {
  return [
    `${workers} workers need REDIS_URL. Rate limits are declared in:`,
    ...limits.map((where) => `  ${where}`),
    `Without Redis each worker counts them in its own memory, so ${workers} workers would let ${workers} times the limits through.`,
    'Fix: set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379) so that every worker shares one count, or run one worker (--workers 1, FACET_WORKERS=1).',
  ].join('\n');
}
