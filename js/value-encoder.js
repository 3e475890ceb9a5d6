// Encoder of the edgecache value format (specified at the top of codec.js).
// Hot paths write into one module-level scratch buffer; callers get fresh copies.

import { EdgeCacheError } from './errors.js';
import { EncodeFailure, annotate, SEG_INDEX, SEG_KEY, SEG_MAP_KEY, SEG_MAP_VALUE, SEG_SET } from './encode-failure.js';
import {
  CODEC_VERSION, LITTLE_ENDIAN_HOST, MAX_DEPTH, MAX_ENCODED_BYTES, T_ARRAY, T_ARRAY_BUFFER,
  T_BIGINT_NEG, T_BIGINT_POS, T_DATE, T_F64, T_FALSE, T_HOLES, T_MAP, T_NINT, T_NULL,
  T_NULL_OBJECT, T_OBJECT, T_REGEXP, T_SET, T_SMALL_INT, T_TOP_BYTES, T_TOP_UTF8, T_TRUE, T_UINT,
  T_UNDEFINED, T_UTF16, T_UTF8, T_VIEW, VIEW_ELEMENT_SIZE, VIEW_KIND_BY_NAME, swapElements,
  typedArrayName,
} from './value-format.js';

const utf8Encoder = new TextEncoder();
const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const ObjectPrototype = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const objectKeys = Object.keys;
const ownSymbols = Object.getOwnPropertySymbols;
const getOwnPropertyNames = Object.getOwnPropertyNames;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
const dateGetTime = Date.prototype.getTime;

// One module-level scratch buffer, reused across calls; results are always fresh copies.
const SCRATCH_BYTES = 16384;
const SCRATCH_KEEP_LIMIT = 1 << 20; // do not keep a huge buffer alive after one big value
let buf = new Uint8Array(SCRATCH_BYTES);
let view = new DataView(buf.buffer);
let pos = 0;
let canonical = false;
let limit = MAX_ENCODED_BYTES; // the caller's maxValueBytes: encoding stops once past it
let encoding = false; // re-entrancy guard: a getter may call encodeValue while we encode

/**
 * Encode a JS value to a fresh Uint8Array (see the format above). `maxBytes`
 * (a cache's maxValueBytes): VALUE_TOO_LARGE as soon as the encoding passes
 * it, so a value of millions of repeated references fails fast.
 */
export function encodeValue(value, maxBytes = MAX_ENCODED_BYTES) {
  return encodeTop(value, false, maxBytes);
}

/**
 * Like encodeValue, but equal values give equal bytes regardless of insertion order
 * (object keys sorted, Map/Set entries sorted by encoded bytes). For building cache keys.
 */
export function encodeCanonical(value) {
  return encodeTop(value, true);
}

function encodeTop(value, canon, maxBytes = MAX_ENCODED_BYTES) {
  if (encoding) {
    const saved = [buf, view, pos, canonical, limit];
    buf = new Uint8Array(256);
    view = new DataView(buf.buffer);
    try {
      return encodeGuarded(value, canon, maxBytes);
    } finally {
      [buf, view, pos, canonical, limit] = saved;
    }
  }
  encoding = true;
  try {
    return encodeGuarded(value, canon, maxBytes);
  } finally {
    encoding = false;
    if (buf.length > SCRATCH_KEEP_LIMIT) {
      buf = new Uint8Array(SCRATCH_BYTES);
      view = new DataView(buf.buffer);
    }
  }
}

// Every failure leaves as an EdgeCacheError: VALUE_TOO_LARGE as is, anything
// else (ours, or what a getter, a Proxy trap or a detached buffer threw, even
// at the top) as UNSUPPORTED_VALUE with its path.
function encodeGuarded(value, canon, maxBytes) {
  try {
    return encodeFresh(value, canon, maxBytes);
  } catch (err) {
    throw err instanceof EdgeCacheError ? err : annotate(err).toError();
  }
}

function encodeFresh(value, canon, maxBytes) {
  canonical = canon;
  limit = Math.min(maxBytes, MAX_ENCODED_BYTES);
  pos = 0;
  if (typeof value === 'string') {
    atMost(2 + value.length);
    ensure(2 + 3 * value.length);
    buf[0] = CODEC_VERSION;
    buf[1] = T_TOP_UTF8;
    pos = 2;
    if (value.length <= 64 ? writeUtf8Short(value) : writeUtf8Long(value)) {
      atMost(pos);
      return buf.slice(0, pos);
    }
    pos = 0; // a lone surrogate: fall through to the general (UTF-16) form
  } else if (value instanceof Uint8Array && typedArrayName.call(value) === 'Uint8Array') {
    atMost(2 + value.length);
    const out = new Uint8Array(value.length + 2);
    out[0] = CODEC_VERSION;
    out[1] = T_TOP_BYTES;
    out.set(value, 2);
    return out;
  }
  ensure(1);
  buf[pos++] = CODEC_VERSION;
  encodeAny(value, 0);
  atMost(pos);
  return buf.slice(0, pos);
}

