import type { Logger } from 'pino';
import type { GatewayFileOptions } from '../config/gateway-options.js';
import type { CacheStore } from './cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { RedisCacheStore } from './redis-cache-store.js';

/**
 * The process's cache store, kept across reloads: Redis when gateway.yaml `cache.store` says so,
 * or when it is `auto` (the default) and REDIS_URL is set; else memory, bounded by bytes.
 * (`redis` without REDIS_URL is refused when the configuration loads.)
 */
export function createCacheStore(
  options: GatewayFileOptions['cache'],
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): CacheStore {
  const url = env['REDIS_URL'];
  if (options.store === 'memory' || !url) return new MemoryCacheStore(options.memoryMaxBytes);
  const { timeoutMs, backoffMs, keyPrefix } = options;
  return new RedisCacheStore({ url, timeoutMs, backoffMs, keyPrefix, log });
}
