// Deno entry: load the .wasm from the package directory.
import * as glue from '../edgecache.js';
import { makeApi } from '../api.js';

glue.initSync({ module: Deno.readFileSync(new URL('../edgecache_bg.wasm', import.meta.url)) });

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);

/** Which entry point the exports map chose. */
export const runtime = 'deno';
