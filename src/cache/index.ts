export {
  cacheChannelName,
  publishCacheEvent,
  type CacheEvent,
  type CacheStore,
  type CacheWrite,
} from './cache-store.js';
export { createCacheStore } from './create-cache-store.js';
export { entityTag, EntityTagger } from './entity-tags.js';
export { MemoryCacheStore } from './memory-cache-store.js';
export { RedisCacheStore } from './redis-cache-store.js';
export { checkInvalidations } from './check-invalidations.js';
