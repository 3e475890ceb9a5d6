/* @ts-self-types="./tiered.d.ts" */
// The API of 'edgecache/tiered': the build with backends (edgecache_tiered_bg.wasm).
// The same names as memory.js; the entry points (entry/tiered/*.js) initialise
// its glue and re-export this module.
import * as glue from './edgecache_tiered.js';
import { makeApi } from './api.js';

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, wasmMemoryBytes,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);
export {
  requestScope, withRequestScope, currentRequestScope, hasRequestContext, useAsyncLocalStorage, RequestScope,
} from './request-scope.js';
