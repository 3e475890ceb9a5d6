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

import { decodeStoredAt, encodeStored } from './cache-support.js';
import { CODEC_VERSION, T_TOP_UTF8 } from './value-format.js';

const utf8 = new TextEncoder();
const wellFormed = typeof String.prototype.isWellFormed === 'function' ? (s) => s.isWellFormed() : () => false;
const MISSING = 0xffffffff;
const MIN_INPUT = 1024;
const SHORT_KEY = 64; // longer keys go straight to encodeInto
const LONG_STRING = 1 << 14; // longer string values are encoded to their exact size first
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
    const n = this.#writeUtf8(key, 0);
    this.#view().set(bytes, this.inPtr + n);
    return this.wasm.setFrom(ns, n, bytes.length, o.ttl, o.idle, o.tags, o.stale, Date.now());
  }

  /**
   * Stores the string `value` under `key`, encoded in place exactly as
   * encodeStored encodes a string (version, top-level UTF-8 tag, UTF-8): no
   * intermediate buffer, no copy. A string with a lone surrogate takes the
   * general path (the codec keeps it as UTF-16), and so does a long one (the
   * input area would have to grow to 3 bytes per UTF-16 unit, and it stays).
   */
  setString(ns, key, value, o) {
    if (value.length > LONG_STRING || !wellFormed(value)) return this.set(ns, key, encodeStored(value), o);
    const room = key.length * 3 + 2 + value.length * 3;
    if (room > this.inCap) this.#grow(room);
    const n = this.#writeUtf8(key, 0);
    const mem = this.mem; // #writeUtf8 re-made it if needed
    mem[this.inPtr + n] = CODEC_VERSION;
    mem[this.inPtr + n + 1] = T_TOP_UTF8;
    const length = 2 + this.#writeUtf8(value, n + 2);
    return this.wasm.setFrom(ns, n, length, o.ttl, o.idle, o.tags, o.stale, Date.now());
  }

  /** Decoded values (undefined for misses) in the order of `keys`, an array of strings. */
  getMany(ns, keys) {
    const count = keys.length;
    let room = count * 4;
    for (let i = 0; i < count; i++) room += keys[i].length * 3;
    if (room > this.inCap) this.#grow(room);
    let at = count * 4;
    for (let i = 0; i < count; i++) {
      const n = this.#writeUtf8(keys[i], at);
      const mem = this.mem; // #writeUtf8 re-made it if needed
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
    return this.#writeUtf8(key, 0);
  }

  // Writes the well-formed string `key` as UTF-8 at input offset `at` (room for
  // 3 bytes per UTF-16 unit is ensured by the caller); returns its byte length.
  #writeUtf8(key, at) {
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
