// Deno entry: load the .wasm from the package directory.
import * as glue from '../edgecache.js';
import { makeApi } from '../api.js';

const exports = glue.initSync({ module: Deno.readFileSync(new URL('../edgecache_bg.wasm', import.meta.url)) });

export const {
  createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError,
  cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache,
} = makeApi(glue);

/** Bytes of wasm linear memory now (it grows, never shrinks): for soak and load tests. */
export const wasmMemoryBytes = () => exports.memory.buffer.byteLength;

/** Which entry point the exports map chose. */
export const runtime = 'deno';
