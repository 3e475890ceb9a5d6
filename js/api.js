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
import { checkNamespaceName, toEdgeCacheError } from './cache-support.js';
import { tieredArguments, TIERED_OPTIONS } from './tiered-options.js';
import { makeDecorators } from './decorators.js';
import { didYouMean } from './did-you-mean.js';

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
// The core's option names (src/bindings/js_options.rs), only to suggest one for a typo:
// the core stays the judge of what it accepts.
const CORE_OPTIONS = [
  'maxEntries', 'maxBytes', 'maxValueBytes', 'maxKeyBytes', 'maxTagsPerEntry', 'defaultTtl', 'defaultIdle',
  'policy', 'compressionThreshold', 'compressionLevel', 'now',
];
export const KNOWN_OPTIONS = [...CORE_OPTIONS, ...JS_OPTIONS];

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
  // The WasmCache behind each memory-tier cache made here, for indexes that
  // live beside its tier (the semantic build's vector index).
  const wasmCaches = new WeakMap();

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
  function createCache(given = {}) {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw new EdgeCacheError('INVALID_OPTION', 'createCache options must be an object');
    }
    const options = readOnce(given);
    const coreOptions = {};
    for (const [name, value] of Object.entries(options)) {
      if (JS_OPTIONS.has(name)) continue;
      const hint = KNOWN_OPTIONS.includes(name) ? '' : didYouMean(name, KNOWN_OPTIONS);
      if (hint !== '') throw new EdgeCacheError('INVALID_OPTION', `invalid option \`options\`: unknown option \`${name}\`${hint}`);
      coreOptions[name] = value;
    }
    const namespace = options.namespace ?? '';
    if (typeof namespace !== 'string') {
      throw new EdgeCacheError('INVALID_OPTION', 'invalid option `namespace`: expected a string');
    }
    if (options.backend !== undefined && WasmTieredCache === undefined) {
      throw new EdgeCacheError('INVALID_OPTION', NO_TIERED);
    }
    let driver;
    let core; // set below; createCache's waitUntil reports to it once it exists
    try {
      // The driver is chosen once: with a backend, the tiered cache (L1 here,
      // L2 the adapter's service); without, the memory tier alone.
      const tiered = tieredArguments(options, (err) => core?.reportWaitUntil(err));
      const held = heldOptions(options, tiered !== undefined);
      driver = tiered === undefined
        ? new MemoryDriver(new WasmCache(coreOptions), held)
        : new TieredDriver(new WasmTieredCache(coreOptions, tiered.options, tiered.adapter, tiered.waitUntil));
      if (namespace !== '') driver.namespace(checkNamespaceName(namespace, driver.limits));
    } catch (err) {
      // Anything but our own errors came from reading a nested option (a getter, a Proxy).
      if (isEdgeCacheError(err)) throw toEdgeCacheError(err);
      throw new EdgeCacheError('INVALID_OPTION', 'reading the options threw', { cause: err });
    }
    core = new CacheCore(driver, { durationMs });
    const cache = new Cache(core, namespace);
    if (driver instanceof MemoryDriver) wasmCaches.set(cache, driver.wasm);
    return cache;
  }

  /**
   * The options as a plain object, each read exactly once: a getter or Proxy
   * trap that throws is INVALID_OPTION, and one that answers differently on
   * each read cannot pass a check and then change.
   */
  function readOnce(given) {
    const out = {};
    let name = '';
    try {
      for (name of Object.keys(given)) out[name] = given[name];
    } catch (err) {
      const what = name === '' ? 'the options object' : `option \`${name}\``;
      throw new EdgeCacheError('INVALID_OPTION', `reading ${what} threw`, { cause: err });
    }
    return out;
  }

  /** The WasmCache of a cache createCache made over the memory tier, else undefined. */
  const wasmCacheOf = (cache) => wasmCaches.get(cache);

  /** Bytes of wasm linear memory now (it grows, never shrinks): for soak and load tests. */
  // Once initialised, initSync() returns the instance's exports without reloading.
  const wasmMemoryBytes = () => glue.initSync().memory.buffer.byteLength;

  const decorators = makeDecorators({ createCache, argsKey: glue.argsKey });
  return {
    createCache, Cache, EdgeCacheError, ErrorCode, isEdgeCacheError, wasmMemoryBytes, wasmCacheOf, ...decorators,
  };
}
