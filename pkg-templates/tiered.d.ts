// 'edgecache/tiered': the same API as 'edgecache', from the build that also
// holds tiered caching, so createCache accepts `backend` (an adapter from
// 'edgecache/adapters') and the options that go with it. A cache made with a
// backend is a TieredCache: its stats() has the `l2` counters and the breaker.
import type { BackendAdapter } from './adapters/index.js';
import type { Cache, CacheOptions, TieredCacheStats } from './memory.js';

export * from './memory.js';

/** A cache with a backend (L1 in memory, L2 the backend's service). */
export interface TieredCache extends Cache {
  stats(): Promise<TieredCacheStats>;
  namespace(name: string): TieredCache;
}

export declare function createCache(options: CacheOptions & { backend: BackendAdapter }): TieredCache;
export declare function createCache(options?: CacheOptions): Cache;
