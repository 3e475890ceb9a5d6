// The fast lane into a memory-only WasmCache (src/bindings/js_scratch.rs is
// the other half). Keys and values cross through two scratch areas in wasm
// memory that this side reads and writes in place: no typed array, no
// malloc/free and no copy made by the wasm-bindgen glue per call.
//
// - input area: keys (UTF-8) are written at its start, a set's value right
//   after the key; for getMany one u32 LE length per key, then the keys.
// - output area: an answer (a value, or a packed getMany) is read at its
//   start, synchronously, before the next call into wasm.
// - both areas move only when they grow; a memory.grow detaches the old
//   ArrayBuffer (byteLength 0), so the view is re-made after any call that
//   may have grown memory.

import { decodeStoredAt } from './cache-support.js';

const utf8 = new TextEncoder();
const MISSING = 0xffffffff;
const MIN_INPUT = 1024;
const SHORT_KEY = 64; // longer keys go straight to encodeInto
const RELEASE_ABOVE = 1 << 20; // hand a larger output area back after reading it

export class WasmScratch {
  /** `wasm`: a WasmCache (it has `getInto`). */
  constructor(wasm) {
    this.wasm = wasm;
    this.memory = wasm.wasmMemory();
    this.mem = new Uint8Array(this.memory.buffer);
    this.inPtr = 0;
    this.inCap = 0;
    this.outPtr = 0;
    this.outCap = 0;
  }

  /** Whether `wasm` speaks this protocol (a tiered cache does not). */
  static fits(wasm) {
    return typeof wasm?.getInto === 'function' && typeof wasm.wasmMemory === 'function';
  }

  /** The stored value of `key` (decoded), or undefined; `peek` skips promotion and stats. */
  get(ns, key, peek) {
    const n = this.#putKey(key);
    const len = peek ? this.wasm.peekInto(ns, n, Date.now()) : this.wasm.getInto(ns, n, Date.now());
    if (len < 0) return undefined;
    this.#answer(len);
    const value = decodeStoredAt(this.#view(), this.outPtr, len);
    if (len > RELEASE_ABOVE) this.#release();
    return value;
  }

  /** Stores the encoded `bytes` under `key`. */
  set(ns, key, bytes, o) {
    const room = key.length * 3 + bytes.length;
    if (room > this.inCap) this.#grow(room);
    const n = this.#writeKey(key, 0);
    this.#view().set(bytes, this.inPtr + n);
    return this.wasm.setFrom(ns, n, bytes.length, o.ttl, o.idle, o.tags, o.stale, Date.now());
  }

  /** Decoded values (undefined for misses) in the order of `keys`, an array of strings. */
  getMany(ns, keys) {
    const count = keys.length;
    let room = count * 4;
    for (let i = 0; i < count; i++) room += keys[i].length * 3;
    if (room > this.inCap) this.#grow(room);
    let at = count * 4;
    for (let i = 0; i < count; i++) {
      const n = this.#writeKey(keys[i], at);
      const mem = this.mem; // #writeKey re-made it if needed
      const p = this.inPtr + i * 4;
      mem[p] = n & 0xff;
      mem[p + 1] = (n >>> 8) & 0xff;
      mem[p + 2] = (n >>> 16) & 0xff;
      mem[p + 3] = n >>> 24;
      at += n;
    }
    const total = this.wasm.getManyInto(ns, count, at, Date.now());
    this.#answer(total);
    const out = new Array(count);
    let value = this.outPtr + count * 4;
    for (let i = 0; i < count; i++) {
      const mem = this.#view(); // decoding never calls into wasm, but stay safe
      const p = this.outPtr + i * 4;
      const len = (mem[p] | (mem[p + 1] << 8) | (mem[p + 2] << 16) | (mem[p + 3] << 24)) >>> 0;
      if (len === MISSING) {
        out[i] = undefined;
      } else {
        out[i] = decodeStoredAt(mem, value, len);
        value += len;
      }
    }
    if (total > RELEASE_ABOVE) this.#release();
    return out;
  }

  // ---------------------------------------------------------------- internals
  // The key alone in the input area; returns its UTF-8 length.
  #putKey(key) {
    const room = key.length * 3;
    if (room > this.inCap) this.#grow(room);
    return this.#writeKey(key, 0);
  }

  // Writes `key` as UTF-8 at input offset `at` (room for 3 bytes per UTF-16
  // unit is ensured by the caller); returns its byte length.
  #writeKey(key, at) {
    const mem = this.#view();
    const start = this.inPtr + at;
    const n = key.length;
    if (n <= SHORT_KEY) {
      let i = 0;
      for (; i < n; i++) {
        const c = key.charCodeAt(i);
        if (c >= 0x80) break;
        mem[start + i] = c;
      }
      if (i === n) return n;
      const end = this.inPtr + this.inCap;
      return i + utf8.encodeInto(key.slice(i), mem.subarray(start + i, end)).written;
    }
    return utf8.encodeInto(key, mem.subarray(start, this.inPtr + this.inCap)).written;
  }

  #grow(room) {
    const cap = Math.max(room, this.inCap * 2, MIN_INPUT);
    this.inPtr = this.wasm.inputArea(cap);
    this.inCap = cap;
  }

  // After an answer of `len` bytes: the output area moved if it had to grow.
  #answer(len) {
    if (len > this.outCap) {
      this.outPtr = this.wasm.outputArea();
      this.outCap = len;
    }
  }

  #release() {
    this.wasm.releaseOutput();
    this.outCap = 0;
  }

  // The view of wasm memory, re-made when a memory.grow detached it.
  #view() {
    let mem = this.mem;
    if (mem.byteLength === 0) mem = this.mem = new Uint8Array(this.memory.buffer);
    return mem;
  }
}
