import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeCanonical, encodeValue, CODEC_VERSION, MAX_DEPTH } from '../../js/codec.js';
import { EdgeCacheError, ErrorCode, isEdgeCacheError } from '../../js/errors.js';

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const roundTrip = (v) => decodeValue(encodeValue(v));

// node:assert treats two invalid Dates as unequal (NaN !== NaN), so compare Dates by SameValue.
function assertSame(actual, expected, message) {
  if (expected instanceof Date) {
    assert.ok(actual instanceof Date, message);
    assert.ok(Object.is(actual.getTime(), expected.getTime()), message);
  } else {
    assert.deepStrictEqual(actual, expected, message);
  }
}

function assertCode(fn, code, messagePart) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof EdgeCacheError, `expected EdgeCacheError, got ${e}`);
    assert.equal(e.code, code);
    if (messagePart !== undefined) assert.ok(e.message.includes(messagePart), `message "${e.message}" lacks "${messagePart}"`);
    return true;
  });
}

// ------------------------------------------------------------------ errors.js
test('EdgeCacheError carries code, name, message and cause', () => {
  const cause = new Error('backend down');
  const e = new EdgeCacheError(ErrorCode.BACKEND_ERROR, 'get failed', { cause });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'EdgeCacheError');
  assert.equal(e.code, 'BACKEND_ERROR');
  assert.equal(e.message, 'get failed');
  assert.equal(e.cause, cause);
  assert.ok(!Object.keys(e).includes('name'));
  assert.ok(isEdgeCacheError(e) && isEdgeCacheError(e, 'BACKEND_ERROR') && !isEdgeCacheError(e, 'CLOSED'));
  assert.ok(!isEdgeCacheError(cause) && !isEdgeCacheError(null));
  assert.equal('cause' in new EdgeCacheError('CLOSED', 'closed'), false);
});

test('ErrorCode lists the Rust core codes plus the JS-only ones (codec, getOrSet loaders)', () => {
  const rust = ['INVALID_KEY', 'VALUE_TOO_LARGE', 'INVALID_TTL', 'INVALID_OPTION', 'NOT_AN_INTEGER', 'OVERFLOW',
    'INVALID_PATTERN', 'CORRUPT_DATA', 'UNSUPPORTED_VERSION', 'DECOMPRESSION_LIMIT', 'LIMIT_EXCEEDED', 'CLOSED',
    'BACKEND_ERROR', 'BACKEND_TIMEOUT', 'UNSUPPORTED'];
  const jsOnly = ['UNSUPPORTED_VALUE', 'LOADER_TIMEOUT', 'LOADER_REENTRY'];
  assert.deepEqual(Object.keys(ErrorCode).sort(), [...rust, ...jsOnly].sort());
  for (const [k, v] of Object.entries(ErrorCode)) assert.equal(k, v);
  assert.ok(Object.isFrozen(ErrorCode));
});

// ------------------------------------------------------------------ round trips
const loneSurrogates = ['\ud800', '\udfff', 'a\ud83dz', 'x\ude00', '\ude00\ud83d', 'ok\ud83d\ude00 then \ud800'.repeat(20)];

