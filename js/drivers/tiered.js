// The tiered driver: a Cache over the core's TieredCache (WasmTieredCache,
// feature `js-tiered`): L1 in wasm memory, L2 the backend adapter. Every call
// into the core answers with a Promise. Same contract as drivers/memory.js.

import { decodeStored, encodeStored } from '../cache-support.js';
import { checkValueSize, readLimits } from '../input-limits.js';
import { packValues } from './pack.js';

const MISSING = 0xffffffff;

// What a cache with a backend does not offer, and what to do instead.
const UNSUPPORTED = Object.freeze({
  peek: 'peek on a cache with a backend (use get)',
  ttl: 'ttl on a cache with a backend',
  expire: 'expire on a cache with a backend (set the value again)',
  persist: 'persist on a cache with a backend (set the value again)',
  touch: 'touch on a cache with a backend',
  incr: 'counters on a cache with a backend',
  decr: 'counters on a cache with a backend',
  add: 'add on a cache with a backend',
  replace: 'replace on a cache with a backend',
  keys: 'listing keys of a cache with a backend',
  countMatching: 'counting keys of a cache with a backend',
  onRemoval: 'removal listeners on a cache with a backend (use onEvent)',
});

// Bytes the value codec cannot read (a valid envelope holding bad codec bytes,
// or a codec version from a later release) are a miss: the core counts the
// read as corrupt and drops the entry from both tiers, so a loader runs next.
const UNDECODABLE = new Set(['CORRUPT_DATA', 'UNSUPPORTED_VERSION']);
const NOT_DECODED = Symbol('not decoded');

function tryDecode(bytes) {
  try {
    return decodeStored(bytes);
  } catch (err) {
    if (UNDECODABLE.has(err?.code)) return NOT_DECODED;
    throw err;
  }
}

export class TieredDriver {
  static UNSUPPORTED = UNSUPPORTED;

  /** `wasm`: a WasmTieredCache. */
  constructor(wasm) {
    this.wasm = wasm;
    this.limits = readLimits(wasm); // checked before a value is encoded into wasm
  }

  namespace(name) {
    return this.wasm.namespace(name);
  }

  free() {
    this.wasm.free();
  }

  /** The decoded value, or undefined after discarding bytes that do not decode. */
  async decodeOrDiscard(ns, key, bytes) {
    if (bytes === undefined) return undefined;
    const value = tryDecode(bytes);
    if (value !== NOT_DECODED) return value;
    await this.wasm.discardUndecodable(ns, key);
    return undefined;
  }

  // ---- reads -----------------------------------------------------------
  async get(ns, key) {
    return this.decodeOrDiscard(ns, key, await this.wasm.get(ns, key));
  }

  async getAllowingStale(ns, key, maxStale) {
    const packed = await this.wasm.getAllowingStale(ns, key, maxStale);
    if (packed === undefined) return undefined;
    const value = tryDecode(packed.subarray(1));
    if (value !== NOT_DECODED) return { value, stale: packed[0] === 1 };
    await this.wasm.discardUndecodable(ns, key);
    return undefined;
  }

  has(ns, key) {
    return this.wasm.has(ns, key);
  }

  /** One packed buffer crosses: a u32 LE length per key (MISSING for a miss), then the values. */
  async getMany(ns, keys) {
    const packed = await this.wasm.getManyPacked(ns, keys);
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const out = new Array(keys.length);
    const undecodable = [];
    let at = keys.length * 4;
    for (let i = 0; i < keys.length; i++) {
      const len = view.getUint32(i * 4, true);
      if (len === MISSING) {
        out[i] = undefined; // no holes: callers see an array of keys.length values
      } else {
        const value = tryDecode(packed.subarray(at, at + len));
        at += len;
        out[i] = value === NOT_DECODED ? undefined : value;
        if (value === NOT_DECODED) undecodable.push(keys[i]);
      }
    }
    for (const key of undecodable) await this.wasm.discardUndecodable(ns, key);
    return out;
  }

  async hasMany(ns, keys) {
    return Array.from(await this.wasm.hasMany(ns, keys), (f) => f === 1);
  }

  // ---- writes ----------------------------------------------------------
  /**
   * Where the entry landed: 'written' (in L2 too), 'skipped' (breaker open:
   * L1 only) or 'failed' (L2 failed; reported through onEvent). With
   * `behind` ({ waitUntil }), resolves once L1 has it; the L2 write goes to waitUntil.
   */
  set(ns, key, value, o, behind) {
    checkValueSize(value, this.limits);
    const bytes = encodeStored(value, this.limits.maxValueBytes);
    if (behind !== undefined) {
      return this.wasm.setBehind(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale, behind.waitUntil);
    }
    return this.wasm.set(ns, key, bytes, o.ttl, o.idle, o.tags, o.stale);
  }

  async setMany(ns, pairs, o) {
    const { keys, data, lengths } = packValues(pairs, this.limits);
    await this.wasm.setMany(ns, keys, data, lengths, o.ttl, o.idle, o.tags, o.stale);
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

  deleteMatching(ns, pattern) {
    return this.wasm.deleteMatching(ns, pattern);
  }

  // ---- cross-isolate leases ----------------------------------------------
  tryLease(ns, key, ttl) {
    return this.wasm.tryLease(ns, key, ttl);
  }

  releaseLease(ns, key) {
    return this.wasm.releaseLease(ns, key);
  }

  // ---- observation -----------------------------------------------------
  stats() {
    return this.wasm.stats();
  }

  /** `{ l1, breaker, lastError, probe? }`; `probe`: time one backend read too. */
  health(probe) {
    return this.wasm.health(probe);
  }

  /** `handler(event)` for backend failures, corrupt entries and breaker changes. */
  onEvent(handler) {
    this.wasm.onEvent(handler);
  }
}
