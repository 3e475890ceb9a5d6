/* @ts-self-types="./memory.d.ts" */
// The API of 'edgecache': the memory-tier build (edgecache_bg.wasm). The entry
// points (entry/*.js) initialise its glue and re-export this module.
import * as glue from './edgecache.js';
import { makeApi } from './api.js';

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, wasmMemoryBytes,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);
export {
  requestScope, withRequestScope, currentRequestScope, hasRequestContext, useAsyncLocalStorage, RequestScope,
} from './request-scope.js';