const SAMPLES = {
  strings: ['', 'a', 'hello', 'héllo wörld', '日本語', '\u{1F600}\u{1F4A9}', '\uFEFFbom stays', '\0nul', 'x'.repeat(42),
    'x'.repeat(43), 'é'.repeat(43), 'long ' + 'ü€😀'.repeat(1000), ...loneSurrogates],
  numbers: [0, -0, 1, -1, 127, 128, -128, 255, 256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 1.5, -0.1, Math.PI, 1e300, 5e-324,
    Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity],
  atoms: [true, false, null, undefined],
  bigints: [0n, 1n, -1n, 255n, 256n, -256n, 2n ** 64n, -(2n ** 64n) - 1n, 2n ** 1000n + 12345n, -(3n ** 500n)],
  dates: [new Date(0), new Date(1700000000123), new Date(-8.64e15), new Date(8.64e15), new Date(NaN)],
  regexps: [/a+b/, /x/gimsuy, new RegExp(''), /\//, /[\ud800]/u, /(?<year>\d{4})/d],
};

for (const [group, values] of Object.entries(SAMPLES)) {
  test(`round trip: ${group}`, () => {
    for (const v of values) {
      const back = roundTrip(v);
      assertSame(back, v);
      if (typeof v !== 'object' || v === null) assert.ok(Object.is(back, v), `${String(v)} lost identity`);
    }
  });
}

test('round trip: -0 and NaN keep identity, also nested and as Map keys', () => {
  assert.ok(Object.is(roundTrip(-0), -0));
  assert.ok(Object.is(roundTrip(0), 0));
  assert.ok(Number.isNaN(roundTrip(NaN)));
  const back = roundTrip({ z: -0, n: NaN, list: [-0, NaN] });
  assert.ok(Object.is(back.z, -0) && Number.isNaN(back.n) && Object.is(back.list[0], -0) && Number.isNaN(back.list[1]));
  const m = roundTrip(new Map([[NaN, 'nan'], [0, 'zero']]));
  assert.equal(m.get(NaN), 'nan');
  assert.equal(m.get(-0), 'zero');
});

test('round trip: lone surrogates survive exactly (UTF-16 form), well-formed strings use UTF-8', () => {
  for (const s of loneSurrogates) {
    assert.equal(roundTrip(s), s);
    assert.equal(roundTrip({ [s]: s })[s], s);
  }
  assert.equal(encodeValue('\ud800')[1], 0x08);
  assert.equal(encodeValue(['é'])[3], 0x07);
});

test('round trip: undefined inside arrays and objects stays present', () => {
  const back = roundTrip({ a: undefined, b: [undefined, 1, undefined] });
  assert.ok(Object.hasOwn(back, 'a'));
  assert.equal(back.a, undefined);
  assert.equal(back.b.length, 3);
  assert.ok(0 in back.b && 2 in back.b);
});

test('round trip: sparse arrays keep their holes (distinct from undefined)', () => {
  // eslint-disable-next-line no-sparse-arrays
  const sparse = [1, , 3, , , undefined, , ];
  const back = roundTrip(sparse);
  assert.equal(back.length, sparse.length);
  assert.deepEqual(Object.keys(back), Object.keys(sparse));
  assert.ok(!(1 in back) && 5 in back);
  const huge = [];
  huge[100000] = 'end';
  const hugeBack = roundTrip(huge);
  assert.equal(hugeBack.length, 100001);
  assert.deepEqual(Object.keys(hugeBack), ['100000']);
  assert.ok(encodeValue(huge).length < 16, 'a hole run is one tag and a varint');
  const allHoles = new Array(5);
  assert.deepEqual(Object.keys(roundTrip(allHoles)), []);
  assert.equal(roundTrip(allHoles).length, 5);
});

test('round trip: plain and null-prototype objects, key order, awkward keys', () => {
  const o = { b: 1, a: 2, 10: 'ten', 2: 'two', 'with space': 3, '': 4 };
  const back = roundTrip(o);
  assert.deepStrictEqual(back, o);
  assert.deepEqual(Object.keys(back), Object.keys(o));
  const bare = Object.create(null);
  bare.x = 1;
  bare.__proto__ = 'just a key';
  const bareBack = roundTrip(bare);
  assert.equal(Object.getPrototypeOf(bareBack), null);
  assert.deepStrictEqual(bareBack, bare);
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
  const parsedBack = roundTrip(parsed);
  assert.equal(Object.getPrototypeOf(parsedBack), Object.prototype);
  assert.deepEqual(parsedBack.__proto__, { polluted: true });
  assert.ok(Object.hasOwn(parsedBack, '__proto__'));
  assert.equal({}.polluted, undefined);
});

test('round trip: Map and Set with any keys, in order', () => {
  const m = new Map([['s', 1], [1, 's'], [{ k: 1 }, [1, 2]], [null, undefined], [10n, new Set([1, 'a', [2]])]]);
  const back = roundTrip(m);
  assert.deepStrictEqual(back, m);
  assert.deepEqual([...back.keys()].slice(0, 2), ['s', 1]);
  const s = new Set(['b', 'a', 3, { x: [] }]);
  assert.deepStrictEqual(roundTrip(s), s);
  assert.deepEqual([...roundTrip(s)].slice(0, 3), ['b', 'a', 3]);
});

test('round trip: RegExp keeps source and flags but not lastIndex', () => {
  const re = /ab+c/gy;
  re.lastIndex = 3;
  const back = roundTrip(re);
  assert.equal(back.source, 'ab+c');
  assert.equal(back.flags, 'gy');
  assert.equal(back.lastIndex, 0);
});

test('round trip: ArrayBuffer and every typed array', () => {
  const ab = new Uint8Array([1, 2, 3, 250]).buffer;
  assert.deepStrictEqual(roundTrip(ab), ab);
  const arrays = [
    new Int8Array([-128, 0, 127]), new Uint8Array([0, 255]), new Uint8ClampedArray([0, 128, 255]),
    new Int16Array([-32768, 1, 32767]), new Uint16Array([0, 65535]), new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
    new Uint32Array([0, 2 ** 32 - 1]), new Float32Array([1.5, -0, NaN, Infinity]), new Float64Array([Math.PI, -0, NaN]),
    new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]), new BigUint64Array([0n, 2n ** 64n - 1n]),
    new Uint8Array(0), new Float64Array(0),
  ];
  for (const ta of arrays) {
    const back = roundTrip(ta);
    assert.equal(back.constructor, ta.constructor);
    assert.deepStrictEqual(back, ta);
    assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength));
    assert.deepEqual(roundTrip({ nested: [ta] }).nested[0], ta);
  }
});

