import type { Logger } from 'pino';
import type { GatewayFileOptions } from '../../config/gateway-options.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import { withFailPolicy } from './fail-policy.js';
import type { RateLimitStore } from './store.js';

/**
 * The process's rate-limit store: Redis when REDIS_URL is set (counts shared by every gateway
 * instance), else in memory. Store failures follow gateway.yaml `rateLimitStore` (onError, with a
 * back-off); the store going down and coming back are logged once each.
 */
export function createRateLimitStore(
  options: GatewayFileOptions['rateLimitStore'],
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): { store: RateLimitStore; kind: 'redis' | 'memory' } {
  const url = env['REDIS_URL'];
  const inner = url ? createRedisStore({ url, timeoutMs: options.timeoutMs }) : createMemoryStore();
  const decidingBy = options.onError === 'allow' ? 'local per-instance counts' : 'refusing with RATE_LIMIT_UNAVAILABLE';
  const store = withFailPolicy(inner, {
    onError: options.onError,
    backoffMs: options.backoffMs,
    log: (err) =>
      log.error(
        {
          err: { message: (err as Error).message, code: (err as { code?: string }).code },
          onError: options.onError,
          backoffMs: options.backoffMs,
        },
        `rate-limit store down: ${decidingBy} until it answers again`,
      ),
    onRecover: (downForMs) => log.info({ downForMs }, 'rate-limit store up again: exact shared counts'),
  });
  return { store, kind: url ? 'redis' : 'memory' };
}
