// The Cache class users hold. Every method is async (an L2 backend will make
// them truly async later) and fails only by rejecting with an EdgeCacheError.
// Values go through encodeStored/decodeStored (the codec plus the counter rule);
// the wasm core (WasmCache) does everything else, one call per method.
//
// Return conventions:
// - get/peek of a missing key: undefined (so a stored `undefined` and a miss
//   look alike to get(); use has() to tell them apart).
// - ttl(key): milliseconds left, Infinity when the entry never expires,
//   undefined when the key is missing.
// - counts (delete*, clear*, invalidateTags, ...): numbers of entries removed.
// - TTL arguments: a number of ms, a duration string ('90s', '5m', '1h30m'),
//   undefined for the cache default, null for "never expires".

import {
  checkDelta, checkKey, checkKeys, checkPattern, checkTags, checkWriteOptions, counterResult,
  decodeStored, encodeStored, entriesOf, toEdgeCacheError,
} from './cache-support.js';
import { EdgeCacheError } from './errors.js';
import { splitWriteBehind } from './write-behind.js';
import { getOrSet } from './get-or-set.js';
import { SingleFlight } from './singleflight.js';
import { WasmScratch } from './wasm-scratch.js';

const MISSING = 0xffffffff;

/**
 * State shared by a cache and its namespace views: the wasm core, the names
 * of interned namespaces, and the removal listeners.
 */
export class CacheCore {
  /**
   * @param wasm a WasmCache
   * @param {{ durationMs: (d: unknown) => number }} helpers free functions of the glue
   */
  constructor(wasm, helpers) {
    this.wasm = wasm;
    // The fast lane for get/peek/set/getMany over a memory-only core (js/wasm-scratch.js).
    this.scratch = WasmScratch.fits(wasm) ? new WasmScratch(wasm) : undefined;
    this.durationMs = helpers.durationMs;
    this.flights = new SingleFlight(); // getOrSet loads in flight, keyed by namespace and key
    this.names = new Map(); // namespace id -> name
    this.listeners = new Set(); // { ns, fn }
    this.listening = false;
    this.closed = false; // set by close(): every later call rejects with CLOSED
  }

  dispatch(ns, key, cause) {
    const namespace = this.names.get(ns) ?? '';
    for (const listener of this.listeners) {
      if (listener.ns !== ns) continue;
      try {
        listener.fn({ key, namespace, cause });
      } catch {
        // A failing listener must not fail the cache call that caused the
        // removal; nor crash the host (reportError is fatal in Deno): ignored.
      }
    }
  }
}

// The exception fn throws (fn is expected to throw).
function catchSync(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return new EdgeCacheError('INVALID_KEY', 'invalid key');
}

export class Cache {
  #core;
  #name;
  #ns; // resolved lazily, so namespace() never throws synchronously

  /** Use createCache(); `core` is a CacheCore, `name` the namespace ('' is the default). */
  constructor(core, name = '') {
    this.#core = core;
    this.#name = name;
    this.#ns = undefined;
  }

  /** The namespace name of this view ('' for the default namespace). */
  get namespaceName() {
    return this.#name;
  }

  /** A view of the same cache on another namespace (keys, clear and patterns are per namespace). */
  namespace(name) {
    return new Cache(this.#core, name);
  }

  // Resolves the namespace id (interning it in the core on first use).
  #id() {
    if (this.#core.closed) throw new EdgeCacheError('CLOSED', 'the cache is closed');
    if (this.#ns === undefined) {
      if (typeof this.#name !== 'string') {
        throw new EdgeCacheError('INVALID_OPTION', 'a namespace name must be a string');
      }
      this.#ns = this.#core.wasm.namespace(this.#name);
      this.#core.names.set(this.#ns, this.#name);
    }
    return this.#ns;
  }

  // Runs one core call, turning every failure into an EdgeCacheError. Over a
  // backend (WasmTieredCache) the core answers with a Promise: its rejection is
  // mapped the same way, and callers await either kind of answer.
  #call(fn) {
    try {
      const out = fn(this.#core.wasm, this.#id());
      return out instanceof Promise ? out.catch((err) => { throw toEdgeCacheError(err); }) : out;
    } catch (err) {
      throw toEdgeCacheError(err);
    }
  }