test('round trip: views with a byteOffset encode only the viewed bytes', () => {
  const big = new ArrayBuffer(64);
  new Uint8Array(big).forEach((_, i, a) => { a[i] = i; });
  const cases = [new Uint8Array(big, 5, 3), new Int32Array(big, 8, 2), new Float64Array(big, 16, 1),
    new DataView(big, 3, 7), new BigUint64Array(big, 24, 2), new Uint16Array(big, 2, 5)];
  for (const v of cases) {
    const bytes = encodeValue({ v });
    assert.ok(bytes.length < 40, `${v.constructor.name} encoded ${bytes.length} bytes`);
    const back = roundTrip(v);
    assert.equal(back.constructor, v.constructor);
    assert.equal(back.byteOffset, 0);
    assert.equal(back.byteLength, v.byteLength);
    assert.equal(back.buffer.byteLength, v.byteLength);
    assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(big, v.byteOffset, v.byteLength));
  }
  const dv = roundTrip(new DataView(big, 3, 7));
  assert.equal(dv.getUint8(0), 3);
  assert.equal(dv.getUint8(6), 9);
});

test('round trip: a Node Buffer decodes as a plain Uint8Array with the same bytes', () => {
  const back = roundTrip(Buffer.from('buffer bytes'));
  assert.equal(back.constructor, Uint8Array);
  assert.deepEqual(back, new TextEncoder().encode('buffer bytes'));
});

test('decoded Uint8Arrays and strings are owned copies, not views into the input', () => {
  const input = encodeValue(new Uint8Array([9, 8, 7]));
  const out = decodeValue(input);
  input[2] = 0;
  assert.deepEqual(out, new Uint8Array([9, 8, 7]));
  const e1 = encodeValue('first');
  const e2 = encodeValue('second');
  assert.equal(decodeValue(e1), 'first', 'the scratch buffer is not shared with results');
  assert.equal(e2.buffer.byteLength, e2.length);
});

test('round trip: nested mixes', () => {
  const value = {
    user: { id: 123456789, name: 'Zoë', tags: ['a', 'b', ''], joined: new Date(1600000000000), score: -12.5 },
    items: [{ sku: 'x', qty: 1n, price: 9.99 }, null, [new Map([['k', new Set([new Uint16Array([1, 2])])]])]],
    meta: Object.assign(Object.create(null), { re: /x/g, buf: new ArrayBuffer(2), nothing: undefined }),
    deep: [[[[[[[[[['bottom']]]]]]]]]],
  };
  assert.deepStrictEqual(roundTrip(value), value);
});

