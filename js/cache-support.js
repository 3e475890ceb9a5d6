// Helpers of js/cache.js: how a JS value becomes stored bytes (the counter
// rule around the codec), how wasm errors become EdgeCacheError instances,
// and the argument checks that must happen before anything crosses into wasm.

import { decodeValue, encodeValue } from './codec.js';
import { decodeTopString } from './value-decoder.js';
import { CODEC_VERSION, T_TOP_UTF8 } from './value-format.js';
import { EdgeCacheError } from './errors.js';
import { checkBatch, checkText } from './input-limits.js';

const NO_LIMITS = {
  maxKeyBytes: Infinity, maxTagBytes: Infinity, maxTagsPerEntry: Infinity, maxNamespaceBytes: Infinity,
  maxBatch: Infinity, maxPatternBytes: Infinity,
};
import { didYouMean } from './did-you-mean.js';

// ---------------------------------------------------------------- stored values
// Counter rule (shared with the core's incr/decr, which store ASCII decimal):
// a top-level safe integer is stored as plain ASCII decimal ("42", "-7"), and
// bytes starting with '-' or a digit are read back as such a counter. Codec
// output always starts with its version byte (0x01), so the two never collide.
// A counter beyond Number.MAX_SAFE_INTEGER (reachable through incr) reads as a BigInt.
// A BigInt in the signed 64-bit range is stored the same way with an 'n' after
// the digits ("123n"): it reads back as a BigInt, and incr/decr (which accept
// that suffix, src/memory/commands.rs) count from it. Other BigInts use the codec.

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const COUNTER_TEXT = /^-?[0-9]{1,19}n?$/;
const SUFFIX_N = 0x6e;

/** The bytes stored for `value`; VALUE_TOO_LARGE once they would pass `maxBytes`. */
export function encodeStored(value, maxBytes) {
  const counter = (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0))
    || (typeof value === 'bigint' && BigInt.asIntN(64, value) === value);
  if (counter) {
    const text = typeof value === 'bigint' ? `${value}n` : String(value);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }
  return encodeValue(value, maxBytes);
}

/** The value stored as `bytes` (the inverse of encodeStored). */
export function decodeStored(bytes) {
  const first = bytes[0];
  if (first === MINUS || (first >= ZERO && first <= NINE)) return parseCounter(bytes);
  return decodeValue(bytes);
}

/**
 * decodeStored of `len` bytes at `start` of `mem` (wasm memory: nothing returned
 * may alias it). A top-level string, the common case, is read in place.
 */
export function decodeStoredAt(mem, start, len) {
  if (len > 2 && mem[start] === CODEC_VERSION && mem[start + 1] === T_TOP_UTF8) {
    return decodeTopString(mem, start + 2, start + len);
  }
  return decodeStored(mem.subarray(start, start + len));
}

function parseCounter(bytes) {
  const text = bytes.length <= 21 ? String.fromCharCode.apply(null, bytes) : '';
  if (!COUNTER_TEXT.test(text)) {
    throw new EdgeCacheError('CORRUPT_DATA', 'stored bytes look like a counter but are not a decimal integer');
  }
  if (bytes[bytes.length - 1] === SUFFIX_N) return BigInt(text.slice(0, -1));
  return counterResult(BigInt(text));
}

/**
 * A copy of an object value through the lossless codec (primitives as they
 * are); a value the codec cannot carry is returned as is.
 */
export function copyValue(value) {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return decodeValue(encodeValue(value));
  } catch {
    return value;
  }
}

/** A counter as a number when exact, else as a BigInt. */
export function counterResult(big) {
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

// ---------------------------------------------------------------- errors
/**
 * The error a method rejects with: wasm exceptions (plain Errors named
 * EdgeCacheError with a code) become EdgeCacheError instances keeping code,
 * message and cause; anything else (a host failure) is wrapped, not lost.
 */
export function toEdgeCacheError(err) {
  if (err instanceof EdgeCacheError) return err;
  if (err !== null && typeof err === 'object' && err.name === 'EdgeCacheError' && typeof err.code === 'string') {
    const options = 'cause' in err ? { cause: err.cause } : undefined;
    return new EdgeCacheError(err.code, err.message, options);
  }
  return new EdgeCacheError('BACKEND_ERROR', `unexpected host error: ${describe(err)}`, { cause: err });
}

function describe(err) {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return typeof err;
  }
}

// ---------------------------------------------------------------- arguments
/**
 * A key must be a string (wasm-bindgen would otherwise stringify 42 or
 * undefined), well-formed Unicode, and not surely over `limits.maxKeyBytes`
 * (js/input-limits.js: checked before it is copied into wasm).
 */
export function checkKey(key, limits = NO_LIMITS) {
  if (typeof key !== 'string') {
    throw new EdgeCacheError('INVALID_KEY', `key must be a string, got ${typeName(key)}`);
  }
  return checkText(key, 'key', limits.maxKeyBytes);
}

