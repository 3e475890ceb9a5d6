// The public API, built once per host from the initialised wasm-bindgen glue.
// Each entry point (entry/node.js, entry/deno.js, entry/workerd.js) loads the
// .wasm its own way, then re-exports what makeApi returns.

import { Cache, CacheCore } from './cache.js';
import { EdgeCacheError, ErrorCode, isEdgeCacheError } from './errors.js';
import { toEdgeCacheError } from './cache-support.js';
import { tieredArguments, TIERED_OPTIONS } from './tiered-options.js';
import { makeDecorators } from './decorators.js';

// Options handled here; every other name goes to the wasm core, which refuses unknown ones.
const JS_OPTIONS = new Set(['namespace', ...TIERED_OPTIONS]);

/**
 * @param {{ WasmCache: Function, argsKey: Function, durationMs: Function }} glue the
 *   wasm-bindgen module, already initialised
 */
export function makeApi(glue) {
  const { WasmCache, WasmTieredCache, durationMs } = glue;

  /**
   * A new cache. Options: maxEntries, maxBytes, maxValueBytes, maxKeyBytes,
   * maxTagsPerEntry, defaultTtl, defaultIdle (ms or '5m'; null = never),
   * policy ('lru' | 'lfu' | 'fifo' | 's3-fifo'), compressionThreshold,
   * compressionLevel, namespace (the default namespace of the returned view),
   * now (a function returning epoch ms, for tests). Throws EdgeCacheError
   * (INVALID_OPTION) for unknown names, wrong types and out-of-range values.
   */
  function createCache(options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new EdgeCacheError('INVALID_OPTION', 'createCache options must be an object');
    }
    const coreOptions = {};
    for (const [name, value] of Object.entries(options)) {
      if (!JS_OPTIONS.has(name)) coreOptions[name] = value;
    }
    const namespace = options.namespace ?? '';
    if (typeof namespace !== 'string') {
      throw new EdgeCacheError('INVALID_OPTION', 'invalid option `namespace`: expected a string');
    }
    let wasm;
    try {
      // With a backend: the tiered cache (L1 here, L2 the adapter's service).
      const tiered = tieredArguments(options);
      wasm = tiered === undefined
        ? new WasmCache(coreOptions)
        : new WasmTieredCache(coreOptions, tiered.options, tiered.adapter, tiered.waitUntil);
      if (namespace !== '') wasm.namespace(namespace);
    } catch (err) {
      throw toEdgeCacheError(err);
    }
    return new Cache(new CacheCore(wasm, { durationMs }), namespace);
  }

  const decorators = makeDecorators({ createCache, argsKey: glue.argsKey });
  return { createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, ...decorators };
}