test('MAX_DEPTH nested containers round-trip; one more is refused on encode and decode', () => {
  let ok = 'leaf';
  for (let i = 0; i < MAX_DEPTH; i++) ok = i % 2 ? [ok] : { k: ok };
  let back = roundTrip(ok);
  for (let i = MAX_DEPTH - 1; i >= 0; i--) back = i % 2 ? back[0] : back.k;
  assert.equal(back, 'leaf');
  assertCode(() => encodeValue([ok]), 'UNSUPPORTED_VALUE', `nesting deeper than ${MAX_DEPTH} at $[0]`);
  // Hand-built bytes: MAX_DEPTH+1 arrays of length 1.
  const bytes = new Uint8Array(1 + 2 * (MAX_DEPTH + 1) + 1);
  bytes[0] = CODEC_VERSION;
  for (let i = 0; i <= MAX_DEPTH; i++) { bytes[1 + 2 * i] = 0x09; bytes[2 + 2 * i] = 1; }
  bytes[bytes.length - 1] = 0x00;
  assertCode(() => decodeValue(bytes), 'CORRUPT_DATA', 'nesting deeper');
  // Non-containers at the deepest level are fine.
  let withDate = new Date(1);
  for (let i = 0; i < MAX_DEPTH; i++) withDate = [withDate];
  assert.doesNotThrow(() => roundTrip(withDate));
});

// ------------------------------------------------------------------ encode errors
test('unsupported values fail with UNSUPPORTED_VALUE naming their path', () => {
  class Foo {}
  const cases = [
    [{ user: { tags: ['a', 'b', () => 1] } }, 'cannot encode a function at $.user.tags[2]'],
    [Symbol('s'), 'cannot encode a symbol at $'],
    [{ a: [Symbol.iterator] }, 'cannot encode a symbol at $.a[0]'],
    [{ 'odd key': { [Symbol('hidden')]: 1 } }, 'cannot encode symbol-keyed property Symbol(hidden) at $["odd key"]'],
    [[1, new Foo()], 'cannot encode an instance of Foo at $[1]'],
    [{ p: Promise.resolve() }, 'cannot encode an instance of Promise at $.p'],
    [{ w: new WeakMap() }, 'cannot encode an instance of WeakMap at $.w'],
    [{ e: new Error('x') }, 'cannot encode an instance of Error at $.e'],
    [{ e: new TypeError('x') }, 'cannot encode an instance of TypeError at $.e'],
    [{ s: new String('boxed') }, 'cannot encode an instance of String at $.s'],
    [{ sab: new SharedArrayBuffer(4) }, 'cannot encode an instance of SharedArrayBuffer at $.sab'],
    [{ sub: new (class MyMap extends Map {})() }, 'cannot encode an instance of MyMap at $.sub'],
    [{ arr: new (class MyArray extends Array {})() }, 'cannot encode an instance of MyArray at $.arr'],
    [new Map([['k', { f() {} }]]), 'cannot encode a function at $.get("k").f'],
    [new Map([[{ id: 1 }, () => 1]]), 'cannot encode a function at $.values()[0]'],
    [new Map([[1, 1], [() => 1, 2]]), 'cannot encode a function at $.keys()[1]'],
    [{ s: new Set([1, 2, Symbol()]) }, 'cannot encode a symbol at $.s.values()[2]'],
    [Object.create({ inherited: 1 }), 'cannot encode an object with a custom prototype at $'],
  ];
  for (const [value, message] of cases) {
    assertCode(() => encodeValue(value), 'UNSUPPORTED_VALUE');
    assert.throws(() => encodeValue(value), { message });
    assert.throws(() => encodeCanonical(value), { message });
  }
  // Non-enumerable symbol keys are not data and are ignored.
  const quiet = {};
  Object.defineProperty(quiet, Symbol('meta'), { value: 1, enumerable: false });
  assert.deepEqual(roundTrip(quiet), {});
});

