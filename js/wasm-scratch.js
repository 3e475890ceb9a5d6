// The fast lane into a memory-only WasmCache (src/bindings/js_scratch.rs is
// the other half, and its module doc the protocol). Keys, and the bytes of
// values the core keeps, cross through two scratch areas in wasm memory that
// this side reads and writes in place: no typed array, no malloc/free and no
// copy made by the wasm-bindgen glue per call. Values JS keeps by slot do not
// cross at all (js/drivers/memory.js holds them).
//
// - input area: keys (UTF-8) are written at its start, a bytes write's value
//   right after the key; for getMany one u32 LE length per key, then the keys.
// - output area: an answer's bytes are read at its start, synchronously,
//   before the next call into wasm.
// - both areas move only when they grow; a memory.grow detaches the old
//   ArrayBuffer (byteLength 0), so the views are re-made after any call that
//   may have grown memory.

import { decodeStoredAt } from './cache-support.js';

const utf8 = new TextEncoder();
const MISSING = 0xffffffff;
const MIN_INPUT = 1024;
const SHORT_KEY = 64; // longer keys go straight to encodeInto
const RELEASE_ABOVE = 1 << 20; // hand a larger output area back after reading it

const HELD = 0x80000000;

export class WasmScratch {
  /** `wasm`: a WasmCache (it has `readSlot`). */
  constructor(wasm) {
    this.wasm = wasm;
    this.memory = wasm.wasmMemory();
    this.mem = new Uint8Array(this.memory.buffer);
    this.words = new Uint32Array(this.memory.buffer);
    this.info = wasm.heldInfo() >>> 2; // index of the info block in `words`
    this.inPtr = 0;
    this.inCap = 0;
    this.outPtr = 0;
    this.outCap = 0;
  }

  /** `get` (`peek`: without promotion or stats): -1, a held slot, or <= -2 (bytes: see bytesValue). */
  read(ns, key, peek) {
    const n = this.#putKey(key);
    return this.#checked(this.wasm.readSlot(ns, n, peek, Date.now()));
  }

  /** `getAllowingStale`, answered like read; then `lastStale()` tells the freshness. */
  readStale(ns, key, maxStale) {
    const n = this.#putKey(key);
    return this.#checked(this.wasm.staleSlot(ns, n, maxStale, Date.now()));
  }

  lastStale() {
    return this.#words()[this.info + 2] === 1;
  }

  /** The value of a bytes answer `r` (<= -2) of read/readStale. */
  bytesValue(r) {
    const len = -r - 2;
    this.#answer(len);
    const value = decodeStoredAt(this.#view(), this.outPtr, len);
    if (len > RELEASE_ABOVE) this.#release();
    return value;
  }

  /**
   * set (`kind` 0), add (1) or replace (2): a held value weighing `charge`
   * bytes, or (`bytes` given, `charge` -1) encoded bytes the core keeps. The
   * slot written, or -1 if a conditional write did not store.
   */
  write(kind, ns, key, bytes, charge, o) {
    const size = bytes === null ? 0 : bytes.length;
    const room = key.length * 3 + size;
    if (room > this.inCap) this.#grow(room);
    const n = this.#writeUtf8(key, 0);
    if (bytes !== null) this.#view().set(bytes, this.inPtr + n);
    return this.#checked(this.wasm.writeSlot(kind, ns, n, size, charge, o.ttl, o.idle, o.tags, o.stale, Date.now()));
  }

  /** Values (undefined for misses) in the order of `keys`; `held(slot)` answers a held slot. */
  getMany(ns, keys, held) {
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
    const total = this.#checked(this.wasm.getManySlots(ns, count, at, Date.now()));
    this.#answer(total);
    const out = new Array(count);
    let value = this.outPtr + count * 4;
    for (let i = 0; i < count; i++) {
      const mem = this.#view(); // decoding never calls into wasm, but stay safe
      const p = this.outPtr + i * 4;
      const word = (mem[p] | (mem[p + 1] << 8) | (mem[p + 2] << 16) | (mem[p + 3] << 24)) >>> 0;
      if (word === MISSING) {
        out[i] = undefined;
      } else if (word >= HELD) {
        out[i] = held(word - HELD);
      } else {
        out[i] = decodeStoredAt(mem, value, word);
        value += word;
      }
    }
    if (total > RELEASE_ABOVE) this.#release();
    return out;
  }

  /**
   * Drops (sets to undefined) the entries of `values` at the slots the last
   * call listed as dropped; true if there were any.
   */
  dropInto(values) {
    const words = this.#words();
    const count = words[this.info];
    if (count === 0) return false;
    const at = words[this.info + 1] >>> 2;
    for (let i = 0; i < count; i++) values[words[at + i]] = undefined;
    words[this.info] = 0; // read: the core forgets the list at its next call
    return true;
  }

  // ---------------------------------------------------------------- internals
  // A slot export's answer; NaN means it failed and left its error.
  #checked(answer) {
    if (answer !== answer) throw this.wasm.takeError();
    return answer;
  }

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

  #words() {
    let words = this.words;
    if (words.length === 0) words = this.words = new Uint32Array(this.memory.buffer);
    return words;
  }

  // The view of wasm memory, re-made when a memory.grow detached it.
  #view() {
    let mem = this.mem;
    if (mem.byteLength === 0) mem = this.mem = new Uint8Array(this.memory.buffer);
    return mem;
  }
}
