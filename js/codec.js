// The edgecache value codec: JS values <-> bytes. It is a PERSISTED format
// (memory tier, Workers KV, Deno KV, Redis; read by the npm build and by the
// WASI component host alike), so the bytes below are a contract.
//
// ======================= edgecache value format, version 1 =======================
//
// encoding := VERSION top
// VERSION  := 0x01            (any other first byte: UNSUPPORTED_VERSION; empty: CORRUPT_DATA)
// top      := 0x20 utf8-bytes*   a string; ALL remaining bytes are its well-formed UTF-8
//           | 0x21 byte*         a Uint8Array; ALL remaining bytes are its contents
//           | value              exactly one value, then end of input (trailing bytes: CORRUPT_DATA)
//
// varint   := unsigned LEB128: 7 bits per byte, least significant group first, high bit set on
//             every byte but the last; at most 8 bytes, value <= 2^53-1. Encoders write the
//             shortest form; decoders also accept longer forms within those limits.
// f64      := 8 bytes, IEEE 754 binary64, little-endian. Encoders write every NaN as
//             00 00 00 00 00 00 F8 7F (so equal values give equal bytes).
// string   := 0x07 varint(n) n bytes of well-formed UTF-8 (a leading U+FEFF is content, not a BOM)
//           | 0x08 varint(n) 2n bytes: n UTF-16 code units, little-endian. Encoders use 0x08 only
//             for strings that contain a lone surrogate (which UTF-8 cannot carry), so such
//             strings round-trip exactly.
//
// value    := 0x00                   undefined
//           | 0x01                   null
//           | 0x02 | 0x03            false | true
//           | 0x80..0xFF             the integer (tag - 0x80), 0..127
//           | 0x04 varint(n)         the integer n (encoders: 128 <= n <= 2^53-1)
//           | 0x05 varint(m)         the integer -(m+1) (m <= 2^53-2; encoders: -2^53+1 <= value <= -1)
//           | 0x06 f64               any other number: fractions, -0, NaN, +-Infinity, |n| >= 2^53
//           | string
//           | 0x09 varint(len) element*   Array of length len (len <= 2^32-1). The elements are read
//                                until len indices are covered; each element is a value (one index)
//                                or a hole run 0x0A varint(k), 1 <= k <= remaining indices, which
//                                leaves k indices absent (sparse holes round-trip as holes).
//                                0x0A is valid nowhere else. Non-index properties are not kept.
//           | 0x0B varint(n) (string value){n}   plain object: n own enumerable string-keyed
//                                properties in Object.keys order (so key order round-trips);
//                                decoders define each as an own data property (a key
//                                "__proto__" stays an own property, never sets the prototype;
//                                a repeated key: the last one wins).
//           | 0x0C varint(n) (string value){n}   the same for an object with a null prototype
//           | 0x0D varint(n) (value value){n}    Map, entries as (key, value) in iteration order
//           | 0x0E varint(n) value{n}            Set, in iteration order
//           | 0x0F f64                           Date: its time value (NaN for an invalid Date)
//           | 0x10 string string                 RegExp: source, flags (lastIndex is not kept)
//           | 0x11 varint(n) n bytes             BigInt >= 0: magnitude, little-endian base 256,
//           | 0x12 varint(n) n bytes             BigInt < 0:  encoders write no high zero bytes (0n: n = 0)
//           | 0x13 varint(n) n bytes             ArrayBuffer (a copy of its bytes)
//           | 0x14 kind varint(n) n bytes        typed array / DataView: only the viewed bytes, elements
//                                little-endian; n must be a multiple of the element size. kind:
//                                0x00 DataView      0x01 Int8Array     0x02 Uint8Array
//                                0x03 Uint8Clamped  0x04 Int16Array    0x05 Uint16Array
//                                0x06 Int32Array    0x07 Uint32Array   0x08 Float32Array
//                                0x09 Float64Array  0x0A BigInt64Array  0x0B BigUint64Array
//           Every other tag byte (0x15..0x1F, 0x22..0x7F, and 0x20/0x21 below the top) is CORRUPT_DATA.
//
// Nesting: at most 1000 containers (array, object, Map, Set) inside one another, on both sides.
// Every count/length is checked against the remaining input before anything is allocated.
//
// Decisions (JS side):
// - Encodable: undefined, null, booleans, numbers, strings, BigInt, plain objects (prototype
//   Object.prototype or null, incl. another realm's), arrays, Map, Set, Date, RegExp,
//   ArrayBuffer (also resizable: decoded fixed-length), every typed array and DataView
//   (subclasses such as Node's Buffer decode as the base type).
// - UNSUPPORTED_VALUE, naming the path (e.g. `$.user.tags[2]`): functions, symbols, enumerable
//   symbol-keyed properties (silently dropping them would be lossy), class instances (new Foo(),
//   Promise, WeakMap, SharedArrayBuffer, boxed primitives, subclasses of Array/Map/Set), and
//   Error objects (their stack and host-specific fields do not survive a trip between hosts;
//   cache a plain { name, message } instead). Cycles fail: "cycle at $.a.b refers to $".
// - Shared (non-cyclic) references are encoded once per occurrence and decode as separate copies.
// - encodeCanonical: the same format, but plain-object keys sorted by UTF-16 code units and
//   Map/Set entries sorted by their encoded bytes, so equal arguments give equal bytes.
// =================================================================================

