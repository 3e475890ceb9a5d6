// Tag bytes and shared facts of the edgecache value format. The format itself is
// specified in the comment block at the top of codec.js: change both together.

export const CODEC_VERSION = 0x01;
export const MAX_DEPTH = 1000;
export const MAX_ENCODED_BYTES = 0x40000000; // 1 GiB: a value this big is a bug, not a cache entry

export const T_UNDEFINED = 0x00;
export const T_NULL = 0x01;
export const T_FALSE = 0x02;
export const T_TRUE = 0x03;
export const T_UINT = 0x04;
export const T_NINT = 0x05;
export const T_F64 = 0x06;
export const T_UTF8 = 0x07;
export const T_UTF16 = 0x08;
export const T_ARRAY = 0x09;
export const T_HOLES = 0x0a;
export const T_OBJECT = 0x0b;
export const T_NULL_OBJECT = 0x0c;
export const T_MAP = 0x0d;
export const T_SET = 0x0e;
export const T_DATE = 0x0f;
export const T_REGEXP = 0x10;
export const T_BIGINT_POS = 0x11;
export const T_BIGINT_NEG = 0x12;
export const T_ARRAY_BUFFER = 0x13;
export const T_VIEW = 0x14;
export const T_TOP_UTF8 = 0x20;
export const T_TOP_BYTES = 0x21;
export const T_SMALL_INT = 0x80;

// Index = kind byte. Constructors are looked up lazily by name so a host lacking one still loads.
export const VIEW_KINDS = [
  'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
export const VIEW_ELEMENT_SIZE = [1, 1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8];
export const VIEW_KIND_BY_NAME = new Map(VIEW_KINDS.map((name, kind) => [name, kind]));

// %TypedArray%.prototype[@@toStringTag] reads the internal [[TypedArrayName]] slot: it cannot
// be fooled by subclasses, works across realms, and is undefined for non-typed-arrays.
export const typedArrayName = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Typed-array elements are stored little-endian; only a big-endian host needs to swap.
export function swapElements(bytes, size) {
  if (size === 1) return;
  for (let at = 0; at + size <= bytes.length; at += size) {
    bytes.subarray(at, at + size).reverse();
  }
}