/** VALUE_TOO_LARGE once the encoding would pass the caller's limit. */
function atMost(size) {
  if (size > limit) {
    throw new EdgeCacheError('VALUE_TOO_LARGE', `encoded value is larger than maxValueBytes (${limit})`);
  }
}

function ensure(n) {
  if (pos + n > buf.length) grow(n);
}

function grow(n) {
  const needed = pos + n;
  atMost(pos); // what is written so far: n may be an upper bound (3 bytes per UTF-16 unit)
  if (needed > MAX_ENCODED_BYTES) {
    throw new EdgeCacheError('VALUE_TOO_LARGE', `encoded value would exceed ${MAX_ENCODED_BYTES} bytes`);
  }
  let cap = buf.length * 2;
  while (cap < needed) cap *= 2;
  const next = new Uint8Array(Math.min(cap, MAX_ENCODED_BYTES));
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(next.buffer);
}

function writeVarint(n) {
  // Callers have ensured 8 bytes.
  if (n < 0x80000000) {
    while (n > 127) {
      buf[pos++] = (n & 127) | 128;
      n >>>= 7;
    }
    buf[pos++] = n;
    return;
  }
  while (n > 127) {
    buf[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
}

function varintSize(n) {
  let size = 1;
  while (n > 127) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function encodeAny(v, depth) {
  switch (typeof v) {
    case 'string':
      writeString(v);
      return;
    case 'number':
      writeNumber(v);
      return;
    case 'boolean':
      ensure(1);
      buf[pos++] = v ? T_TRUE : T_FALSE;
      return;
    case 'undefined':
      ensure(1);
      buf[pos++] = T_UNDEFINED;
      return;
    case 'object':
      if (v === null) {
        ensure(1);
        buf[pos++] = T_NULL;
        return;
      }
      encodeObject(v, depth);
      return;
    case 'bigint':
      writeBigInt(v);
      return;
    case 'function':
      throw new EncodeFailure('cannot encode a function', v);
    case 'symbol':
      throw new EncodeFailure('cannot encode a symbol', v);
    default:
      throw new EncodeFailure(`cannot encode a value of type ${typeof v}`, v);
  }
}

function writeNumber(v) {
  ensure(9);
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    if (v >= 0) {
      if (v < 128) {
        buf[pos++] = T_SMALL_INT | v;
      } else {
        buf[pos++] = T_UINT;
        writeVarint(v);
      }
    } else {
      buf[pos++] = T_NINT;
      writeVarint(-(v + 1));
    }
  } else if (Number.isSafeInteger(v) && v !== 0) {
    if (v > 0) {
      buf[pos++] = T_UINT;
      writeVarint(v);
    } else {
      buf[pos++] = T_NINT;
      writeVarint(-(v + 1));
    }
  } else {
    buf[pos++] = T_F64;
    writeF64(v);
  }
}

function writeF64(v) {
  if (v !== v) {
    // One NaN bit pattern, whatever payload the host had.
    buf[pos] = 0; buf[pos + 1] = 0; buf[pos + 2] = 0; buf[pos + 3] = 0;
    buf[pos + 4] = 0; buf[pos + 5] = 0; buf[pos + 6] = 0xf8; buf[pos + 7] = 0x7f;
  } else {
    view.setFloat64(pos, v, true);
  }
  pos += 8;
}

function writeString(s) {
  const n = s.length;
  atMost(pos + n);
  if (n <= 42) {
    // 3 bytes per code unit at most, so the length fits one varint byte (<= 126).
    ensure(2 + 3 * n);
    const start = pos;
    pos += 2;
    if (writeUtf8Short(s)) {
      buf[start] = T_UTF8;
      buf[start + 1] = pos - start - 2;
      return;
    }
    pos = start;
    writeUtf16(s);
    return;
  }
  const maxBytes = 3 * n;
  const reserved = varintSize(maxBytes);
  ensure(1 + reserved + maxBytes);
  const start = pos;
  pos += 1 + reserved;
  if (!writeUtf8Long(s)) {
    pos = start;
    writeUtf16(s);
    return;
  }
  const written = pos - start - 1 - reserved;
  const actual = varintSize(written);
  if (actual < reserved) {
    buf.copyWithin(start + 1 + actual, start + 1 + reserved, pos);
  }
  buf[start] = T_UTF8;
  pos = start + 1;
  writeVarint(written);
  pos += written;
}

// Writes s as UTF-8 at pos (capacity ensured); false if s holds a lone surrogate.
function writeUtf8Short(s) {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 63);
      buf[pos++] = 0x80 | (c & 63);
    } else {
      const low = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return false;
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      i++;
      buf[pos++] = 0xf0 | (c >> 18);
      buf[pos++] = 0x80 | ((c >> 12) & 63);
      buf[pos++] = 0x80 | ((c >> 6) & 63);
      buf[pos++] = 0x80 | (c & 63);
    }
  }
  return true;
}