test('cycles are reported with both ends of the loop', () => {
  const root = { a: { b: {} } };
  root.a.b.back = root;
  assert.throws(() => encodeValue(root), { code: 'UNSUPPORTED_VALUE', message: 'cycle at $.a.b.back refers to $' });
  const self = [];
  self.push(self);
  assert.throws(() => encodeValue(self), { message: 'cycle at $[0] refers to $' });
  const inner = { list: [] };
  inner.list.push({ up: inner });
  assert.throws(() => encodeValue({ top: { inner } }), { message: 'cycle at $.top.inner.list[0].up refers to $.top.inner' });
  const m = new Map();
  m.set('me', m);
  assert.throws(() => encodeCanonical({ m }), { message: 'cycle at $.m.get("me") refers to $.m' });
});

test('shared (non-cyclic) references are encoded once per occurrence', () => {
  const shared = { x: 1 };
  const back = roundTrip([shared, shared]);
  assert.deepEqual(back, [{ x: 1 }, { x: 1 }]);
  assert.notEqual(back[0], back[1]);
});

test('an encoder error does not corrupt the next encode', () => {
  assert.throws(() => encodeValue({ a: 'x'.repeat(1000), f: () => 1 }));
  assert.deepEqual(roundTrip({ ok: true }), { ok: true });
});

test('re-entrant encodeValue from a getter works', () => {
  const v = { get inner() { return encodeValue({ nested: 'yes' }); }, after: 'x'.repeat(100) };
  const back = roundTrip(v);
  assert.deepEqual(decodeValue(back.inner), { nested: 'yes' });
  assert.equal(back.after, 'x'.repeat(100));
});

// ------------------------------------------------------------------ canonical
test('encodeCanonical ignores insertion order of objects, Maps and Sets', () => {
  const a = { b: 1, a: { y: [1, 2], x: new Set(['q', 'p', 3]) }, m: new Map([['k2', 2], ['k1', 1], [{ z: 1, y: 2 }, 0]]) };
  const b = { m: new Map([[{ y: 2, z: 1 }, 0], ['k1', 1], ['k2', 2]]), a: { x: new Set([3, 'p', 'q']), y: [1, 2] }, b: 1 };
  assert.deepEqual(encodeCanonical(a), encodeCanonical(b));
  assert.notDeepEqual(encodeValue(a), encodeValue(b));
  assert.deepStrictEqual(decodeValue(encodeCanonical(a)), decodeValue(encodeCanonical(b)));
  // Array order still matters, and different values still differ.
  assert.notDeepEqual(encodeCanonical([1, 2]), encodeCanonical([2, 1]));
  assert.notDeepEqual(encodeCanonical({ a: 1 }), encodeCanonical({ a: 2 }));
  assert.notDeepEqual(encodeCanonical(0), encodeCanonical(-0));
  assert.deepEqual(encodeCanonical(NaN), encodeCanonical(-NaN));
  assert.deepEqual(encodeCanonical('plain'), encodeValue('plain'));
});

test('encodeCanonical round-trips the value (up to Map/Set order)', () => {
  const v = { z: new Set([3, 1, 2]), a: [new Map([['b', 1], ['a', 2]])] };
  const back = decodeValue(encodeCanonical(v));
  assert.deepEqual(Object.keys(back), ['a', 'z']);
  assert.deepEqual([...back.z], [1, 2, 3]);
  assert.deepEqual([...back.a[0].keys()], ['a', 'b']);
});

