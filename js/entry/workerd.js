// Workers (workerd) entry: the bundler hands us the .wasm as a compiled
// WebAssembly.Module (compiling bytes at run time is forbidden there).
import wasm from '../edgecache_bg.wasm';
import * as glue from '../edgecache.js';
import { makeApi } from '../api.js';

glue.initSync({ module: wasm });

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);

/** Which entry point the exports map chose. */
export const runtime = 'workerd';
