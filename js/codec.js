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

// The implementation is split by direction: value-format.js (tags), value-encoder.js,
// encode-failure.js (error paths), value-decoder.js.
export { CODEC_VERSION, MAX_DEPTH } from './value-format.js';
export { encodeCanonical, encodeValue } from './value-encoder.js';
export { decodeValue } from './value-decoder.js';