/** A namespace name: a well-formed string, not surely over limits.maxNamespaceBytes. */
export function checkNamespaceName(name, limits = NO_LIMITS) {
  if (typeof name !== 'string') {
    throw new EdgeCacheError('INVALID_OPTION', 'a namespace name must be a string');
  }
  return checkText(name, 'namespace name', limits.maxNamespaceBytes, 'INVALID_OPTION');
}

/** An array of string keys (any iterable is accepted and copied). */
export function checkKeys(keys, limits = NO_LIMITS) {
  if (keys === null || typeof keys !== 'object' || typeof keys[Symbol.iterator] !== 'function') {
    throw new EdgeCacheError('INVALID_KEY', `keys must be an array of strings, got ${typeName(keys)}`);
  }
  const list = Array.isArray(keys) ? keys : Array.from(keys);
  checkBatch(list.length, limits);
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'string') {
      throw new EdgeCacheError('INVALID_KEY', `keys[${i}] must be a string, got ${typeName(list[i])}`);
    }
    checkText(list[i], `keys[${i}]`, limits.maxKeyBytes);
  }
  return list;
}

/** A glob pattern string. */
export function checkPattern(pattern, limits = NO_LIMITS) {
  if (typeof pattern !== 'string') {
    throw new EdgeCacheError('INVALID_PATTERN', `pattern must be a string, got ${typeName(pattern)}`);
  }
  return checkText(pattern, 'pattern', limits.maxPatternBytes, 'INVALID_PATTERN', 'INVALID_PATTERN');
}

/** Tags: one string or an array of strings. */
export function checkTags(tags, what = 'tags', limits = NO_LIMITS) {
  const list = typeof tags === 'string' ? [tags] : tags;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
    throw new EdgeCacheError('INVALID_OPTION', `${what} must be a string or an array of strings`);
  }
  for (const tag of list) checkText(tag, 'a tag', limits.maxTagBytes, 'INVALID_OPTION');
  return list;
}

const WRITE_OPTIONS = new Set(['ttl', 'idle', 'tags', 'stale']);

/**
 * Per-write options `{ ttl, idle, tags, stale }`; unknown names are errors (a typo must not
 * be ignored). `stale`: how long the entry stays readable by getAllowingStale after it stops
 * being fresh (ms or '5m'; the core checks it).
 */
export function checkWriteOptions(options, limits = NO_LIMITS) {
  if (options === undefined) return { ttl: undefined, idle: undefined, tags: undefined, stale: undefined };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EdgeCacheError('INVALID_OPTION', `write options must be an object, got ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!WRITE_OPTIONS.has(name)) {
      const hint = didYouMean(name, [...WRITE_OPTIONS, 'writeBehind', 'waitUntil']) || ' (expected ttl, idle, tags, stale)';
      throw new EdgeCacheError('INVALID_OPTION', `unknown write option \`${name}\`${hint}`);
    }
  }
  const tags = options.tags === undefined ? undefined : checkTags(options.tags, 'tags', limits);
  // Repeats count once, as in the core; a huge array is refused before it crosses.
  if (tags !== undefined && tags.length > limits.maxTagsPerEntry && new Set(tags).size > limits.maxTagsPerEntry) {
    throw new EdgeCacheError('LIMIT_EXCEEDED', `limit exceeded: at most ${limits.maxTagsPerEntry} tags on one entry`);
  }
  return { ttl: options.ttl, idle: options.idle, tags, stale: options.stale };
}

/** An incr/decr step: a safe integer or a BigInt, as the BigInt wasm takes. */
export function checkDelta(delta) {
  if (typeof delta === 'bigint') {
    // wasm-bindgen would wrap a BigInt outside i64 silently (2n ** 63n becomes -(2n ** 63n)).
    if (BigInt.asIntN(64, delta) !== delta) {
      throw new EdgeCacheError('OVERFLOW', `delta ${delta} is outside the signed 64-bit range`);
    }
    return delta;
  }
  if (typeof delta === 'number' && Number.isSafeInteger(delta)) return BigInt(delta);
  throw new EdgeCacheError('NOT_AN_INTEGER', `delta must be a safe integer or a BigInt, got ${typeName(delta)} ${describe(delta)}`);
}

/** [key, value] pairs from a Map, an iterable of pairs, or a plain object. */
export function entriesOf(entries) {
  if (entries instanceof Map) return Array.from(entries);
  if (entries !== null && typeof entries === 'object') {
    if (typeof entries[Symbol.iterator] === 'function') {
      const list = Array.from(entries);
      for (let i = 0; i < list.length; i++) {
        if (!Array.isArray(list[i]) || list[i].length !== 2) {
          throw new EdgeCacheError('INVALID_OPTION', `entries[${i}] must be a [key, value] pair`);
        }
      }
      return list;
    }
    return Object.entries(entries);
  }
  throw new EdgeCacheError('INVALID_OPTION', `entries must be a Map, an array of [key, value] pairs or an object, got ${typeName(entries)}`);
}

export function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
