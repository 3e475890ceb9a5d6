// Property tests of the JS value codec (js/codec.js) with fast-check:
// arbitrary nested values round-trip (and re-encode to the same bytes),
// encodeCanonical ignores the insertion order of objects, Maps and Sets at
// every depth, and arbitrary bytes decode to a value or an EdgeCacheError only.
// fast-check is a dev tool in scripts/package.json, installed into
// scripts/node_modules by scripts/setup.sh, so it is resolved from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { decodeValue, encodeCanonical, encodeValue } from '../../js/codec.js';
import { EdgeCacheError } from '../../js/errors.js';

const requireFromScripts = createRequire(new URL('../../scripts/package.json', import.meta.url));
const fcModule = await import(pathToFileURL(requireFromScripts.resolve('fast-check')).href);
const fc = fcModule.default ?? fcModule;

const RUNS = 300;

// ------------------------------------------------------------------ arbitraries
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }), // any code point, lone surrogates included
  fc.constantFrom('', '__proto__', 'constructor', '\uFEFF', '\ud800', 'a\udc00b'),
);

// Float fields of typed arrays keep their exact bits, NaN payloads included.
const typedArray = fc.oneof(
  fc.int8Array(), fc.uint8Array(), fc.uint8Array().map((a) => new Uint8ClampedArray(a)),
  fc.int16Array(), fc.uint16Array(), fc.int32Array(), fc.uint32Array(),
  fc.float32Array(), fc.float64Array(), fc.bigInt64Array(), fc.bigUint64Array(),
  fc.uint8Array().map((a) => new DataView(a.buffer)),
  fc.uint8Array().map((a) => a.buffer),
  // A view on part of a larger buffer: only the viewed bytes are kept.
  fc.tuple(fc.uint8Array({ minLength: 4 }), fc.nat(3)).map(([a, off]) => new Uint8Array(a.buffer, off, a.length - off)),
);

const leaf = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, -0, NaN, Infinity, -Infinity,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 127, 128, -1, -128),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(), // includes -0, NaN, infinities and subnormals
  anyString,
  fc.bigInt(),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.date({ noInvalidDate: true }), // invalid Dates: see the separate property below
  fc.constantFrom(/a+b/g, /^x$/imsu, new RegExp('[\\u{1F600}]', 'u')),
  typedArray,
);

function objectFrom(entries, nullProto) {
  const o = nullProto ? Object.create(null) : {};
  // defineProperty, so a "__proto__" key is an own property, as the decoder makes it.
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('container')),
  container: fc.oneof(
    fc.array(tie('value'), { maxLength: 6 }),
    fc.sparseArray(tie('value'), { maxLength: 20, maxNumElements: 4 }),
    fc.tuple(fc.array(fc.tuple(anyString, tie('value')), { maxLength: 5 }), fc.boolean())
      .map(([entries, nullProto]) => objectFrom(entries, nullProto)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new Set(items)),
  ),
}));

// ------------------------------------------------------------------ round trip
test('arbitrary nested values round-trip, and re-encode to the same bytes', () => {
  fc.assert(fc.property(value, (v) => {
    const bytes = encodeValue(v);
    const back = decodeValue(bytes);
    assert.deepStrictEqual(back, v);
    assert.deepStrictEqual(encodeValue(back), bytes);
  }), { numRuns: RUNS });
});

test('invalid Dates round-trip at any depth', () => {
  fc.assert(fc.property(fc.array(value, { maxLength: 3 }), fc.nat(3), (items, at) => {
    const list = [...items];
    list.splice(Math.min(at, list.length), 0, new Date(NaN));
    const back = decodeValue(encodeValue(list));
    const date = back[Math.min(at, items.length)];
    assert.ok(date instanceof Date && Number.isNaN(date.getTime()));
    assert.deepStrictEqual(encodeValue(back), encodeValue(list));
  }), { numRuns: 100 });
});

// ------------------------------------------------------------------ canonical form
// The same value with every object, Map and Set rebuilt in reverse insertion order.
function reversed(v) {
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (const k of Object.keys(v)) out[k] = reversed(v[k]);
    return out;
  }
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [reversed(k), reversed(x)]));
  if (v instanceof Set) return new Set([...v].reverse().map(reversed));
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto === null || proto === Object.prototype) {
      return objectFrom(Object.keys(v).reverse().map((k) => [k, reversed(v[k])]), proto === null);
    }
  }
  return v;
}

test('encodeCanonical ignores insertion order of objects, Maps and Sets at every depth', () => {
  fc.assert(fc.property(value, (v) => {
    const other = reversed(v);
    assert.deepStrictEqual(encodeCanonical(other), encodeCanonical(v));
    // And the canonical bytes still decode to an equal value.
    assert.deepStrictEqual(decodeValue(encodeCanonical(v)), v);
  }), { numRuns: RUNS });
});

test('encodeCanonical of a shuffled top-level object, Map and Set is the same', () => {
  const entries = fc.uniqueArray(fc.tuple(anyString, value), { selector: ([k]) => k, maxLength: 8 });
  fc.assert(fc.property(
    entries.chain((e) => fc.tuple(fc.constant(e), fc.shuffledSubarray(e, { minLength: e.length, maxLength: e.length }))),
    ([a, b]) => {
      assert.deepStrictEqual(encodeCanonical(objectFrom(b, false)), encodeCanonical(objectFrom(a, false)));
      assert.deepStrictEqual(encodeCanonical(new Map(b)), encodeCanonical(new Map(a)));
      const keys = (list) => new Set(list.map(([k]) => k));
      assert.deepStrictEqual(encodeCanonical(keys(b)), encodeCanonical(keys(a)));
    },
  ), { numRuns: RUNS });
});

// ------------------------------------------------------------------ hostile bytes
function decodesOrRefuses(bytes) {
  try {
    decodeValue(bytes);
  } catch (e) {
    assert.ok(e instanceof EdgeCacheError, `decodeValue threw ${e?.name}: ${e?.message}`);
    assert.ok(['CORRUPT_DATA', 'UNSUPPORTED_VERSION'].includes(e.code), `unexpected code ${e.code}`);
  }
}

test('random bytes decode to a value or an EdgeCacheError, never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), decodesOrRefuses), { numRuns: 1000 });
  // Version byte first, so the decoder gets past the version check.
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (rest) => {
    decodesOrRefuses(Uint8Array.of(1, ...rest));
  }), { numRuns: 2000 });
});

test('mutated valid encodings decode to a value or an EdgeCacheError', () => {
  fc.assert(fc.property(value, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (v, flips, cut) => {
    const bytes = Uint8Array.from(encodeValue(v));
    for (const [at, mask] of flips) bytes[at % bytes.length] ^= mask;
    decodesOrRefuses(bytes);
    decodesOrRefuses(bytes.subarray(0, cut % (bytes.length + 1)));
  }), { numRuns: RUNS });
});
