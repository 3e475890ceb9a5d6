// What a caller passes is checked here, on the JS side, before any of it is
// copied into wasm memory: that memory grows and never shrinks, so a refused
// 20M-character key or 100 MiB value must be refused while it is still a JS
// string. The limits come from the core once, when the cache is made.
//
// Lengths are compared in UTF-16 code units: a string's UTF-8 form is never
// shorter than its UTF-16 length, so `length > maxBytes` is always too long
// (the core checks the exact byte length of the rest, which is bounded).
//
// Keys, namespace names and tags must also be well-formed Unicode: a lone
// surrogate has no UTF-8 form, and crossing into wasm would turn 'x\uD800',
// 'x\uDBFF' and 'x\uFFFD' into one key.

import { EdgeCacheError } from './errors.js';

/** Limits used when a driver has no core to ask (never the case in the package). */
const FALLBACK = Object.freeze({
  maxKeyBytes: Infinity, maxValueBytes: Infinity, maxTagsPerEntry: Infinity, maxTagBytes: Infinity,
  maxNamespaceBytes: Infinity, maxBatch: Infinity, maxPatternBytes: Infinity,
});

/** `{ maxKeyBytes, maxValueBytes, maxTagsPerEntry, maxTagBytes, maxNamespaceBytes, maxBatch, maxPatternBytes }` of a wasm cache. */
export function readLimits(wasm) {
  if (typeof wasm?.limits !== 'function') return FALLBACK;
  return Object.freeze({ ...FALLBACK, ...wasm.limits() });
}

const hasIsWellFormed = typeof String.prototype.isWellFormed === 'function';

/** True when `s` holds no lone surrogate. */
export function isWellFormed(s) {
  if (hasIsWellFormed) return s.isWellFormed();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1); // NaN past the end
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * A key, namespace name, tag or pattern (`what` names it): refused when it is
 * surely longer than `maxBytes` UTF-8 bytes (code `tooLong`, the core's code
 * for that limit) or holds a lone surrogate (code `illFormed`).
 */
export function checkText(s, what, maxBytes, tooLong = 'INVALID_KEY', illFormed = 'INVALID_KEY') {
  if (s.length > maxBytes) {
    throw new EdgeCacheError(tooLong, `${what} is longer than ${maxBytes} UTF-8 bytes (${s.length} UTF-16 units)`);
  }
  if (!isWellFormed(s)) {
    throw new EdgeCacheError(illFormed, `${what} is not well-formed Unicode (it holds a lone surrogate)`);
  }
  return s;
}

/**
 * Refuses a value whose encoded form is surely over `maxValueBytes` before it
 * is encoded: a string (at least one byte per UTF-16 unit) or bytes. Anything
 * else is bounded by the encoder, which stops at the same limit.
 */
export function checkValueSize(value, limits) {
  const max = limits.maxValueBytes;
  let size = 0;
  if (typeof value === 'string') size = value.length;
  else if (ArrayBuffer.isView(value)) size = value.byteLength;
  if (size > max) throw tooLarge(size, max);
}

/** A batch (getMany, hasMany, deleteMany, setMany) of at most `limits.maxBatch` items, refused before it crosses. */
export function checkBatch(count, limits) {
  if (count > limits.maxBatch) {
    throw new EdgeCacheError('LIMIT_EXCEEDED', `limit exceeded: at most ${limits.maxBatch} items in one batch`);
  }
}

export function tooLarge(size, max) {
  return new EdgeCacheError('VALUE_TOO_LARGE', `value of at least ${size} bytes is larger than maxValueBytes (${max})`);
}
