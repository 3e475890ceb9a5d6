// The memory driver: a Cache over the memory-only core (WasmCache, feature
// `js`). Everything is synchronous; values are encoded here (the codec plus
// the counter rule) and cross through the fast lane (js/wasm-scratch.js).
//
// A driver takes namespace ids (from namespace()) and JS values, answers with
// JS values (or Promises of them), and throws what the core throws: the Cache
// (js/cache.js) checks arguments and maps errors. UNSUPPORTED lists, once,
// the methods this driver does not offer and why.

import { decodeStored, encodeStored } from '../cache-support.js';
import { checkValueSize, readLimits } from '../input-limits.js';
import { WasmScratch } from '../wasm-scratch.js';
import { packValues } from './pack.js';

export class MemoryDriver {
  /** Nothing is unsupported over the memory tier. */
  static UNSUPPORTED = Object.freeze({});

  /** `wasm`: a WasmCache. */
  constructor(wasm) {
    this.wasm = wasm;
    this.scratch = new WasmScratch(wasm);
    this.limits = readLimits(wasm); // checked before a value is encoded into wasm
  }

  // The encoded bytes of `value`, refused (VALUE_TOO_LARGE) before they grow wasm memory.
  #encode(value) {
    checkValueSize(value, this.limits);
    return encodeStored(value, this.limits.maxValueBytes);
  }

  namespace(name) {
    return this.wasm.namespace(name);
  }

  free() {
    this.wasm.free();
  }

  // ---- reads -----------------------------------------------------------
  get(ns, key) {
    return this.scratch.get(ns, key, false);
  }

  peek(ns, key) {
    return this.scratch.get(ns, key, true);
  }

  getAllowingStale(ns, key, maxStale) {
    const packed = this.wasm.getAllowingStale(ns, key, maxStale);
    if (packed === undefined) return undefined;
    return { value: decodeStored(packed.subarray(1)), stale: packed[0] === 1 };
  }

  has(ns, key) {
    return this.wasm.has(ns, key);
  }

  getMany(ns, keys) {
    return this.scratch.getMany(ns, keys);
  }

  hasMany(ns, keys) {
    return Array.from(this.wasm.hasMany(ns, keys), (f) => f === 1);
  }

  // ---- writes ----------------------------------------------------------
  /** `o`: checked write options; write-behind means nothing without a backend. */
  set(ns, key, value, o) {
    // The fast lane for strings whose UTF-8 (at most 3 bytes per unit) fits;
    // a longer one is encoded, and refused, before anything reaches wasm.
    if (typeof value === 'string' && value.length * 3 <= this.limits.maxValueBytes) {
      return this.scratch.setString(ns, key, value, o);
    }
    return this.scratch.set(ns, key, this.#encode(value), o);
  }

  add(ns, key, value, o) {
    return this.wasm.add(ns, key, this.#encode(value), o.ttl, o.idle, o.tags, o.stale);
  }

  replace(ns, key, value, o) {
    return this.wasm.replace(ns, key, this.#encode(value), o.ttl, o.idle, o.tags, o.stale);
  }

  /** `pairs`: [key, value] with checked keys; all or nothing. */
  setMany(ns, pairs, o) {
    const { keys, data, lengths } = packValues(pairs, this.limits);
    this.wasm.setMany(ns, keys, data, lengths, o.ttl, o.idle, o.tags, o.stale);
  }

  // ---- removal ---------------------------------------------------------
  delete(ns, key) {
    return this.wasm.delete(ns, key);
  }

  deleteMany(ns, keys) {
    return this.wasm.deleteMany(ns, keys);
  }

  clearNamespace(ns) {
    return this.wasm.clearNamespace(ns);
  }

  clear() {
    return this.wasm.clear();
  }

  invalidateTags(ns, tags) {
    return this.wasm.invalidateTags(ns, tags);
  }

  purgeExpired() {
    return this.wasm.purgeExpired();
  }

  // ---- leases: only a backend with atomic writes has them ----------------
  tryLease() {
    return 'unavailable';
  }

  releaseLease() {
    return undefined;
  }

  // ---- TTL and counters ------------------------------------------------
  ttl(ns, key) {
    return this.wasm.ttl(ns, key);
  }

  expire(ns, key, ttl) {
    return this.wasm.expire(ns, key, ttl);
  }

  persist(ns, key) {
    return this.wasm.persist(ns, key);
  }

  touch(ns, key) {
    return this.wasm.touch(ns, key);
  }

  /** `step`: a BigInt; the new value as a BigInt. */
  incr(ns, key, step) {
    return this.wasm.incr(ns, key, step);
  }

  decr(ns, key, step) {
    return this.wasm.decr(ns, key, step);
  }

  // ---- patterns --------------------------------------------------------
  keys(ns, pattern) {
    return this.wasm.keys(ns, pattern);
  }

  countMatching(ns, pattern) {
    return this.wasm.countMatching(ns, pattern);
  }

  deleteMatching(ns, pattern) {
    return this.wasm.deleteMatching(ns, pattern);
  }

  // ---- observation -----------------------------------------------------
  stats() {
    return this.wasm.stats();
  }

  /** A memory-only cache has no breaker, no backend errors and nothing to probe. */
  health() {
    const { entries, bytes } = this.wasm.stats();
    return { l1: { entries, bytes }, breaker: null, lastError: null };
  }

  /** `handler(ns, key, cause)` after each removal. */
  onRemoval(handler) {
    this.wasm.onRemoval(handler);
  }

  /** A memory-only cache has no backend events. */
  onEvent() {}
}
