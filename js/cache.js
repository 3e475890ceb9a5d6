// The Cache class users hold: a thin public API over one driver, chosen once
// by createCache (js/drivers/memory.js over the memory-only core,
// js/drivers/tiered.js over a backend). Every method is async and fails only
// by rejecting with an EdgeCacheError. This file checks arguments, resolves
// the namespace, refuses what the driver's UNSUPPORTED table names, and maps
// errors; the driver and the wasm core behind it do the rest.
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
  checkDelta, checkKey, checkKeys, checkNamespaceName, checkPattern, checkTags, checkWriteOptions, copyValue, counterResult,
  entriesOf, toEdgeCacheError,
} from './cache-support.js';
import { EdgeCacheError } from './errors.js';
import { checkBatch } from './input-limits.js';
import { splitWriteBehind } from './write-behind.js';
import { getOrSet } from './get-or-set.js';
import { toWaitUntil } from './wait-until.js';
import { SingleFlight } from './singleflight.js';

/**
 * State shared by a cache and its namespace views: the driver, the names of
 * interned namespaces, and the listeners.
 */
export class CacheCore {
  /**
   * @param driver a MemoryDriver or a TieredDriver
   * @param {{ durationMs: (d: unknown) => number }} helpers free functions of the glue
   */
  constructor(driver, helpers) {
    this.driver = driver;
    this.limits = driver.limits; // sizes checked before input is copied into wasm (js/input-limits.js)
    this.unsupported = driver.constructor.UNSUPPORTED;
    this.durationMs = helpers.durationMs;
    this.flights = new SingleFlight(); // getOrSet loads in flight, keyed by namespace and key
    this.names = new Map(); // namespace id -> name
    this.listeners = new Set(); // removal listeners: { ns, fn }
    this.listening = false;
    this.eventListeners = new Set(); // backend event listeners
    this.eventsWired = false;
    this.closed = false; // set by close(): every later call rejects with CLOSED
    this.dispatching = 0; // > 0 while removal listeners run (inside a call into wasm)
    this.warnedWaitUntil = false;
    // Bound once: handed to every waitUntil this cache builds (js/wait-until.js).
    this.reportWaitUntil = (error) => this.#reportWaitUntil(error);
  }

  // A host refused a background promise: an event for onEvent listeners, and a
  // console warning (once per cache) when nobody listens, so it is never silent.
  #reportWaitUntil(error) {
    if (this.eventListeners.size === 0 && !this.warnedWaitUntil) {
      this.warnedWaitUntil = true;
      console.warn(`edgecache: ${error.message}`);
    }
    this.emit({ type: 'wait-until-error', error });
  }

  dispatch(ns, key, cause) {
    const namespace = this.names.get(ns) ?? '';
    this.dispatching++;
    try {
      for (const listener of this.listeners) {
        if (listener.ns !== ns) continue;
        try {
          listener.fn({ key, namespace, cause });
        } catch {
          // A failing listener must not fail the cache call that caused the
          // removal; nor crash the host (reportError is fatal in Deno): ignored.
        }
      }
    } finally {
      this.dispatching--;
    }
  }

  emit(event) {
    if (event.error !== undefined) event.error = toEdgeCacheError(event.error);
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the cache or the other listeners.
      }
    }
  }
}

