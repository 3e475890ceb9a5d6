// The public API, built once per wasm build from its wasm-bindgen glue:
// memory.js ('edgecache', memory tier only) and tiered.js ('edgecache/tiered',
// with backends). The entry points (entry/*.js, entry/tiered/*.js) load each
// build's .wasm the way their host needs and re-export one of those two.
// makeApi touches no wasm export until called, so an entry may initialise the
// glue after importing memory.js / tiered.js.

import { Cache, CacheCore } from './cache.js';
import { MemoryDriver } from './drivers/memory.js';
import { TieredDriver } from './drivers/tiered.js';
import { EdgeCacheError, ErrorCode, isEdgeCacheError } from './errors.js';
import { toEdgeCacheError } from './cache-support.js';
import { tieredArguments, TIERED_OPTIONS } from './tiered-options.js';
import { makeDecorators } from './decorators.js';

// Options of the memory driver (js/held-values.js): how objects are kept.
const HELD_OPTIONS = ['clone', 'sizeOf'];

function heldOptions(options, tiered) {
  const { clone, sizeOf } = options;
  if (clone !== undefined && typeof clone !== 'boolean') {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `clone`: expected a boolean');
  }
  if (sizeOf !== undefined && typeof sizeOf !== 'function') {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `sizeOf`: expected a function');
  }
  if (tiered && (clone !== undefined || sizeOf !== undefined)) {
    throw new EdgeCacheError('INVALID_OPTION', 'options `clone` and `sizeOf` are for a memory-only cache');
  }
  return { clone, sizeOf };
}

// Options handled here; every other name goes to the wasm core, which refuses unknown ones.
const JS_OPTIONS = new Set(['namespace', ...TIERED_OPTIONS, ...HELD_OPTIONS]);

// Why a backend fails on the default entry: that build holds no tiered code.
const NO_TIERED = "option `backend` needs the tiered build: import { createCache } from 'edgecache/tiered' "
  + "(the default 'edgecache' entry holds the memory tier only, to keep its .wasm small)";

/**
 * @param {{ WasmCache: Function, WasmTieredCache?: Function, argsKey: Function,
 *   durationMs: Function, initSync: Function }} glue the wasm-bindgen module
 *   (initialised before any returned function is called); WasmTieredCache only
 *   in the tiered build
 */
export function makeApi(glue) {
  const { WasmCache, WasmTieredCache, durationMs } = glue;

  /**
   * A new cache. Options: maxEntries, maxBytes, maxValueBytes, maxKeyBytes,
   * maxTagsPerEntry, defaultTtl, defaultIdle (ms or '5m'; null = never),
   * policy ('lru' | 'lfu' | 'fifo' | 's3-fifo'), compressionThreshold,
   * compressionLevel, namespace (the default namespace of the returned view),
   * clone (false: objects kept by reference, not copied) and sizeOf (their
   * weight in bytes; memory-only caches),
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
    if (options.backend !== undefined && WasmTieredCache === undefined) {
      throw new EdgeCacheError('INVALID_OPTION', NO_TIERED);
    }
    let driver;
    try {
      // The driver is chosen once: with a backend, the tiered cache (L1 here,
      // L2 the adapter's service); without, the memory tier alone.
      const tiered = tieredArguments(options);
      const held = heldOptions(options, tiered !== undefined);
      driver = tiered === undefined
        ? new MemoryDriver(new WasmCache(coreOptions), held)
        : new TieredDriver(new WasmTieredCache(coreOptions, tiered.options, tiered.adapter, tiered.waitUntil));
      if (namespace !== '') driver.namespace(namespace);
    } catch (err) {
      throw toEdgeCacheError(err);
    }
    return new Cache(new CacheCore(driver, { durationMs }), namespace);
  }

  /** Bytes of wasm linear memory now (it grows, never shrinks): for soak and load tests. */
  // Once initialised, initSync() returns the instance's exports without reloading.
  const wasmMemoryBytes = () => glue.initSync().memory.buffer.byteLength;

  const decorators = makeDecorators({ createCache, argsKey: glue.argsKey });
  return { createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, wasmMemoryBytes, ...decorators };
}
