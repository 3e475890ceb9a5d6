// The memory driver: a Cache over the memory-only core (WasmCache, feature
// `js`). Everything is synchronous. Immutable values stay JS values held here
// by slot (`values`); the core decides everything else (index, eviction,
// TTL/idle, weights, namespaces, tags, stats), answers with slots and lists
// the slots whose values must be dropped (js/held-values.js has the rule of
// what is held and its weight; js/wasm-scratch.js the lane into wasm).
//
// After every call into the core, the dropped slots are cleared from
// `values` before a write stores its value at the slot it got back, and only
// then are removals delivered to a listener (which may call back in).
//
// A driver takes namespace ids (from namespace()) and JS values, answers with
// JS values (or Promises of them), and throws what the core throws: the Cache
// (js/cache.js) checks arguments and maps errors. UNSUPPORTED lists, once,
// the methods this driver does not offer and why.

import { encodeStored } from '../cache-support.js';
import { EdgeCacheError } from '../errors.js';
import { checkValueSize, readLimits, tooLarge } from '../input-limits.js';
import {
  BOX_CHARGE, JsonCopy, Reference, STRING_BASE, estimateSize, jsonCopyText, primitiveCharge, unhold,
} from '../held-values.js';
import { WasmScratch } from '../wasm-scratch.js';

const SET = 0;
const ADD = 1;
const REPLACE = 2;

export class MemoryDriver {
  /** Nothing is unsupported over the memory tier. */
  static UNSUPPORTED = Object.freeze({});

  /**
   * `wasm`: a WasmCache; `options.clone` false keeps objects by reference,
   * weighed by `options.sizeOf(value)` (bytes) or estimated.
   */
  constructor(wasm, options = {}) {
    this.wasm = wasm;
    this.lane = new WasmScratch(wasm);
    this.values = []; // held values by slot
    this.clone = options.clone !== false;
    this.sizeOf = options.sizeOf;
    this.listening = false;
    this.heldAt = (slot) => unhold(this.values[slot]);
    this.limits = readLimits(wasm); // checked before a value is encoded or held
  }

  namespace(name) {
    return this.#swept(this.wasm.namespace(name));
  }

  free() {
    this.values = [];
    this.wasm.free();
  }

  // ---- reads -----------------------------------------------------------
  get(ns, key) {
    return this.#answer(this.lane.read(ns, key, false));
  }

  peek(ns, key) {
    return this.#answer(this.lane.read(ns, key, true));
  }

  getAllowingStale(ns, key, maxStale) {
    const r = this.lane.readStale(ns, key, maxStale);
    if (r === -1) return this.#after(undefined);
    const stale = this.lane.lastStale();
    return this.#after({ value: this.#valueOf(r), stale });
  }

  has(ns, key) {
    return this.#swept(this.wasm.has(ns, key));
  }

  getMany(ns, keys) {
    return this.#after(this.lane.getMany(ns, keys, this.heldAt));
  }

  hasMany(ns, keys) {
    return Array.from(this.#swept(this.wasm.hasMany(ns, keys)), (f) => f === 1);
  }

  // ---- writes ----------------------------------------------------------
  /** `o`: checked write options; write-behind means nothing without a backend. */
  set(ns, key, value, o) {
    this.#write(SET, ns, key, value, o);
  }

  add(ns, key, value, o) {
    return this.#write(ADD, ns, key, value, o) >= 0;
  }

  replace(ns, key, value, o) {
    return this.#write(REPLACE, ns, key, value, o) >= 0;
  }

  /** `pairs`: [key, value] with checked keys; all or nothing. */
  setMany(ns, pairs, o) {
    const count = pairs.length;
    const keys = new Array(count);
    const held = new Array(count);
    const encoded = new Array(count);
    const lengths = new Uint32Array(count);
    const charges = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) {
      keys[i] = pairs[i][0];
      const kept = this.#hold(pairs[i][1]);
      held[i] = kept.value;
      encoded[i] = kept.bytes;
      charges[i] = kept.charge;
      if (kept.bytes !== null) {
        lengths[i] = kept.bytes.length;
        total += kept.bytes.length;
      }
    }
    const data = new Uint8Array(total);
    let at = 0;
    for (const bytes of encoded) {
      if (bytes === null) continue;
      data.set(bytes, at);
      at += bytes.length;
    }
    const slots = this.wasm.setManySlots(ns, keys, data, lengths, charges, o.ttl, o.idle, o.tags, o.stale);
    this.lane.dropInto(this.values);
    for (let i = 0; i < count; i++) this.values[slots[i]] = held[i];
    this.#deliver();
  }