import { EdgeCacheError } from './errors.js';

export const CODEC_VERSION = 0x01;
export const MAX_DEPTH = 1000;
const MAX_ENCODED_BYTES = 0x40000000; // 1 GiB: a value this big is a bug, not a cache entry

const T_UNDEFINED = 0x00;
const T_NULL = 0x01;
const T_FALSE = 0x02;
const T_TRUE = 0x03;
const T_UINT = 0x04;
const T_NINT = 0x05;
const T_F64 = 0x06;
const T_UTF8 = 0x07;
const T_UTF16 = 0x08;
const T_ARRAY = 0x09;
const T_HOLES = 0x0a;
const T_OBJECT = 0x0b;
const T_NULL_OBJECT = 0x0c;
const T_MAP = 0x0d;
const T_SET = 0x0e;
const T_DATE = 0x0f;
const T_REGEXP = 0x10;
const T_BIGINT_POS = 0x11;
const T_BIGINT_NEG = 0x12;
const T_ARRAY_BUFFER = 0x13;
const T_VIEW = 0x14;
const T_TOP_UTF8 = 0x20;
const T_TOP_BYTES = 0x21;
const T_SMALL_INT = 0x80;

// Index = kind byte. Constructors are looked up lazily by name so a host lacking one still loads.
const VIEW_KINDS = [
  'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
const VIEW_ELEMENT_SIZE = [1, 1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8];
const VIEW_KIND_BY_NAME = new Map(VIEW_KINDS.map((name, kind) => [name, kind]));

// %TypedArray%.prototype[@@toStringTag] reads the internal [[TypedArrayName]] slot: it cannot
// be fooled by subclasses, works across realms, and is undefined for non-typed-arrays.
const typedArrayName = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const ObjectPrototype = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const objectKeys = Object.keys;
const ownSymbols = Object.getOwnPropertySymbols;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
const dateGetTime = Date.prototype.getTime;

// ------------------------------------------------------------------ encoder state
// One module-level scratch buffer, reused across calls; results are always fresh copies.
const SCRATCH_BYTES = 16384;
const SCRATCH_KEEP_LIMIT = 1 << 20; // do not keep a huge buffer alive after one big value
let buf = new Uint8Array(SCRATCH_BYTES);
let view = new DataView(buf.buffer);
let pos = 0;
let canonical = false;
let encoding = false; // re-entrancy guard: a getter may call encodeValue while we encode

/** Encode a JS value to a fresh Uint8Array (see the format above). */
export function encodeValue(value) {
  return encodeTop(value, false);
}

/**
 * Like encodeValue, but equal values give equal bytes regardless of insertion order
 * (object keys sorted, Map/Set entries sorted by encoded bytes). For building cache keys.
 */
export function encodeCanonical(value) {
  return encodeTop(value, true);
}

function encodeTop(value, canon) {
  if (encoding) {
    const saved = [buf, view, pos, canonical];
    buf = new Uint8Array(256);
    view = new DataView(buf.buffer);
    try {
      return encodeFresh(value, canon);
    } finally {
      [buf, view, pos, canonical] = saved;
    }
  }
  encoding = true;
  try {
    return encodeFresh(value, canon);
  } finally {
    encoding = false;
    if (buf.length > SCRATCH_KEEP_LIMIT) {
      buf = new Uint8Array(SCRATCH_BYTES);
      view = new DataView(buf.buffer);
    }
  }
}

function encodeFresh(value, canon) {
  canonical = canon;
  pos = 0;
  if (typeof value === 'string') {
    ensure(2 + 3 * value.length);
    buf[0] = CODEC_VERSION;
    buf[1] = T_TOP_UTF8;
    pos = 2;
    if (value.length <= 64 ? writeUtf8Short(value) : writeUtf8Long(value)) return buf.slice(0, pos);
    pos = 0; // a lone surrogate: fall through to the general (UTF-16) form
  } else if (value instanceof Uint8Array && typedArrayName.call(value) === 'Uint8Array') {
    const out = new Uint8Array(value.length + 2);
    out[0] = CODEC_VERSION;
    out[1] = T_TOP_BYTES;
    out.set(value, 2);
    return out;
  }
  ensure(1);
  buf[pos++] = CODEC_VERSION;
  try {
    encodeAny(value, 0);
  } catch (err) {
    throw err instanceof EncodeFailure ? err.toError() : err;
  }
  return buf.slice(0, pos);
}

function ensure(n) {
  if (pos + n > buf.length) grow(n);
}

function grow(n) {
  const needed = pos + n;
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
      const x = a[i];
      if (x === undefined && !(i in a)) {
        let run = 1;
        while (i + run < len && !(i + run in a)) run++;
        ensure(9);
        buf[pos++] = T_HOLES;
        writeVarint(run);
        i += run - 1;
        continue;
      }
      encodeAny(x, depth);
    }
  } catch (err) {
    throw annotate(err, a, SEG_INDEX, i);
  }
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
  ensure(9);
  buf[pos++] = T_MAP;
  writeVarint(m.size);
  let i = 0;
  let key;
  let inKey = true;
  const entries = canonical ? [] : null;
  try {
    for (const [k, v] of m) {
      key = k;
      inKey = true;
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
  if (entries !== null) writeSorted(entries);
}

function writeSet(s, depth) {
  ensure(9);
  buf[pos++] = T_SET;
  writeVarint(s.size);
  let i = 0;
  const entries = canonical ? [] : null;
  try {
    for (const v of s) {
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
  if (entries !== null) writeSorted(entries);
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
  ensure(10 + bytes.length);
  buf[pos++] = T_VIEW;
  buf[pos++] = kind;
  writeVarint(bytes.length);
  buf.set(bytes, pos);
  if (!LITTLE_ENDIAN_HOST) swapElements(buf.subarray(pos, pos + bytes.length), VIEW_ELEMENT_SIZE[kind]);
  pos += bytes.length;
}

function writeBytes(tag, bytes) {
  ensure(9 + bytes.length);
  buf[pos++] = tag;
  writeVarint(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

// Typed-array elements are stored little-endian; only a big-endian host needs to swap.
function swapElements(bytes, size) {
  if (size === 1) return;
  for (let at = 0; at + size <= bytes.length; at += size) {
    bytes.subarray(at, at + size).reverse();
  }
}

// ------------------------------------------------------------------ encode errors
// Failures carry no path while thrown; each container frame adds its segment as the
// failure unwinds (try/catch costs nothing until something throws).
const SEG_INDEX = 0;
const SEG_KEY = 1;
const SEG_MAP_KEY = 2;
const SEG_MAP_VALUE = 3;
const SEG_SET = 4;

class EncodeFailure {
  constructor(message, value, tooDeep = false) {
    this.message = message;
    this.value = value;
    this.tooDeep = tooDeep;
    this.segments = []; // leaf first
    this.containers = []; // leaf first
  }

  toError() {
    const segs = this.segments.slice().reverse();
    if (this.tooDeep) {
      // Depth overflow is usually a cycle: find the first container that repeats an ancestor.
      const chain = this.containers.slice().reverse();
      chain.push(this.value);
      const seen = new Map();
      for (let k = 0; k < chain.length; k++) {
        const first = seen.get(chain[k]);
        if (first !== undefined) {
          return unsupported(`cycle at ${formatPath(segs.slice(0, k))} refers to ${formatPath(segs.slice(0, first))}`);
        }
        seen.set(chain[k], k);
      }
    }
    return unsupported(`${this.message} at ${formatPath(segs)}`);
  }
}

function annotate(err, container, kind, key, mapKey) {
  if (err instanceof EncodeFailure) {
    err.segments.push({ kind, key, mapKey });
    err.containers.push(container);
  }
  return err;
}

function unsupported(message) {
  return new EdgeCacheError('UNSUPPORTED_VALUE', message);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(segs) {
  const parts = segs.map(formatSegment);
  if (parts.length > 24) {
    return `$${parts.slice(0, 10).join('')}…(${parts.length - 20} more)…${parts.slice(-10).join('')}`;
  }
  return '$' + parts.join('');
}

function formatSegment({ kind, key, mapKey }) {
  switch (kind) {
    case SEG_INDEX:
      return `[${key}]`;
    case SEG_KEY:
      return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    case SEG_MAP_KEY:
      return `.keys()[${key}]`;
    case SEG_MAP_VALUE:
      return isShowable(mapKey) ? `.get(${showKey(mapKey)})` : `.values()[${key}]`;
    default:
      return `.values()[${key}]`;
  }
}

function isShowable(k) {
  const t = typeof k;
  return k === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' || t === 'bigint';
}

function showKey(k) {
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'bigint') return `${k}n`;
  if (Object.is(k, -0)) return '-0';
  return String(k);
}

// ------------------------------------------------------------------ decoder state
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