function writeUtf8Long(s) {
  if (!isWellFormed(s)) return false;
  pos += utf8Encoder.encodeInto(s, buf.subarray(pos)).written;
  return true;
}

function writeUtf16(s) {
  const n = s.length;
  atMost(pos + 2 * n);
  ensure(9 + 2 * n);
  buf[pos++] = T_UTF16;
  writeVarint(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    buf[pos++] = c & 255;
    buf[pos++] = c >> 8;
  }
}

function writeBigInt(v) {
  const negative = v < 0n;
  const magnitude = negative ? -v : v;
  ensure(9);
  buf[pos++] = negative ? T_BIGINT_NEG : T_BIGINT_POS;
  if (magnitude === 0n) {
    buf[pos++] = 0;
    return;
  }
  let hex = magnitude.toString(16);
  if (hex.length & 1) hex = '0' + hex;
  const n = hex.length >> 1;
  atMost(pos + n);
  writeVarint(n);
  ensure(n);
  for (let i = 0, at = hex.length - 2; i < n; i++, at -= 2) {
    buf[pos++] = parseInt(hex.slice(at, at + 2), 16);
  }
}

function encodeObject(v, depth) {
  if (Array.isArray(v)) {
    const proto = getPrototypeOf(v);
    if (proto !== Array.prototype && !isForeignIntrinsic(proto, 'Array')) throw unsupportedInstance(v);
    writeArray(v, enterContainer(v, depth));
    return;
  }
  const proto = getPrototypeOf(v);
  if (proto === ObjectPrototype) {
    writeObject(v, enterContainer(v, depth), T_OBJECT);
  } else if (proto === null) {
    writeObject(v, enterContainer(v, depth), T_NULL_OBJECT);
  } else if (ArrayBuffer.isView(v)) {
    writeView(v);
  } else if (proto === Map.prototype) {
    writeMap(v, enterContainer(v, depth));
  } else if (proto === Set.prototype) {
    writeSet(v, enterContainer(v, depth));
  } else if (proto === Date.prototype) {
    ensure(9);
    buf[pos++] = T_DATE;
    writeF64(dateGetTime.call(v));
  } else if (proto === RegExp.prototype) {
    ensure(1);
    buf[pos++] = T_REGEXP;
    writeString(v.source);
    writeString(v.flags);
  } else if (proto === ArrayBuffer.prototype) {
    writeBytes(T_ARRAY_BUFFER, new Uint8Array(v));
  } else if (isForeignIntrinsic(proto, 'Object')) {
    writeObject(v, enterContainer(v, depth), T_OBJECT);
  } else {
    throw unsupportedInstance(v);
  }
}

// Containers (array, object, Map, Set) count towards MAX_DEPTH; a cycle ends up here too.
function enterContainer(v, depth) {
  if (depth >= MAX_DEPTH) throw new EncodeFailure(`nesting deeper than ${MAX_DEPTH}`, v, true);
  return depth + 1;
}

// A prototype from another realm (vm context, iframe) that is that realm's Object/Array prototype.
function isForeignIntrinsic(proto, name) {
  try {
    const parent = getPrototypeOf(proto);
    const isRoot = name === 'Object' ? parent === null : parent !== null && getPrototypeOf(parent) === null;
    return isRoot && typeof proto.constructor === 'function' && proto.constructor.name === name &&
      ObjectPrototype.toString.call(proto.constructor.prototype) === (name === 'Object' ? '[object Object]' : '[object Array]');
  } catch {
    return false;
  }
}

function unsupportedInstance(v) {
  let name = 'an object with a custom prototype';
  try {
    const proto = getPrototypeOf(v);
    const ctor = proto.constructor;
    if (typeof ctor === 'function' && ctor.prototype === proto && ctor.name) name = `an instance of ${ctor.name}`;
  } catch {
    // a hostile proxy or accessor: keep the generic name
  }
  return new EncodeFailure(`cannot encode ${name}`, v);
}

