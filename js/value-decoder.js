// Decoder of the edgecache value format (specified at the top of codec.js). Total: every
// read is bounds-checked and every count is checked against the remaining input, so
// foreign or damaged bytes end in an EdgeCacheError, never a RangeError or a hang.

import { EdgeCacheError } from './errors.js';
import {
  CODEC_VERSION, LITTLE_ENDIAN_HOST, MAX_DEPTH, T_ARRAY, T_ARRAY_BUFFER, T_BIGINT_NEG,
  T_BIGINT_POS, T_DATE, T_F64, T_FALSE, T_HOLES, T_MAP, T_NINT, T_NULL, T_NULL_OBJECT, T_OBJECT,
  T_REGEXP, T_SET, T_SMALL_INT, T_TOP_BYTES, T_TOP_UTF8, T_TRUE, T_UINT, T_UNDEFINED, T_UTF16,
  T_UTF8, T_VIEW, VIEW_ELEMENT_SIZE, VIEW_KINDS, swapElements,
} from './value-format.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
let input = new Uint8Array(0);
let inputView = new DataView(input.buffer);
let at = 0;
let decoding = false;

/**
 * Decode bytes produced by encodeValue/encodeCanonical (any host). Total: anything else
 * throws an EdgeCacheError (CORRUPT_DATA or UNSUPPORTED_VERSION), never a RangeError.
 */
export function decodeValue(bytes) {
  const data = asBytes(bytes);
  if (data.length === 0) throw corrupt('empty input', 0);
  if (data[0] !== CODEC_VERSION) {
    throw new EdgeCacheError('UNSUPPORTED_VERSION', `unsupported value format version ${data[0]} (this build reads ${CODEC_VERSION})`);
  }
  if (data.length < 2) throw corrupt('missing value', 1);
  const tag = data[1];
  if (tag === T_TOP_BYTES) return data.slice(2);
  if (tag === T_TOP_UTF8) return decodeUtf8(data.subarray(2), 2);
  if (decoding) {
    const saved = [input, inputView, at];
    try {
      return decodeFresh(data);
    } finally {
      [input, inputView, at] = saved;
    }
  }
  decoding = true;
  try {
    return decodeFresh(data);
  } finally {
    decoding = false;
    input = EMPTY;
    inputView = EMPTY_VIEW;
  }
}

/**
 * The string of a top-level string value whose UTF-8 is bytes[start..end)
 * (after the version and tag bytes): CORRUPT_DATA if it is not well-formed.
 */
export function decodeTopString(bytes, start, end) {
  return decodeUtf8(bytes.subarray(start, end), 2);
}

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);

function asBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new EdgeCacheError('CORRUPT_DATA', `decodeValue expects a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
}

function decodeFresh(data) {
  input = data;
  inputView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  at = 1;
  const value = readAny(0);
  if (at !== input.length) throw corrupt(`${input.length - at} trailing bytes`, at);
  return value;
}

function corrupt(reason, offset) {
  return new EdgeCacheError('CORRUPT_DATA', `corrupt value at byte ${offset}: ${reason}`);
}

function need(n) {
  if (n > input.length - at) throw corrupt(`truncated (needs ${n} more bytes)`, at);
}

function readVarint() {
  if (at >= input.length) throw corrupt('truncated varint', at);
  let b = input[at++];
  if (b < 128) return b;
  let value = b & 127;
  let scale = 128;
  for (let count = 1; ; count++) {
    if (count === 8) throw corrupt('varint longer than 8 bytes', at);
    if (at >= input.length) throw corrupt('truncated varint', at);
    b = input[at++];
    value += (b & 127) * scale;
    if (b < 128) break;
    scale *= 128;
  }
  if (value > Number.MAX_SAFE_INTEGER) throw corrupt('varint above 2^53-1', at);
  return value;
}

function readLength(minBytesEach) {
  const start = at;
  const n = readVarint();
  if (n * minBytesEach > input.length - at) throw corrupt(`length ${n} exceeds the remaining input`, start);
  return n;
}

function readAny(depth) {
  if (at >= input.length) throw corrupt('truncated (value expected)', at);
  const tag = input[at++];
  if (tag >= T_SMALL_INT) return tag - T_SMALL_INT;
  switch (tag) {
    case T_UNDEFINED: return undefined;
    case T_NULL: return null;
    case T_FALSE: return false;
    case T_TRUE: return true;
    case T_UINT: return readVarint();
    case T_NINT: {
      const start = at;
      const m = readVarint();
      if (m > Number.MAX_SAFE_INTEGER - 1) throw corrupt('negative integer out of range', start);
      return -m - 1;
    }
    case T_F64: return readF64();
    case T_UTF8: return readUtf8();
    case T_UTF16: return readUtf16();
    case T_ARRAY: return readArray(enter(depth));
    case T_OBJECT: return readObject(enter(depth), {});
    case T_NULL_OBJECT: return readObject(enter(depth), Object.create(null));
    case T_MAP: return readMap(enter(depth));
    case T_SET: return readSet(enter(depth));
    case T_DATE: return new Date(readF64());
    case T_REGEXP: return readRegExp();
    case T_BIGINT_POS: return readBigInt(false);
    case T_BIGINT_NEG: return readBigInt(true);
    case T_ARRAY_BUFFER: {
      const n = readLength(1);
      const out = input.slice(at, at + n).buffer;
      at += n;
      return out;
    }
    case T_VIEW: return readView();
    default: throw corrupt(`unknown tag 0x${tag.toString(16).padStart(2, '0')}`, at - 1);
  }
}

function enter(depth) {
  if (depth >= MAX_DEPTH) throw corrupt(`nesting deeper than ${MAX_DEPTH}`, at - 1);
  return depth + 1;
}

function readF64() {
  need(8);
  const v = inputView.getFloat64(at, true);
  at += 8;
  return v;
}

function readUtf8() {
  const n = readLength(1);
  const start = at;
  const end = start + n;
  if (n <= 24) {
    // Short ASCII (most object keys) is faster by hand than through TextDecoder.
    let s = '';
    let i = start;
    for (; i < end; i++) {
      const c = input[i];
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === end) {
      at = end;
      return s;
    }
  }
  at = end;
  return decodeUtf8(input.subarray(start, end), start);
}

function decodeUtf8(bytes, offset) {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw corrupt('invalid UTF-8', offset);
  }
}

function readUtf16() {
  const n = readLength(2);
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++, at += 2) units[i] = input[at] | (input[at + 1] << 8);
  let s = '';
  for (let i = 0; i < n; i += 8192) s += String.fromCharCode.apply(null, units.subarray(i, i + 8192));
  return s;
}

// Object keys repeat (arrays of records), and V8 must internalize every string used as a
// property name: handing back the same string for the same bytes saves both costs.
const KEY_CACHE_SIZE = 2048; // slots, a power of two
const KEY_CACHE_MAX_BYTES = 24; // longer keys are decoded every time
// Flat storage (about 50 KB in all) rather than one small array per slot.
const keyCacheBytes = new Uint8Array(KEY_CACHE_SIZE * KEY_CACHE_MAX_BYTES);
const keyCacheLengths = new Int8Array(KEY_CACHE_SIZE).fill(-1);
const keyCacheStrings = new Array(KEY_CACHE_SIZE).fill('');

function readKeyUtf8() {
  if (at >= input.length) return readUtf8(); // reports the truncation
  const n = input[at]; // a one-byte varint when < 128; anything longer takes the plain path
  if (n > KEY_CACHE_MAX_BYTES || n >= input.length - at) return readUtf8();
  const start = at + 1;
  const end = start + n;
  let h = n;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + input[i]) | 0;
  const slot = (h ^ (h >>> 15)) & (KEY_CACHE_SIZE - 1);
  const base = slot * KEY_CACHE_MAX_BYTES;
  if (keyCacheLengths[slot] === n) {
    let i = 0;
    while (i < n && keyCacheBytes[base + i] === input[start + i]) i++;
    if (i === n) {
      at = end;
      return keyCacheStrings[slot];
    }
  }
  const s = readUtf8();
  keyCacheBytes.set(input.subarray(start, end), base);
  keyCacheLengths[slot] = n;
  keyCacheStrings[slot] = s;
  return s;
}

function readString(what) {
  if (at >= input.length) throw corrupt(`truncated (${what} expected)`, at);
  const tag = input[at++];
  if (tag === T_UTF8) return readKeyUtf8();
  if (tag === T_UTF16) return readUtf16();
  throw corrupt(`${what} must be a string, found tag 0x${tag.toString(16).padStart(2, '0')}`, at - 1);
}

function readArray(depth) {
  const start = at;
  const len = readVarint();
  if (len > 0xffffffff) throw corrupt(`array length ${len} too large`, start);
  const arr = [];
  let i = 0;
  while (i < len) {
    if (at >= input.length) throw corrupt('truncated array', at);
    if (input[at] === T_HOLES) {
      at++;
      const runAt = at;
      const run = readVarint();
      if (run === 0 || run > len - i) throw corrupt('bad hole run', runAt);
      i += run;
      arr.length = i;
    } else {
      arr.push(readAny(depth));
      i++;
    }
  }
  return arr;
}

function readObject(depth, obj) {
  const n = readLength(2);
  for (let i = 0; i < n; i++) {
    const key = readString('object key');
    const value = readAny(depth);
    if (key === '__proto__') {
      Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    } else {
      obj[key] = value;
    }
  }
  return obj;
}

function readMap(depth) {
  const n = readLength(2);
  const map = new Map();
  for (let i = 0; i < n; i++) {
    const key = readAny(depth);
    map.set(key, readAny(depth));
  }
  return map;
}

function readSet(depth) {
  const n = readLength(1);
  const set = new Set();
  for (let i = 0; i < n; i++) set.add(readAny(depth));
  return set;
}

function readRegExp() {
  const start = at;
  const source = readString('RegExp source');
  const flags = readString('RegExp flags');
  try {
    return new RegExp(source, flags);
  } catch {
    throw corrupt('invalid RegExp', start);
  }
}

function readBigInt(negative) {
  const n = readLength(1);
  if (n === 0) return 0n;
  let hex = '';
  for (let i = at + n - 1; i >= at; i--) {
    const b = input[i];
    hex += (b < 16 ? '0' : '') + b.toString(16);
  }
  at += n;
  const magnitude = BigInt('0x' + hex);
  return negative ? -magnitude : magnitude;
}

function readView() {
  need(1);
  const kind = input[at++];
  const name = VIEW_KINDS[kind];
  if (name === undefined) throw corrupt(`unknown typed array kind ${kind}`, at - 1);
  const start = at;
  const n = readLength(1);
  const size = VIEW_ELEMENT_SIZE[kind];
  if (n % size !== 0) throw corrupt(`${name} byte length ${n} is not a multiple of ${size}`, start);
  const ctor = globalThis[name];
  if (typeof ctor !== 'function') throw corrupt(`${name} is not available in this host`, start);
  const bytes = input.slice(at, at + n); // a fresh, aligned buffer the caller owns
  at += n;
  if (!LITTLE_ENDIAN_HOST) swapElements(bytes, size);
  return kind === 2 ? bytes : new ctor(bytes.buffer, 0, n / size);
}
