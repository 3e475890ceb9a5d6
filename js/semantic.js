// The API of 'edgecache/semantic': the memory-tier build with the vector index
// (edgecache_semantic_bg.wasm, wasm SIMD): the names of 'edgecache', plus
// semanticCache and normalizeQuery. The entry points (entry/semantic/*.js)
// initialise its glue and re-export this module.
import * as glue from './edgecache_semantic.js';
import { makeApi } from './api.js';
import { CoreIndex } from './semantic/core-index.js';
import { makeSemanticCache } from './semantic/cache.js';

export { normalizeQuery, MAX_QUERY_LENGTH } from './semantic/normalize.js';

const api = makeApi(glue);

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, wasmMemoryBytes,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = api;

/**
 * A semantic cache over `cache`: lookup(query), store(query, response, { model, ttl, tags }),
 * invalidate(query), invalidateTags(tags), stats(). Options: cache, embed
 * ((texts) => Promise<Float32Array[]>), threshold (cosine, default 0.95), ttl,
 * dimensions, index (a Vectorize-shaped host index; default: the core index
 * beside the cache's memory tier), model (default ''), namespace (default
 * 'semantic'), precision ('f32' | 'int8'), topK (default 4).
 */
export function semanticCache(options) {
  return makeSemanticCache(options, {
    coreIndex(cache, namespace, precision) {
      const wasm = api.wasmCacheOf(cache);
      return wasm === undefined ? undefined : new CoreIndex(glue.WasmSemanticIndex, wasm, namespace, precision);
    },
    key: (model, text) => glue.semanticKey(model, text),
  });
}

/** Whether this build's index searches with wasm SIMD. */
export const simdAvailable = () => glue.WasmSemanticIndex.simdAvailable();