// Codes of a set refused for its value or options: the key's older entry is dropped.
const REFUSED_WRITES = new Set(['VALUE_TOO_LARGE', 'INVALID_TTL', 'UNSUPPORTED_VALUE']);
const sameValue = (value) => value;

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
      checkNamespaceName(this.#name, this.#core.limits);
      this.#ns = this.#core.driver.namespace(this.#name);
      this.#core.names.set(this.#ns, this.#name);
    }
    return this.#ns;
  }

  // Runs one driver call (`op` names it, for the UNSUPPORTED table), turning
  // every failure into an EdgeCacheError, whether thrown or a rejection.
  #call(op, fn) {
    try {
      const reason = this.#core.unsupported[op];
      if (reason !== undefined) throw new EdgeCacheError('UNSUPPORTED', `not supported by this backend: ${reason}`);
      const out = fn(this.#core.driver, this.#id());
      return out instanceof Promise ? out.catch((err) => { throw toEdgeCacheError(err); }) : out;
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
    core.eventListeners.clear();
    const driver = core.driver;
    core.driver = undefined;
    // Called from a removal listener: the call that removed the entry is still
    // inside wasm, so the object is freed once that call has returned (a
    // microtask later). Every call made after close() rejects with CLOSED.
    if (core.dispatching > 0) await null;
    try {
      driver.free();
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
    checkKey(key, this.#core.limits);
    return this.#call('get', (d, ns) => d.get(ns, key));
  }

  /** Like get, without promoting the entry, restarting its idle clock or counting a hit. */
  async peek(key) {
    checkKey(key, this.#core.limits);
    return this.#call('peek', (d, ns) => d.peek(ns, key));
  }

  /**
   * Like get, but also returns an entry that stopped being fresh less than `maxStale`
   * (ms or '5m') ago, if it was stored with a stale window (`stale` write option):
   * `{ value, stale }`, or undefined when there is neither.
   */
  async getAllowingStale(key, maxStale) {
    checkKey(key, this.#core.limits);
    return this.#call('getAllowingStale', (d, ns) => d.getAllowingStale(ns, key, maxStale));
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
      limits: core.limits,
      reportWaitUntil: core.reportWaitUntil,
      copy: core.driver?.clone === false ? sameValue : copyValue,
    }, key, loader, options);
  }

  /** getOrSet under its other name. */
  wrap(key, loader, options) {
    return this.getOrSet(key, loader, options);
  }

  async has(key) {
    checkKey(key, this.#core.limits);
    return this.#call('has', (d, ns) => d.has(ns, key));
  }

  /** Values in the order of `keys`, undefined for misses. */
  async getMany(keys) {
    const list = checkKeys(keys, this.#core.limits);
    return this.#call('getMany', (d, ns) => d.getMany(ns, list));
  }

  async hasMany(keys) {
    const list = checkKeys(keys, this.#core.limits);
    return this.#call('hasMany', (d, ns) => d.hasMany(ns, list));
  }

  // ---- writes ----------------------------------------------------------
  /**
   * Stores `value`; options `{ ttl, idle, tags, stale }` (and `writeBehind`, `waitUntil`:
   * js/write-behind.js). Over a backend, resolves to where the entry landed
   * ('written', 'skipped' or 'failed': js/drivers/tiered.js); without one, undefined.
   */
  async set(key, value, options) {
    checkKey(key, this.#core.limits);
    const split = splitWriteBehind(options);
    const o = checkWriteOptions(split.options, this.#core.limits);
    const behind = split.behind && { waitUntil: toWaitUntil(split.behind.waitUntil, this.#core.reportWaitUntil) };
    try {
      return await this.#call('set', (d, ns) => d.set(ns, key, value, o, behind));
    } catch (err) {
      // A refused overwrite must not leave the older value readable (a caller
      // that swallows the error would serve stale data): drop it, as lru-cache
      // drops an entry whose replacement is too large, and still reject.
      if (REFUSED_WRITES.has(err.code)) await this.#dropQuietly(key);
      throw err;
    }
  }

  // Best effort: the rejection the caller gets is the refused write's.
  async #dropQuietly(key) {
    try {
      await this.#call('delete', (d, ns) => d.delete(ns, key));
    } catch {
      // closed meanwhile, or L2 failed (reported through onEvent)
    }
  }

  /** Stores only if the key is absent; true if stored. */
  async add(key, value, options) {
    checkKey(key, this.#core.limits);
    const o = checkWriteOptions(options, this.#core.limits);
    return this.#call('add', (d, ns) => d.add(ns, key, value, o));
  }

  /** Stores only if the key is present; true if stored. */
  async replace(key, value, options) {
    checkKey(key, this.#core.limits);
    const o = checkWriteOptions(options, this.#core.limits);
    return this.#call('replace', (d, ns) => d.replace(ns, key, value, o));
  }

  /** Stores every [key, value] (a Map, pairs, or an object); all or nothing. */
  async setMany(entries, options) {
    const pairs = entriesOf(entries);
    checkBatch(pairs.length, this.#core.limits);
    const o = checkWriteOptions(options, this.#core.limits);
    for (const pair of pairs) checkKey(pair[0], this.#core.limits);
    await this.#call('setMany', (d, ns) => d.setMany(ns, pairs, o));
  }

  // ---- removal ---------------------------------------------------------
  /** True if the key existed. */
  async delete(key) {
    checkKey(key, this.#core.limits);
    return this.#call('delete', (d, ns) => d.delete(ns, key));
  }

  async deleteMany(keys) {
    const list = checkKeys(keys, this.#core.limits);
    return this.#call('deleteMany', (d, ns) => d.deleteMany(ns, list));
  }

  /** Removes every entry of this namespace. */
  async clear() {
    return this.#call('clearNamespace', (d, ns) => d.clearNamespace(ns));
  }

  /** Removes every entry of every namespace. */
  async clearAll() {
    return this.#call('clear', (d) => d.clear());
  }

  /** Removes entries of this namespace carrying any of `tags` (a string or an array). */
  async invalidateTags(tags) {
    const list = checkTags(tags, 'tags', this.#core.limits);
    return this.#call('invalidateTags', (d, ns) => d.invalidateTags(ns, list));
  }

  /** Reclaims every expired entry now (expiry is otherwise lazy and amortised). */
  async purgeExpired() {
    return this.#call('purgeExpired', (d) => d.purgeExpired());
  }

  // ---- cross-isolate leases (tiered caches whose backend has atomic writes) ----
  /**
   * Tries to take a lease on `key` for `ttl` across every isolate sharing the
   * backend: 'acquired', 'busy' (someone else holds it) or 'unavailable' (no
   * backend, or one without atomic writes: Workers KV).
   */
  async tryLease(key, ttl) {
    checkKey(key, this.#core.limits);
    return this.#call('tryLease', (d, ns) => d.tryLease(ns, key, ttl));
  }

  /** Gives a lease back early (it also ends by itself after its TTL). */
  async releaseLease(key) {
    checkKey(key, this.#core.limits);
    return this.#call('releaseLease', (d, ns) => d.releaseLease(ns, key));
  }

  // ---- TTL -------------------------------------------------------------
  /** Milliseconds left; Infinity if it never expires; undefined if missing. */
  async ttl(key) {
    checkKey(key, this.#core.limits);
    return this.#call('ttl', (d, ns) => d.ttl(ns, key));
  }

  /** A new TTL from now (ms or duration string); true if the key exists. */
  async expire(key, ttl) {
    checkKey(key, this.#core.limits);
    return this.#call('expire', (d, ns) => d.expire(ns, key, ttl));
  }

  /** Removes the key's expiry; true if the key exists. */
  async persist(key) {
    checkKey(key, this.#core.limits);
    return this.#call('persist', (d, ns) => d.persist(ns, key));
  }

  /** Marks the key used (eviction order, idle clock); true if the key exists. */
  async touch(key) {
    checkKey(key, this.#core.limits);
    return this.#call('touch', (d, ns) => d.touch(ns, key));
  }

  // ---- counters --------------------------------------------------------
  /** Adds `delta` (default 1) to a counter (missing counts as 0); returns the new value. */
  async incr(key, delta = 1) {
    checkKey(key, this.#core.limits);
    const step = checkDelta(delta);
    return counterResult(await this.#call('incr', (d, ns) => d.incr(ns, key, step)));
  }

  async decr(key, delta = 1) {
    checkKey(key, this.#core.limits);
    const step = checkDelta(delta);
    return counterResult(await this.#call('decr', (d, ns) => d.decr(ns, key, step)));
  }

  // ---- patterns --------------------------------------------------------
  /** Live keys of this namespace matching a Redis-style glob ('*', '?', '[a-z]', '\\'). */
  async keys(pattern = '*') {
    checkPattern(pattern, this.#core.limits);
    return this.#call('keys', (d, ns) => d.keys(ns, pattern));
  }

  async countMatching(pattern = '*') {
    checkPattern(pattern, this.#core.limits);
    return this.#call('countMatching', (d, ns) => d.countMatching(ns, pattern));
  }

  async deleteMatching(pattern) {
    checkPattern(pattern, this.#core.limits);
    return this.#call('deleteMatching', (d, ns) => d.deleteMatching(ns, pattern));
  }

  // ---- observation -----------------------------------------------------
  /**
   * Over a backend: calls fn(event) for each backend failure ({ type: 'backend-error',
   * op, attempt, error }, error.cause being the adapter's exception), corrupt entry
   * ({ type: 'corrupt-entry', key, error }) and breaker change ('breaker-open',
   * 'breaker-close'). On every cache: { type: 'wait-until-error', error } when a
   * waitUntil refused a background promise (js/wait-until.js). Exceptions thrown
   * by fn are ignored. Resolves to an unsubscribe function.
   */
  async onEvent(fn) {
    if (typeof fn !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'onEvent needs a function');
    }
    const core = this.#core;
    if (!core.eventsWired) {
      this.#call('onEvent', (d) => d.onEvent((event) => core.emit(event)));
      core.eventsWired = true;
    }
    core.eventListeners.add(fn);
    return () => {
      core.eventListeners.delete(fn);
    };
  }

  /** Counters of the whole cache (all namespaces). */
  async stats() {
    return this.#call('stats', (d) => d.stats());
  }

  /**
   * `{ l1: { entries, bytes }, breaker, lastError, probe? }`: L1 size, the
   * breaker state and the last backend failure (`null` without a backend);
   * with `{ probe: true }`, one timed backend read too.
   */
  async health(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new EdgeCacheError('INVALID_OPTION', 'health options must be an object: { probe?: boolean }');
    }
    const probe = options.probe === true;
    return this.#call('health', (d) => d.health(probe));
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
    const listener = { ns: this.#call('onRemoval', (_, ns) => ns), fn };
    if (!core.listening) {
      this.#call('onRemoval', (d) => d.onRemoval((ns, key, cause) => core.dispatch(ns, key, cause)));
      core.listening = true;
    }
    core.listeners.add(listener);
    return () => {
      core.listeners.delete(listener);
    };
  }
}