function writeArray(a, depth) {
  const len = a.length;
  ensure(9);
  buf[pos++] = T_ARRAY;
  writeVarint(len);
  let i = 0;
  try {
    for (; i < len; i++) {
      atMost(pos);
      const x = a[i];
      if (x === undefined && !(i in a)) break;
      encodeAny(x, depth);
    }
    if (i === len) return;
    // A hole: from here on, visit only the indices present (a sparse array of
    // length 2^32-1 costs its elements, not its length) and write runs of holes.
    const present = presentIndices(a, i, len);
    let next = i;
    for (let k = 0; k < present.length; k++) {
      i = present[k];
      if (i > next) writeHoles(i - next);
      atMost(pos);
      encodeAny(a[i], depth);
      next = i + 1;
    }
    if (next < len) writeHoles(len - next);
  } catch (err) {
    throw annotate(err, a, SEG_INDEX, i);
  }
}

function writeHoles(run) {
  ensure(9);
  buf[pos++] = T_HOLES;
  writeVarint(run);
}

// The own index properties of `a` in [from, len), ascending.
function presentIndices(a, from, len) {
  const names = getOwnPropertyNames(a);
  const out = [];
  let sorted = true;
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    const index = +name;
    if (index >= from && index < len && Number.isInteger(index) && String(index) === name) {
      if (out.length > 0 && out[out.length - 1] > index) sorted = false;
      out.push(index);
    }
  }
  if (!sorted) out.sort((x, y) => x - y); // a Proxy's ownKeys may answer in any order
  return out;
}

function writeObject(o, depth, tag) {
  const keys = objectKeys(o);
  if (canonical) keys.sort();
  const n = keys.length;
  ensure(9);
  buf[pos++] = tag;
  writeVarint(n);
  let key;
  try {
    for (let i = 0; i < n; i++) {
      key = keys[i];
      atMost(pos);
      writeString(key);
      encodeAny(o[key], depth);
    }
  } catch (err) {
    throw annotate(err, o, SEG_KEY, key);
  }
  const symbols = ownSymbols(o);
  for (let i = 0; i < symbols.length; i++) {
    if (propertyIsEnumerable.call(o, symbols[i])) {
      throw new EncodeFailure(`cannot encode symbol-keyed property ${String(symbols[i])}`, o);
    }
  }
}

function writeMap(m, depth) {
  const size = m.size;
  ensure(9);
  buf[pos++] = T_MAP;
  writeVarint(size);
  let i = 0;
  let key;
  let inKey = true;
  const entries = canonical ? [] : null;
  try {
    for (const [k, v] of m) {
      key = k;
      inKey = true;
      atMost(pos);
      const start = pos;
      encodeAny(k, depth);
      inKey = false;
      encodeAny(v, depth);
      if (entries !== null) {
        entries.push(buf.slice(start, pos));
        pos = start;
      }
      i++;
    }
  } catch (err) {
    throw inKey ? annotate(err, m, SEG_MAP_KEY, i) : annotate(err, m, SEG_MAP_VALUE, i, key);
  }
  if (i !== size || m.size !== size) throw changedWhileEncoding(m, 'a Map');
  if (entries !== null) writeSorted(entries);
}

function writeSet(s, depth) {
  const size = s.size;
  ensure(9);
  buf[pos++] = T_SET;
  writeVarint(size);
  let i = 0;
  const entries = canonical ? [] : null;
  try {
    for (const v of s) {
      atMost(pos);
      const start = pos;
      encodeAny(v, depth);
      if (entries !== null) {
        entries.push(buf.slice(start, pos));
        pos = start;
      }
      i++;
    }
  } catch (err) {
    throw annotate(err, s, SEG_SET, i);
  }
  if (i !== size || s.size !== size) throw changedWhileEncoding(s, 'a Set');
  if (entries !== null) writeSorted(entries);
}

// A getter or Proxy inside the entries added or removed some: the count written
// first would not match the entries that follow, so nothing is stored.
function changedWhileEncoding(container, what) {
  return new EncodeFailure(`${what} changed while being encoded`, container);
}

function writeSorted(entries) {
  entries.sort(compareBytes);
  for (const e of entries) {
    ensure(e.length);
    buf.set(e, pos);
    pos += e.length;
  }
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function writeView(v) {
  const name = typedArrayName.call(v);
  const kind = name === undefined ? 0 : VIEW_KIND_BY_NAME.get(name);
  if (kind === undefined) throw new EncodeFailure(`cannot encode a ${name}`, v);
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  atMost(pos + bytes.length);
  ensure(10 + bytes.length);
  buf[pos++] = T_VIEW;
  buf[pos++] = kind;
  writeVarint(bytes.length);
  buf.set(bytes, pos);
  if (!LITTLE_ENDIAN_HOST) swapElements(buf.subarray(pos, pos + bytes.length), VIEW_ELEMENT_SIZE[kind]);
  pos += bytes.length;
}

function writeBytes(tag, bytes) {
  atMost(pos + bytes.length);
  ensure(9 + bytes.length);
  buf[pos++] = tag;
  writeVarint(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}