  // ---- removal ---------------------------------------------------------
  delete(ns, key) {
    return this.#swept(this.wasm.delete(ns, key));
  }

  deleteMany(ns, keys) {
    return this.#swept(this.wasm.deleteMany(ns, keys));
  }

  clearNamespace(ns) {
    return this.#swept(this.wasm.clearNamespace(ns));
  }

  clear() {
    return this.#swept(this.wasm.clear());
  }

  invalidateTags(ns, tags) {
    return this.#swept(this.wasm.invalidateTags(ns, tags));
  }

  purgeExpired() {
    return this.#swept(this.wasm.purgeExpired());
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
    return this.#swept(this.wasm.ttl(ns, key));
  }

  expire(ns, key, ttl) {
    return this.#swept(this.wasm.expire(ns, key, ttl));
  }

  persist(ns, key) {
    return this.#swept(this.wasm.persist(ns, key));
  }

  touch(ns, key) {
    return this.#swept(this.wasm.touch(ns, key));
  }

  /** `step`: a BigInt; the new value as a BigInt. Counters live in the core. */
  incr(ns, key, step) {
    return this.#swept(this.wasm.incr(ns, key, step));
  }

  decr(ns, key, step) {
    return this.#swept(this.wasm.decr(ns, key, step));
  }

  // ---- patterns --------------------------------------------------------
  keys(ns, pattern) {
    return this.#swept(this.wasm.keys(ns, pattern));
  }

  countMatching(ns, pattern) {
    return this.#swept(this.wasm.countMatching(ns, pattern));
  }

  deleteMatching(ns, pattern) {
    return this.#swept(this.wasm.deleteMatching(ns, pattern));
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
    this.listening = typeof handler === 'function';
  }

  /** A memory-only cache has no backend events. */
  onEvent() {}

  // ---- internals -------------------------------------------------------
  // One write: the value held here (its slot's entry set after the dropped
  // ones are cleared) or its bytes kept by the core; the slot, or -1.
  #write(kind, ns, key, value, o) {
    const kept = this.#hold(value);
    const slot = this.lane.write(kind, ns, key, kept.bytes, kept.charge, o);
    this.lane.dropInto(this.values);
    if (slot >= 0) this.values[slot] = kept.value;
    this.#deliver();
    return slot;
  }

  // How `value` is kept: { value, charge, bytes } where bytes is null for a
  // held value (charge its weight) and the encoded value otherwise (charge -1,
  // value undefined).
  // Sizes are checked first: a value refused must cost no wasm memory and no
  // encoding work past maxValueBytes.
  #hold(value) {
    const max = this.limits.maxValueBytes;
    checkValueSize(value, this.limits);
    let charge = primitiveCharge(value);
    if (charge >= 0) return { value, charge, bytes: null };
    if (typeof value === 'object') {
      if (!this.clone) return { value: new Reference(value), charge: BOX_CHARGE + this.#sizeOf(value), bytes: null };
      const text = jsonCopyText(value, max);
      if (text !== undefined) {
        if (text.length > max) throw tooLarge(text.length, max);
        charge = BOX_CHARGE + STRING_BASE + 2 * text.length;
        return { value: new JsonCopy(text), charge, bytes: null };
      }
    }
    return { value: undefined, charge: -1, bytes: encodeStored(value, max) };
  }

  #sizeOf(value) {
    if (this.sizeOf === undefined) return estimateSize(value);
    let size;
    try {
      size = this.sizeOf(value);
    } catch (err) {
      throw new EdgeCacheError('INVALID_OPTION', 'the sizeOf option threw', { cause: err });
    }
    if (typeof size !== 'number' || !(size >= 0) || !Number.isFinite(size)) {
      throw new EdgeCacheError('INVALID_OPTION', `sizeOf must return a number of bytes >= 0, got ${String(size)}`);
    }
    return size;
  }

  // The value a read answered (a held slot or bytes), then the sweep.
  #answer(r) {
    if (r === -1) return this.#after(undefined);
    return this.#after(this.#valueOf(r));
  }

  #valueOf(r) {
    return r >= 0 ? unhold(this.values[r]) : this.lane.bytesValue(r);
  }

  // After a slot call: drop what the core dropped, then deliver removals.
  #after(result) {
    this.lane.dropInto(this.values);
    this.#deliver();
    return result;
  }

  #deliver() {
    if (this.listening) this.wasm.deliverRemovals();
  }

  // After a call that delivered its own removals: drop what the core dropped.
  #swept(result) {
    this.lane.dropInto(this.values);
    return result;
  }
}