// ------------------------------------------------------------------ golden vectors
// These bytes are the persisted format: if one changes, the format version must change.
const GOLDEN = [
  ['0120', ''],
  ['01206869', 'hi'],
  ['012068c3a96c6c6ff09f9880', 'héllo😀'],
  ['01080200d87800', '\ud800x'],
  ['01210102ff', new Uint8Array([1, 2, 255])],
  ['0100', undefined],
  ['0101', null],
  ['0102', false],
  ['0103', true],
  ['0180', 0],
  ['01ff', 127],
  ['01048001', 128],
  ['010500', -1],
  ['0104ffffffffffffff0f', Number.MAX_SAFE_INTEGER],
  ['0105feffffffffffff0f', Number.MIN_SAFE_INTEGER],
  ['01060000000000000080', -0],
  ['0106000000000000f87f', NaN],
  ['0106000000000000f83f', 1.5],
  ['0106000000000000f07f', Infinity],
  ['011100', 0n],
  ['011201ff', -255n],
  ['0111020001', 256n],
  ['0109038107016182', [1, 'a', 2]],
  ['010903810a0183', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ['010b02070161810701620900', { a: 1, b: [] }],
  ['010c0107017801', Object.assign(Object.create(null), { x: null })],
  ['010d0107016b03', new Map([['k', true]])],
  ['010e0281a0', new Set([1, 32])],
  ['010f0000000000001440', new Date(5)],
  ['010f000000000000f87f', new Date(NaN)],
  ['011007026162070167', /ab/g],
  ['0113020102', new Uint8Array([1, 2]).buffer],
  ['011406040100fffe', new Int32Array([0xfeff0001])],
  ['011400020304', new DataView(new Uint8Array([9, 3, 4, 9]).buffer, 1, 2)],
];

test('golden byte vectors (format stability)', () => {
  for (const [bytes, value] of GOLDEN) {
    assert.equal(hex(encodeValue(value)), bytes, `encoding of golden vector ${bytes}`);
    assertSame(decodeValue(fromHex(bytes)), value, bytes);
  }
});

test('decoders accept non-minimal varints and wider number forms', () => {
  assert.equal(decodeValue(fromHex('01048100')), 1);
  assert.equal(decodeValue(fromHex('010401')), 1);
  assert.equal(decodeValue(fromHex('01060000000000000040')), 2);
  assert.equal(decodeValue(fromHex('0107810061')), 'a');
});

// ------------------------------------------------------------------ decode errors
test('decoding rejects foreign, corrupt and versioned input with EdgeCacheError', () => {
  assertCode(() => decodeValue(new Uint8Array(0)), 'CORRUPT_DATA', 'empty');
  assertCode(() => decodeValue(fromHex('02')), 'UNSUPPORTED_VERSION', 'version 2');
  assertCode(() => decodeValue(new TextEncoder().encode('{"a":1}')), 'UNSUPPORTED_VERSION');
  assertCode(() => decodeValue(fromHex('01')), 'CORRUPT_DATA', 'missing value');
  assertCode(() => decodeValue(fromHex('018000')), 'CORRUPT_DATA', 'trailing');
  assertCode(() => decodeValue(fromHex('0115')), 'CORRUPT_DATA', 'unknown tag 0x15');
  assertCode(() => decodeValue(fromHex('010920')), 'CORRUPT_DATA');
  assertCode(() => decodeValue(fromHex('0120ff')), 'CORRUPT_DATA', 'invalid UTF-8');
  assertCode(() => decodeValue(fromHex('010701c0')), 'CORRUPT_DATA', 'invalid UTF-8');
  assertCode(() => decodeValue(fromHex('0120eda080')), 'CORRUPT_DATA', 'invalid UTF-8'); // encoded surrogate
  assertCode(() => decodeValue(fromHex('010a01')), 'CORRUPT_DATA', 'unknown tag 0x0a');
  assertCode(() => decodeValue(fromHex('0109020a03')), 'CORRUPT_DATA', 'hole run');
  assertCode(() => decodeValue(fromHex('0109020a00')), 'CORRUPT_DATA', 'hole run');
  assertCode(() => decodeValue(fromHex('010b018181')), 'CORRUPT_DATA', 'object key must be a string');
  assertCode(() => decodeValue(fromHex('0104ffffffffffffffff01')), 'CORRUPT_DATA', 'longer than 8');
  assertCode(() => decodeValue(fromHex('0104ffffffffffffff7f')), 'CORRUPT_DATA', 'above 2^53-1');
  assertCode(() => decodeValue(fromHex('0105ffffffffffffff0f')), 'CORRUPT_DATA', 'out of range');
  assertCode(() => decodeValue(fromHex('0109ffffffff7f')), 'CORRUPT_DATA', 'too large');
  assertCode(() => decodeValue(fromHex('010bffffffff0f')), 'CORRUPT_DATA', 'exceeds the remaining');
  assertCode(() => decodeValue(fromHex('01140403010203')), 'CORRUPT_DATA', 'not a multiple of 2');
  assertCode(() => decodeValue(fromHex('01140c0100')), 'CORRUPT_DATA', 'unknown typed array kind');
  assertCode(() => decodeValue(fromHex('01100701280700')), 'CORRUPT_DATA', 'invalid RegExp');
  assertCode(() => decodeValue(fromHex('011007017807017a')), 'CORRUPT_DATA', 'invalid RegExp');
  assertCode(() => decodeValue('not bytes'), 'CORRUPT_DATA', 'expects a Uint8Array');
  assertCode(() => decodeValue(null), 'CORRUPT_DATA');
});

test('decodeValue accepts any view or ArrayBuffer holding an encoding', () => {
  const enc = encodeValue({ a: [1, 2] });
  const padded = new Uint8Array(enc.length + 7);
  padded.set(enc, 3);
  assert.deepEqual(decodeValue(padded.subarray(3, 3 + enc.length)), { a: [1, 2] });
  assert.deepEqual(decodeValue(new DataView(padded.buffer, 3, enc.length)), { a: [1, 2] });
  assert.deepEqual(decodeValue(enc.slice().buffer), { a: [1, 2] });
});

const TRUNCATION_SAMPLES = [
  'x', 'héllo', '\ud800', 300, -300, 1.5, 2n ** 70n, [1, , 'two'], { a: { b: [true, null, undefined] } }, // eslint-disable-line no-sparse-arrays
  new Map([['k', new Set([1])]]), new Date(3), /re/g, new Uint16Array([1, 2, 3]), new ArrayBuffer(5),
  { long: 'y'.repeat(200), bytes: new Uint8Array([1, 2, 3]), n: Object.create(null) },
];

test('every truncation of a valid encoding is rejected cleanly', () => {
  for (const v of TRUNCATION_SAMPLES) {
    const full = encodeValue(v);
    for (let n = 0; n < full.length; n++) {
      const cut = full.slice(0, n);
      if (n >= 2 && (full[1] === 0x20 || full[1] === 0x21)) {
        // Top-level string/bytes: every prefix that ends on a character boundary is itself a valid value.
        let out;
        try { out = decodeValue(cut); } catch (e) { assert.equal(e.code, 'CORRUPT_DATA'); continue; }
        assert.equal(typeof out === 'string' ? out.length <= v.length : out.length === n - 2, true);
        continue;
      }
      assert.throws(() => decodeValue(cut), (e) => e instanceof EdgeCacheError && e.code === 'CORRUPT_DATA',
        `prefix ${n}/${full.length} of ${hex(full)}`);
    }
  }
});

test('random bytes never throw anything but EdgeCacheError', () => {
  let seed = 12345;
  const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed >>> 16; };
  const valid = TRUNCATION_SAMPLES.map((v) => encodeValue(v));
  let decoded = 0;
  for (let i = 0; i < 20000; i++) {
    let bytes;
    if (i % 2 === 0) {
      bytes = new Uint8Array(next() % 40);
      for (let j = 0; j < bytes.length; j++) bytes[j] = next() & 255;
      if (bytes.length > 0 && i % 4 === 0) bytes[0] = CODEC_VERSION;
    } else {
      // Mutations of valid encodings reach far deeper into the decoder.
      bytes = valid[next() % valid.length].slice();
      for (let flips = 1 + (next() % 3); flips > 0; flips--) bytes[1 + (next() % (bytes.length - 1))] = next() & 255;
    }
    try {
      decodeValue(bytes);
      decoded++;
    } catch (e) {
      if (!(e instanceof EdgeCacheError) || !['CORRUPT_DATA', 'UNSUPPORTED_VERSION'].includes(e.code)) {
        assert.fail(`${hex(bytes)} threw ${e?.name}: ${e?.message}`);
      }
    }
  }
  assert.ok(decoded > 0, 'some mutations are still valid encodings');
});
