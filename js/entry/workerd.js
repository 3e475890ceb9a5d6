// Workers (workerd) entry: the bundler hands us the .wasm as a compiled
// WebAssembly.Module (compiling bytes at run time is forbidden there).
import wasm from '../edgecache_bg.wasm';
import * as glue from '../edgecache.js';
import { makeApi } from '../api.js';

const exports = glue.initSync({ module: wasm });

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);

/** Bytes of wasm linear memory now (it grows, never shrinks): for soak and load tests. */
export const wasmMemoryBytes = () => exports.memory.buffer.byteLength;

/** Which entry point the exports map chose. */
export const runtime = 'workerd';