  // Encodes with errors mapped (the codec throws EdgeCacheError already).
  #encode(value) {
    try {
      return encodeStored(value);
    } catch (err) {
      throw toEdgeCacheError(err);
    }
  }

  /**
   * Frees the wasm object behind this cache and all its namespace views. Every
   * later call rejects with CLOSED; closing again does nothing. Calls already
   * running finish first: the core keeps what they use until they settle.
   */
  async close() {
    const core = this.#core;
    if (core.closed) return;
    core.closed = true;
    core.listeners.clear();
    core.eventListeners?.clear();
    const wasm = core.wasm;
    core.wasm = undefined;
    core.scratch = undefined;
    try {
      wasm.free();
    } catch (err) {
      throw toEdgeCacheError(err);
    }
  }

  /** True once close() was called on this cache or any of its views. */
  get closed() {
    return this.#core.closed;
  }

  // ---- reads -----------------------------------------------------------
  async get(key) {
    const scratch = this.#core.scratch;
    if (scratch !== undefined && typeof key === 'string') {
      // Memory-only: one synchronous call, the value decoded from wasm memory.
      try {
        return scratch.get(this.#ns ?? this.#id(), key, false);
      } catch (err) {
        throw toEdgeCacheError(err);
      }
    }
    checkKey(key);
    const bytes = await this.#call((w, ns) => w.get(ns, key));
    return bytes === undefined ? undefined : decodeStored(bytes);
  }

  /** Like get, without promoting the entry, restarting its idle clock or counting a hit. */
  async peek(key) {
    checkKey(key);
    const scratch = this.#core.scratch;
    if (scratch !== undefined) {
      try {
        return scratch.get(this.#id(), key, true);
      } catch (err) {
        throw toEdgeCacheError(err);
      }
    }
    const bytes = await this.#call((w, ns) => w.peek(ns, key));
    return bytes === undefined ? undefined : decodeStored(bytes);
  }

  /**
   * Like get, but also returns an entry that stopped being fresh less than `maxStale`
   * (ms or '5m') ago, if it was stored with a stale window (`stale` write option):
   * `{ value, stale }`, or undefined when there is neither.
   */
  async getAllowingStale(key, maxStale) {
    checkKey(key);
    const packed = await this.#call((w, ns) => w.getAllowingStale(ns, key, maxStale));
    if (packed === undefined) return undefined;
    return { value: decodeStored(packed.subarray(1)), stale: packed[0] === 1 };
  }

  /**
   * The cached value of `key`, or the loader's (stored, then returned); one loader call per
   * key at a time in this isolate; stale-while-revalidate and stale-if-error windows.
   * See js/get-or-set.js for the options.
   */
  getOrSet(key, loader, options) {
    // Checked here: the flight key below would throw synchronously on a Symbol.
    if (typeof key !== 'string') return Promise.reject(toEdgeCacheError(catchSync(() => checkKey(key))));
    const core = this.#core;
    return getOrSet(this, {
      flights: core.flights,
      flightKey: `${String(this.#name).length}:${String(this.#name)}:${key}`,
      durationMs: core.durationMs,
    }, key, loader, options);
  }

  /** getOrSet under its other name. */
  wrap(key, loader, options) {
    return this.getOrSet(key, loader, options);
  }

  async has(key) {
    checkKey(key);
    return this.#call((w, ns) => w.has(ns, key));
  }

  /** Values in the order of `keys`, undefined for misses. */
  async getMany(keys) {
    const list = checkKeys(keys);
    const scratch = this.#core.scratch;
    if (scratch !== undefined) {
      try {
        return scratch.getMany(this.#id(), list);
      } catch (err) {
        throw toEdgeCacheError(err);
      }
    }
    // One packed buffer crosses the boundary (see benches/js/boundary.bench.mjs).
    const packed = await this.#call((w, ns) => w.getManyPacked(ns, list));
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const out = new Array(list.length);
    let at = list.length * 4;
    for (let i = 0; i < list.length; i++) {
      const len = view.getUint32(i * 4, true);
      if (len === MISSING) {
        out[i] = undefined;
      } else {
        out[i] = decodeStored(packed.subarray(at, at + len));
        at += len;
      }
    }
    return out;
  }

  async hasMany(keys) {
    const list = checkKeys(keys);
    const flags = await this.#call((w, ns) => w.hasMany(ns, list));
    return Array.from(flags, (f) => f === 1);
  }

  // ---- writes ----------------------------------------------------------
  /** Stores `value`; options `{ ttl, idle, tags }` (and `writeBehind`, `waitUntil`: js/write-behind.js). */
  async set(key, value, options) {
    checkKey(key);
    const split = splitWriteBehind(options);
    const o = checkWriteOptions(split.options);
    const scratch = this.#core.scratch;
    if (scratch !== undefined && typeof value === 'string') {
      // Memory-only, a string: encoded straight into wasm memory.
      try {
        return scratch.setString(this.#id(), key, value, o);
      } catch (err) {
        throw toEdgeCacheError(err);
      }
    }
    const bytes = this.#encode(value);
    if (split.behind !== undefined && typeof this.#core.wasm?.setBehind === 'function') {
      const wait = split.behind.waitUntil;
      await this.#call((w, ns) => w.setBehind(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale, wait));
      return;
    }
    if (scratch !== undefined) {
      try {
        return scratch.set(this.#id(), key, bytes, o);
      } catch (err) {
        throw toEdgeCacheError(err);
      }
    }
    // Over a backend this is where the entry landed: 'written' (in L2 too),
    // 'skipped' (breaker open: L1 only) or 'failed' (L2 failed; reported through
    // onEvent). Without a backend, undefined.
    return this.#call((w, ns) => w.set(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale));
  }

  /** Stores only if the key is absent; true if stored. */
  async add(key, value, options) {
    checkKey(key);
    const o = checkWriteOptions(options);
    const bytes = this.#encode(value);
    return this.#call((w, ns) => w.add(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale));
  }

  /** Stores only if the key is present; true if stored. */
  async replace(key, value, options) {
    checkKey(key);
    const o = checkWriteOptions(options);
    const bytes = this.#encode(value);
    return this.#call((w, ns) => w.replace(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale));
  }

  /** Stores every [key, value] (a Map, pairs, or an object); all or nothing. */
  async setMany(entries, options) {
    const pairs = entriesOf(entries);
    const o = checkWriteOptions(options);
    const keys = new Array(pairs.length);
    const values = new Array(pairs.length);
    const lengths = new Uint32Array(pairs.length);
    let total = 0;
    for (let i = 0; i < pairs.length; i++) {
      keys[i] = checkKey(pairs[i][0]);
      values[i] = this.#encode(pairs[i][1]);
      lengths[i] = values[i].length;
      total += values[i].length;
    }
    // One buffer for all values: one copy into wasm instead of one per value.
    const data = new Uint8Array(total);
    let at = 0;
    for (const v of values) {
      data.set(v, at);
      at += v.length;
    }
    await this.#call((w, ns) => w.setMany(ns, keys, data, lengths, o.ttl, o.idle, o.tags, o.stale));
  }

  // ---- removal ---------------------------------------------------------
  /** True if the key existed. */
  async delete(key) {
    checkKey(key);
    return this.#call((w, ns) => w.delete(ns, key));
  }

  async deleteMany(keys) {
    const list = checkKeys(keys);
    return this.#call((w, ns) => w.deleteMany(ns, list));
  }

  /** Removes every entry of this namespace. */
  async clear() {
    return this.#call((w, ns) => w.clearNamespace(ns));
  }

  /** Removes every entry of every namespace. */
  async clearAll() {
    return this.#call((w) => w.clear());
  }

  /** Removes entries of this namespace carrying any of `tags` (a string or an array). */
  async invalidateTags(tags) {
    const list = checkTags(tags);
    return this.#call((w, ns) => w.invalidateTags(ns, list));
  }

  /** Reclaims every expired entry now (expiry is otherwise lazy and amortised). */
  async purgeExpired() {
    return this.#call((w) => w.purgeExpired());
  }

  // ---- cross-isolate leases (tiered caches whose backend has atomic writes) ----
  /**
   * Tries to take a lease on `key` for `ttl` across every isolate sharing the
   * backend: 'acquired', 'busy' (someone else holds it) or 'unavailable' (no
   * backend, or one without atomic writes: Workers KV).
   */
  async tryLease(key, ttl) {
    checkKey(key);
    return this.#call((w, ns) => (typeof w.tryLease === 'function' ? w.tryLease(ns, key, ttl) : 'unavailable'));
  }

  /** Gives a lease back early (it also ends by itself after its TTL). */
  async releaseLease(key) {
    checkKey(key);
    return this.#call((w, ns) => (typeof w.releaseLease === 'function' ? w.releaseLease(ns, key) : undefined));
  }

  // ---- TTL -------------------------------------------------------------
  /** Milliseconds left; Infinity if it never expires; undefined if missing. */
  async ttl(key) {
    checkKey(key);
    return this.#call((w, ns) => w.ttl(ns, key));
  }

  /** A new TTL from now (ms or duration string); true if the key exists. */
  async expire(key, ttl) {
    checkKey(key);
    return this.#call((w, ns) => w.expire(ns, key, ttl));
  }

  /** Removes the key's expiry; true if the key exists. */
  async persist(key) {
    checkKey(key);
    return this.#call((w, ns) => w.persist(ns, key));
  }

  /** Marks the key used (eviction order, idle clock); true if the key exists. */
  async touch(key) {
    checkKey(key);
    return this.#call((w, ns) => w.touch(ns, key));
  }

  // ---- counters --------------------------------------------------------
  /** Adds `delta` (default 1) to a counter (missing counts as 0); returns the new value. */
  async incr(key, delta = 1) {
    checkKey(key);
    const step = checkDelta(delta);
    return counterResult(await this.#call((w, ns) => w.incr(ns, key, step)));
  }

  async decr(key, delta = 1) {
    checkKey(key);
    const step = checkDelta(delta);
    return counterResult(await this.#call((w, ns) => w.decr(ns, key, step)));
  }

  // ---- patterns --------------------------------------------------------
  /** Live keys of this namespace matching a Redis-style glob ('*', '?', '[a-z]', '\\'). */
  async keys(pattern = '*') {
    checkPattern(pattern);
    return this.#call((w, ns) => w.keys(ns, pattern));
  }

  async countMatching(pattern = '*') {
    checkPattern(pattern);
    return this.#call((w, ns) => w.countMatching(ns, pattern));
  }

  async deleteMatching(pattern) {
    checkPattern(pattern);
    return this.#call((w, ns) => w.deleteMatching(ns, pattern));
  }

  // ---- observation -----------------------------------------------------
  /**
   * Over a backend: calls fn(event) for each backend failure ({ type: 'backend-error',
   * op, attempt, error }, error.cause being the adapter's exception), corrupt entry
   * ({ type: 'corrupt-entry', key, error }) and breaker change ('breaker-open',
   * 'breaker-close'). Exceptions thrown by fn are ignored. Resolves to an
   * unsubscribe function; on a memory-only cache no event ever comes.
   */
  async onEvent(fn) {
    if (typeof fn !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'onEvent needs a function');
    }
    const core = this.#core;
    if (core.closed) throw new EdgeCacheError('CLOSED', 'the cache is closed');
    core.eventListeners ??= new Set();
    if (typeof core.wasm?.onEvent === 'function' && !core.eventsWired) {
      this.#call((w) => w.onEvent((event) => {
        if (event.error !== undefined) event.error = toEdgeCacheError(event.error);
        for (const listener of core.eventListeners) {
          try {
            listener(event);
          } catch {
            // A failing listener must not break the cache or the other listeners.
          }
        }
      }));
      core.eventsWired = true;
    }
    core.eventListeners.add(fn);
    return () => {
      core.eventListeners.delete(fn);
    };
  }

  /** Counters of the whole cache (all namespaces). */
  async stats() {
    return this.#call((w) => w.stats());
  }

  /**
   * Calls fn({ key, namespace, cause }) after each removal in this namespace
   * (cause: 'capacity' | 'expired' | 'explicit'), synchronously after the call that
   * removed them. Exceptions thrown by fn are ignored. Resolves to an unsubscribe function.
   */
  async onRemoval(fn) {
    if (typeof fn !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'onRemoval needs a function');
    }
    const core = this.#core;
    const listener = { ns: this.#call((_, ns) => ns), fn };
    if (!core.listening) {
      this.#call((w) => w.onRemoval((ns, key, cause) => core.dispatch(ns, key, cause)));
      core.listening = true;
    }
    core.listeners.add(listener);
    return () => {
      core.listeners.delete(listener);
    };
  }
}
