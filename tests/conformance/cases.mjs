// The one JS conformance suite, run unchanged in Node, Deno and workerd.
// Each case is { name, run: async (lib, t) => ... } where `lib` is the
// imported package ('edgecache') and `t` the helper from assert.mjs.

import { decoratorCases } from './decorator-cases.mjs';
import { getOrSetCases } from './get-or-set-cases.mjs';
import { limitCases } from './limits.mjs';
import { fastLaneCases } from './fast-lane-cases.mjs';
import { usabilityCases } from './usability-cases.mjs';
import { heldCases } from './held-cases.mjs';

/** A clock the test moves by hand, through the `now` option. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

/** Everything observable about a namespace: for "the cache is unchanged" checks. */
async function snapshot(cache) {
  const keys = (await cache.keys('*')).sort();
  const values = await cache.getMany(keys);
  const { entries, bytes } = await cache.stats();
  return { keys, values, entries, bytes };
}

async function unchangedAfter(t, cache, attempts) {
  const before = await snapshot(cache);
  for (const [label, attempt, code] of attempts) {
    await t.rejects(attempt, code, label);
  }
  t.deepEqual(await snapshot(cache), before, 'cache unchanged after bad input');
}

class Point {
  constructor(x) {
    this.x = x;
  }
}

const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
const nullProto = Object.assign(Object.create(null), { a: 1 });

/** Values of every supported kind, and nestings of them. */
const VALUES = [
  ['empty string', ''],
  ['string', 'héllo wörld ✓ 🎉'],
  ['lone surrogate', 'a\uD800b'],
  ['long string', 'x'.repeat(5000)],
  ['integer', 42],
  ['negative integer', -7],
  ['zero', 0],
  ['negative zero', -0],
  ['fraction', 3.25],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ['beyond safe', 2 ** 60],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['BigInt', 123456789012345678901234567890n],
  ['negative BigInt', -5n],
  ['Date', new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7))],
  ['invalid Date', new Date(NaN)],
  ['RegExp', /a+b[c-d]?/giu],
  ['Map', new Map([['a', 1], [2, 'b'], [{ k: 1 }, [1]]])],
  ['Set', new Set([1, 'two', 3n])],
  ['array', [1, 'a', null, undefined, [2, [3]]]],
  ['sparse array', sparse],
  ['plain object', { a: 1, b: { c: [1, 2], d: 'x' }, __proto__x: 2 }],
  ['null-prototype object', nullProto],
  ['ArrayBuffer', new Uint8Array([1, 2, 3, 255]).buffer],
  ['Uint8Array', new Uint8Array([0, 1, 2, 250])],
  ['Int8Array', new Int8Array([-128, 0, 127])],
  ['Uint8ClampedArray', new Uint8ClampedArray([0, 255])],
  ['Int16Array', new Int16Array([-32768, 1, 32767])],
  ['Uint16Array', new Uint16Array([65535, 2])],
  ['Int32Array', new Int32Array([-(2 ** 31), 5])],
  ['Uint32Array', new Uint32Array([2 ** 32 - 1, 7])],
  ['Float32Array', new Float32Array([1.5, -0, NaN])],
  ['Float64Array', new Float64Array([Math.PI, -Infinity])],
  ['BigInt64Array', new BigInt64Array([-(2n ** 63n), 1n])],
  ['BigUint64Array', new BigUint64Array([2n ** 64n - 1n])],
  ['DataView', new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2)],
  ['nested everything', {
    m: new Map([['s', new Set([new Date(0), /x/])]]),
    arr: [new Float64Array([1]), 1n, -0, NaN, { deep: [[[['bottom']]]] }],
    buf: new Uint16Array([1, 2, 3]).subarray(1),
  }],
];

export const cases = [
  {
    name: 'set, get, has, delete',
    async run(lib, t) {
      const cache = lib.createCache();
      t.equal(await cache.get('a'), undefined, 'miss');
      t.equal(await cache.has('a'), false);
      t.equal(await cache.set('a', 'one'), undefined, 'set resolves to undefined');
      t.equal(await cache.get('a'), 'one');
      t.equal(await cache.has('a'), true);
      await cache.set('a', { v: 2 });
      t.deepEqual(await cache.get('a'), { v: 2 }, 'overwrite');
      t.equal(await cache.delete('a'), true);
      t.equal(await cache.delete('a'), false, 'second delete');
      t.equal(await cache.has('a'), false);
    },
  },
  {
    name: 'values of every supported kind round-trip',
    async run(lib, t) {
      const cache = lib.createCache();
      for (const [label, value] of VALUES) {
        await cache.set(label, value);
      }
      for (const [label, value] of VALUES) {
        t.deepEqual(await cache.get(label), value, label);
        t.equal(await cache.has(label), true, label);
      }
      const all = await cache.getMany(VALUES.map(([label]) => label));
      VALUES.forEach(([label, value], i) => t.deepEqual(all[i], value, `getMany ${label}`));
    },
  },
  {
    name: 'returned values are fresh copies',
    async run(lib, t) {
      const cache = lib.createCache();
      const input = { list: [1, 2] };
      await cache.set('k', input);
      input.list.push(3);
      const first = await cache.get('k');
      first.list.push(99);
      t.deepEqual(await cache.get('k'), { list: [1, 2] });
      const bytes = new Uint8Array([1, 2, 3]);
      await cache.set('b', bytes);
      bytes[0] = 42;
      t.deepEqual(await cache.get('b'), new Uint8Array([1, 2, 3]));
    },
  },
  {
    name: 'peek does not count a hit or promote',
    async run(lib, t) {
      const cache = lib.createCache({ maxEntries: 2, policy: 'lru' });
      await cache.set('a', 1);
      await cache.set('b', 2);
      t.equal(await cache.peek('a'), 1);
      t.equal(await cache.peek('zz'), undefined);
      const s = await cache.stats();
      t.equal(s.hits, 0, 'hits');
      t.equal(s.misses, 0, 'misses');
      await cache.set('c', 3); // evicts the least recently used: 'a' (peek did not promote it)
      t.equal(await cache.has('a'), false, 'a evicted');
      t.equal(await cache.has('b'), true);
    },
  },
  {
    name: 'add and replace',
    async run(lib, t) {
      const cache = lib.createCache();
      t.equal(await cache.replace('k', 1), false, 'replace of missing');
      t.equal(await cache.has('k'), false);
      t.equal(await cache.add('k', 'first'), true);
      t.equal(await cache.add('k', 'second'), false, 'add of present');
      t.equal(await cache.get('k'), 'first');
      t.equal(await cache.replace('k', 'third'), true);
      t.equal(await cache.get('k'), 'third');
    },
  },
  {
    name: 'TTL expiry follows the now option',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      await cache.set('ms', 1, { ttl: 1000 });
      await cache.set('str', 2, { ttl: '5m' });
      await cache.set('forever', 3);
      t.equal(await cache.ttl('ms'), 1000);
      t.equal(await cache.ttl('str'), 300_000);
      t.equal(await cache.ttl('forever'), Infinity);
      t.equal(await cache.ttl('missing'), undefined);
      clock.advance(999);
      t.equal(await cache.get('ms'), 1, 'alive at 999 ms');
      t.equal(await cache.ttl('ms'), 1);
      clock.advance(1);
      t.equal(await cache.get('ms'), undefined, 'expired at 1000 ms');
      t.equal(await cache.has('ms'), false);
      clock.advance(300_000);
      t.equal(await cache.has('str'), false, '5m elapsed');
      t.equal(await cache.get('forever'), 3);
    },
  },
  {
    name: 'defaultTtl, null TTL and idle expiry',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now, defaultTtl: '1s', defaultIdle: undefined });
      await cache.set('default', 1);
      await cache.set('never', 2, { ttl: null });
      await cache.set('idle', 3, { ttl: null, idle: 100 });
      t.equal(await cache.ttl('default'), 1000);
      t.equal(await cache.ttl('never'), Infinity);
      clock.advance(60);
      t.equal(await cache.get('idle'), 3, 'read restarts the idle clock');
      clock.advance(60);
      t.equal(await cache.get('idle'), 3);
      clock.advance(100);
      t.equal(await cache.has('idle'), false, 'idle expired');
      clock.advance(1000);
      t.equal(await cache.has('default'), false);
      t.equal(await cache.get('never'), 2);
    },
  },
  {
    name: 'expire, persist, touch',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      await cache.set('k', 'v');
      t.equal(await cache.expire('k', 500), true);
      t.equal(await cache.ttl('k'), 500);
      t.equal(await cache.expire('k', '2s'), true);
      t.equal(await cache.ttl('k'), 2000);
      t.equal(await cache.expire('missing', 500), false);
      t.equal(await cache.persist('k'), true);
      t.equal(await cache.ttl('k'), Infinity);
      t.equal(await cache.persist('missing'), false);
      await cache.set('i', 1, { idle: 100 });
      clock.advance(90);
      t.equal(await cache.touch('i'), true);
      clock.advance(90);
      t.equal(await cache.has('i'), true, 'touch restarted the idle clock');
      t.equal(await cache.touch('missing'), false);
      await t.rejects(cache.expire('k', 0), 'INVALID_TTL', 'expire 0');
      await t.rejects(cache.expire('k', undefined), 'INVALID_TTL', 'expire without a TTL');
    },
  },
  {
    name: 'counters: incr, decr and set of an integer',
    async run(lib, t) {
      const cache = lib.createCache();
      t.equal(await cache.incr('c'), 1, 'missing counts as 0');
      t.equal(await cache.incr('c', 10), 11);
      t.equal(await cache.decr('c'), 10);
      t.equal(await cache.decr('c', 15), -5);
      t.equal(await cache.get('c'), -5, 'a counter reads back as a number');
      await cache.set('n', 5);
      t.equal(await cache.incr('n'), 6, 'set(k, 5) then incr');
      t.equal(await cache.get('n'), 6);
      t.equal(await cache.incr('n', 2n), 8, 'BigInt delta');
      await cache.set('big', Number.MAX_SAFE_INTEGER);
      t.equal(await cache.incr('big', 10), 9007199254741001n, 'beyond safe: BigInt');
      t.equal(await cache.get('big'), 9007199254741001n);
      await cache.set('s', 'text');
      await t.rejects(cache.incr('s'), 'NOT_AN_INTEGER', 'incr of a string');
      await cache.set('f', 1.5);
      await t.rejects(cache.incr('f'), 'NOT_AN_INTEGER', 'incr of a fraction');
      await t.rejects(cache.incr('n', 1.5), 'NOT_AN_INTEGER', 'fractional delta');
      await t.rejects(cache.incr('n', '1'), 'NOT_AN_INTEGER', 'string delta');
      await cache.set('max', 9223372036854775807n - 1n);
      await t.rejects(cache.incr('max', 9223372036854775807n), 'OVERFLOW', 'a BigInt value is a counter (issue 16)');
      t.equal(await cache.get('max'), 9223372036854775807n - 1n, 'a BigInt reads back as a BigInt');
      await cache.incr('edge', 9223372036854775807n);
      await t.rejects(cache.incr('edge'), 'OVERFLOW', 'i64 overflow');
      t.equal(await cache.get('edge'), 9223372036854775807n, 'unchanged after overflow');
      t.equal(await cache.get('s'), 'text', 'unchanged after NOT_AN_INTEGER');
      t.deepEqual(await cache.get('f'), 1.5);
      t.deepEqual(await cache.get('n'), 8);
    },
  },
  {
    name: 'counters keep their TTL',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      await cache.set('c', 1, { ttl: 1000 });
      clock.advance(400);
      t.equal(await cache.incr('c'), 2);
      t.equal(await cache.ttl('c'), 600);
    },
  },
  {
    name: 'getMany, setMany, deleteMany, hasMany',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.setMany([['a', 1], ['b', 'two']]);
      await cache.setMany(new Map([['c', [3]], ['d', new Date(4)]]));
      await cache.setMany({ e: { five: 5 } }, { tags: ['obj'] });
      t.deepEqual(await cache.getMany(['a', 'b', 'c', 'd', 'e', 'zz']), [1, 'two', [3], new Date(4), { five: 5 }, undefined]);
      t.deepEqual(await cache.getMany([]), []);
      t.deepEqual(await cache.hasMany(['a', 'zz', 'e']), [true, false, true]);
      t.equal(await cache.deleteMany(['a', 'b', 'zz']), 2);
      t.deepEqual(await cache.hasMany(['a', 'b', 'c']), [false, false, true]);
      t.equal(await cache.invalidateTags('obj'), 1, 'setMany applied the tags');
      await cache.setMany([]);
      await unchangedAfter(t, cache, [
        ['setMany with one bad key', () => cache.setMany([['ok', 1], ['', 2]]), 'INVALID_KEY'],
        ['setMany with one bad value', () => cache.setMany([['ok', 1], ['bad', () => 1]]), 'UNSUPPORTED_VALUE'],
        ['setMany with a bad TTL', () => cache.setMany([['ok', 1]], { ttl: -1 }), 'INVALID_TTL'],
        ['setMany of a non-pair', () => cache.setMany([['ok']]), 'INVALID_OPTION'],
        ['getMany of a non-string', () => cache.getMany(['c', 1]), 'INVALID_KEY'],
        ['deleteMany with an empty key', () => cache.deleteMany(['c', '']), 'INVALID_KEY'],
        ['hasMany of a string', () => cache.hasMany(5), 'INVALID_KEY'],
      ]);
      t.equal(await cache.has('ok'), false);
    },
  },
  {
    name: 'keys, countMatching, deleteMatching',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.setMany([['user:1', 1], ['user:2', 2], ['user:10', 10], ['post:1', 'p'], ['u?er', 0]]);
      t.deepEqual((await cache.keys('user:*')).sort(), ['user:1', 'user:10', 'user:2']);
      t.deepEqual((await cache.keys()).length, 5, 'default pattern is *');
      t.deepEqual((await cache.keys('user:?')).sort(), ['user:1', 'user:2'], 'single char');
      t.deepEqual(await cache.keys('u\\?er'), ['u?er'], 'escaped ?');
      t.deepEqual((await cache.keys('[pu]*:1')).sort(), ['post:1', 'user:1'], 'class');
      t.equal(await cache.countMatching('user:*'), 3);
      t.equal(await cache.countMatching('nothing*'), 0);
      t.equal(await cache.deleteMatching('user:1*'), 2);
      t.deepEqual((await cache.keys()).sort(), ['post:1', 'u?er', 'user:2']);
      await unchangedAfter(t, cache, [
        ['unclosed class', () => cache.deleteMatching('user:[12'), 'INVALID_PATTERN'],
        ['non-string pattern', () => cache.deleteMatching(5), 'INVALID_PATTERN'],
        ['missing pattern', () => cache.deleteMatching(), 'INVALID_PATTERN'],
      ]);
    },
  },
  {
    name: 'namespaces are isolated views of one cache',
    async run(lib, t) {
      const root = lib.createCache();
      const users = root.namespace('users');
      const posts = root.namespace('posts');
      t.equal(users.namespaceName, 'users');
      await root.set('k', 'root');
      await users.set('k', 'user');
      await posts.set('k', 'post');
      await posts.set('other', 1);
      t.equal(await root.get('k'), 'root');
      t.equal(await users.get('k'), 'user');
      t.equal(await root.namespace('users').get('k'), 'user', 'a second view sees the same data');
      t.deepEqual((await posts.keys()).sort(), ['k', 'other']);
      t.equal(await users.countMatching('*'), 1);
      t.equal(await posts.clear(), 2, 'clear removes only this namespace');
      t.equal(await users.get('k'), 'user');
      t.equal(await root.get('k'), 'root');
      t.equal((await root.stats()).entries, 2, 'stats cover all namespaces');
      const scoped = lib.createCache({ namespace: 'tenant-a' });
      t.equal(scoped.namespaceName, 'tenant-a');
      await scoped.set('x', 1);
      t.equal(await scoped.namespace('').get('x'), undefined);
      t.equal(await root.clearAll(), 2, 'clearAll');
      t.equal(await users.has('k'), false);
      await t.rejects(root.namespace(42).get('k'), 'INVALID_OPTION', 'non-string namespace name');
      await t.rejects(root.namespace('x'.repeat(300)).get('k'), undefined, 'too long namespace name');
    },
  },
  {
    name: 'tags invalidate entries of their namespace',
    async run(lib, t) {
      const cache = lib.createCache();
      const other = cache.namespace('other');
      await cache.set('a', 1, { tags: ['red', 'round'] });
      await cache.set('b', 2, { tags: ['red'] });
      await cache.set('c', 3, { tags: ['blue'] });
      await cache.set('d', 4);
      await other.set('a', 1, { tags: ['red'] });
      t.equal(await cache.invalidateTags(['red']), 2);
      t.deepEqual((await cache.keys()).sort(), ['c', 'd']);
      t.equal(await other.has('a'), true, 'other namespace untouched');
      t.equal(await cache.invalidateTags(['blue', 'round', 'none']), 1);
      t.equal(await cache.invalidateTags('none'), 0);
      t.equal(await cache.invalidateTags([]), 0);
      await unchangedAfter(t, cache, [
        ['tags not strings', () => cache.set('x', 1, { tags: [1] }), 'INVALID_OPTION'],
        ['tags not an array', () => cache.set('x', 1, { tags: 5 }), 'INVALID_OPTION'],
        ['invalidate with a number', () => cache.invalidateTags(5), 'INVALID_OPTION'],
      ]);
      const few = lib.createCache({ maxTagsPerEntry: 2 });
      await t.rejects(few.set('x', 1, { tags: ['a', 'b', 'c'] }), undefined, 'too many tags');
      t.equal(await few.has('x'), false);
    },
  },
  {
    name: 'entry and byte bounds evict, oversized values are refused',
    async run(lib, t) {
      const removed = [];
      const cache = lib.createCache({ maxEntries: 3, policy: 'fifo' });
      await cache.onRemoval((e) => removed.push(e));
      for (const k of ['a', 'b', 'c', 'd', 'e']) await cache.set(k, k);
      t.equal((await cache.stats()).entries, 3);
      t.deepEqual((await cache.keys()).sort(), ['c', 'd', 'e'], 'fifo evicts oldest');
      t.deepEqual(removed, [{ key: 'a', namespace: '', cause: 'capacity' }, { key: 'b', namespace: '', cause: 'capacity' }]);
      t.equal((await cache.stats()).evictionsCapacity, 2);

      const small = lib.createCache({ maxBytes: 4096, compressionThreshold: 1 << 20 });
      for (let i = 0; i < 50; i++) await small.set(`k${i}`, 'x'.repeat(200));
      const s = await small.stats();
      t.ok(s.bytes <= 4096, `bytes ${s.bytes} within budget`);
      t.ok(s.entries > 0 && s.entries < 50, `entries ${s.entries} bounded by bytes`);
      t.equal(await small.get('k49'), 'x'.repeat(200), 'newest kept');

      const limited = lib.createCache({ maxValueBytes: 100, maxKeyBytes: 8 });
      await limited.set('ok', 'small');
      await unchangedAfter(t, limited, [
        ['value too large', () => limited.set('big', new Uint8Array(200)), 'VALUE_TOO_LARGE'],
        ['replace with too large', () => limited.replace('ok', 'y'.repeat(500)), 'VALUE_TOO_LARGE'],
        ['key too long', () => limited.set('123456789', 1), 'INVALID_KEY'],
      ]);
      t.equal(await limited.get('ok'), 'small');
    },
  },
  {
    name: 'every eviction policy works',
    async run(lib, t) {
      for (const policy of ['lru', 'lfu', 'fifo', 's3-fifo']) {
        const cache = lib.createCache({ maxEntries: 10, policy });
        for (let i = 0; i < 100; i++) {
          await cache.set(`k${i}`, i);
          await cache.get('k0');
        }
        const s = await cache.stats();
        t.equal(s.entries, 10, `${policy} bounded`);
        t.equal(s.evictionsCapacity, 90, `${policy} evictions`);
      }
    },
  },
  {
    name: 'stats count hits, misses, sets and deletes',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('a', 1);
      await cache.get('a');
      await cache.get('a');
      await cache.get('b');
      await cache.delete('a');
      const s = await cache.stats();
      t.equal(s.hits, 2);
      t.equal(s.misses, 1);
      t.equal(s.sets, 1);
      t.equal(s.deletes, 1);
      t.equal(s.entries, 0);
      t.equal(s.bytes, 0);
      t.equal(s.hitRatio, 2 / 3);
    },
  },
  {
    name: 'onRemoval reports causes per namespace and unsubscribes',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      const other = cache.namespace('n2');
      const seen = [];
      const seenOther = [];
      const off = await cache.onRemoval((e) => seen.push(`${e.cause}:${e.key}`));
      await other.onRemoval((e) => seenOther.push(`${e.namespace}:${e.cause}:${e.key}`));
      await cache.set('x', 1, { ttl: 10 });
      await cache.set('y', 2);
      await other.set('z', 3);
      await cache.delete('y');
      clock.advance(10);
      t.equal(await cache.get('x'), undefined);
      await other.clear();
      t.deepEqual(seen, ['explicit:y', 'expired:x']);
      t.deepEqual(seenOther, ['n2:explicit:z']);
      off();
      await cache.set('w', 1);
      await cache.delete('w');
      t.equal(seen.length, 2, 'no events after unsubscribe');
      await cache.onRemoval(() => { throw new Error('listener bug'); });
      await cache.set('v', 1);
      t.equal(await cache.delete('v'), true, 'a throwing listener does not fail the call');
      await t.rejects(cache.onRemoval('nope'), 'INVALID_OPTION');
      const reentrant = lib.createCache();
      let inner;
      await reentrant.onRemoval(() => { inner = reentrant.get('still-works'); });
      await reentrant.set('r', 1);
      await reentrant.delete('r');
      t.equal(await inner, undefined, 'a listener may call the cache');
    },
  },
  {
    name: 'purgeExpired reclaims expired entries',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      for (let i = 0; i < 20; i++) await cache.set(`k${i}`, i, { ttl: 100 });
      await cache.set('keep', 1);
      clock.advance(100);
      t.equal(await cache.purgeExpired(), 20);
      t.equal((await cache.stats()).entries, 1);
    },
  },
  {
    name: 'invalid keys are refused and change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('present', 'v');
      const bad = [['empty', ''], ['number', 42], ['undefined', undefined], ['null', null], ['object', {}],
        ['control char', 'a\nb'], ['NUL', 'a\u0000b'], ['DEL', 'a\u007f'], ['too long', 'k'.repeat(1025)]];
      const attempts = [];
      for (const [label, key] of bad) {
        attempts.push([`set ${label}`, () => cache.set(key, 1), 'INVALID_KEY']);
        attempts.push([`get ${label}`, () => cache.get(key), 'INVALID_KEY']);
        attempts.push([`add ${label}`, () => cache.add(key, 1), 'INVALID_KEY']);
        attempts.push([`delete ${label}`, () => cache.delete(key), 'INVALID_KEY']);
        attempts.push([`incr ${label}`, () => cache.incr(key), 'INVALID_KEY']);
        attempts.push([`expire ${label}`, () => cache.expire(key, 10), 'INVALID_KEY']);
      }
      await unchangedAfter(t, cache, attempts);
      await cache.set('k'.repeat(1024), 'longest allowed');
      t.equal(await cache.get('k'.repeat(1024)), 'longest allowed');
      await cache.set('ünïcödé ✓', 1);
      t.equal(await cache.get('ünïcödé ✓'), 1);
    },
  },
  {
    name: 'invalid TTLs are refused and change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('present', 'v', { ttl: 1000 });
      const bad = [['NaN', NaN], ['negative', -1], ['Infinity', Infinity], ['-Infinity', -Infinity], ['zero', 0],
        ['empty string', ''], ['garbage', 'soon'], ['negative string', '-5m'], ['object', {}], ['boolean', true],
        ['too long', 20 * 365 * 24 * 3600 * 1000]];
      const attempts = [];
      for (const [label, ttl] of bad) {
        attempts.push([`set ttl ${label}`, () => cache.set('absent', 'changed', { ttl }), 'INVALID_TTL']);
        attempts.push([`set idle ${label}`, () => cache.set('new', 1, { idle: ttl }), 'INVALID_TTL']);
        attempts.push([`expire ${label}`, () => cache.expire('present', ttl), 'INVALID_TTL']);
      }
      await unchangedAfter(t, cache, attempts);
      t.throws(() => lib.createCache({ defaultTtl: 0 }), 'INVALID_OPTION', 'defaultTtl 0');
      t.throws(() => lib.createCache({ defaultTtl: 'nope' }), 'INVALID_OPTION', 'defaultTtl garbage');
      const clock = manualClock();
      const timed = lib.createCache({ now: clock.now });
      await timed.set('frac', 1, { ttl: 0.5 });
      t.equal(await timed.ttl('frac'), 1, 'fractional ms round up');
    },
  },
  {
    name: 'unsupported values are refused with a path and change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('present', 'v');
      const cyclic = { a: {} };
      cyclic.a.back = cyclic;
      await unchangedAfter(t, cache, [
        ['function', () => cache.set('absent', () => 1), 'UNSUPPORTED_VALUE'],
        ['symbol', () => cache.set('absent', Symbol('s')), 'UNSUPPORTED_VALUE'],
        ['class instance', () => cache.set('absent', new Point(1)), 'UNSUPPORTED_VALUE'],
        ['cycle', () => cache.set('absent', cyclic), 'UNSUPPORTED_VALUE'],
        ['nested function', () => cache.add('new', { a: [1, { f() {} }] }), 'UNSUPPORTED_VALUE'],
        ['WeakMap', () => cache.set('absent', new WeakMap()), 'UNSUPPORTED_VALUE'],
      ]);
      const err = await t.rejects(cache.set('x', { user: { tags: [1, 2, () => 3] } }), 'UNSUPPORTED_VALUE');
      t.ok(err.message.includes('tags[2]'), `path in message: ${err.message}`);
    },
  },
  {
    name: 'unknown and mistyped options are refused',
    async run(lib, t) {
      t.throws(() => lib.createCache({ maxEntires: 10 }), 'INVALID_OPTION', 'typo');
      t.throws(() => lib.createCache({ maxEntries: '10' }), 'INVALID_OPTION', 'string number');
      t.throws(() => lib.createCache({ maxEntries: 0 }), 'INVALID_OPTION', 'zero entries');
      t.throws(() => lib.createCache({ maxEntries: -1 }), 'INVALID_OPTION', 'negative');
      t.throws(() => lib.createCache({ maxEntries: 1.5 }), 'INVALID_OPTION', 'fraction');
      t.throws(() => lib.createCache({ maxBytes: NaN }), 'INVALID_OPTION', 'NaN');
      t.throws(() => lib.createCache({ policy: 'random' }), 'INVALID_OPTION', 'policy');
      t.throws(() => lib.createCache({ now: 5 }), 'INVALID_OPTION', 'now not a function');
      t.throws(() => lib.createCache({ namespace: 5 }), 'INVALID_OPTION', 'namespace');
      t.throws(() => lib.createCache('big'), 'INVALID_OPTION', 'options not an object');
      t.throws(() => lib.createCache({ now: () => 'later' }), 'INVALID_OPTION', 'now returns a string');
      const err = t.throws(() => lib.createCache({ maxEntires: 10 }), 'INVALID_OPTION');
      t.ok(err instanceof lib.EdgeCacheError, 'an EdgeCacheError instance');
      t.ok(err.message.includes('maxEntires'), 'names the bad option');
      const cache = lib.createCache({ maxEntries: undefined, defaultTtl: null });
      await cache.set('a', 1);
      await t.rejects(cache.set('a', 2, { ttl: 5, tll: 5 }), 'INVALID_OPTION', 'write option typo');
      await t.rejects(cache.set('a', 2, 'ttl'), 'INVALID_OPTION', 'write options not an object');
      t.equal(await cache.get('a'), 1);
    },
  },
  {
    name: 'errors are EdgeCacheError rejections, never synchronous throws',
    async run(lib, t) {
      const cache = lib.createCache();
      const methods = ['get', 'peek', 'has', 'set', 'add', 'replace', 'delete', 'ttl', 'expire', 'persist',
        'touch', 'incr', 'decr', 'getMany', 'setMany', 'deleteMany', 'hasMany', 'keys', 'countMatching',
        'deleteMatching', 'invalidateTags', 'onRemoval'];
      for (const m of methods) {
        const err = await t.rejects(() => cache[m](Symbol('bad'), Symbol('bad')), undefined, m);
        t.ok(err instanceof lib.EdgeCacheError, `${m}: instance of EdgeCacheError`);
        t.equal(typeof err.code, 'string', `${m}: has a code`);
        t.ok(lib.isEdgeCacheError(err, err.code), `${m}: isEdgeCacheError`);
      }
      t.equal(lib.ErrorCode.INVALID_KEY, 'INVALID_KEY');
    },
  },
  {
    name: 'the now option surfaces a throwing clock as the cause',
    async run(lib, t) {
      let fail = false;
      const boom = new Error('clock broke');
      const cache = lib.createCache({ now: () => { if (fail) throw boom; return 1000; } });
      await cache.set('a', 1);
      fail = true;
      const err = await t.rejects(cache.get('a'), 'INVALID_OPTION');
      t.equal(err.cause, boom, 'cause kept');
      fail = false;
      t.equal(await cache.get('a'), 1);
    },
  },
  {
    name: '100 overlapping calls with Promise.all',
    async run(lib, t) {
      const cache = lib.createCache();
      const writes = [];
      for (let i = 0; i < 100; i++) writes.push(cache.set(`k${i}`, { i, s: String(i) }));
      await Promise.all(writes);
      const mixed = [];
      for (let i = 0; i < 100; i++) {
        mixed.push(i % 3 === 0 ? cache.get(`k${i}`) : i % 3 === 1 ? cache.incr('counter') : cache.has(`k${i}`));
      }
      const results = await Promise.all(mixed);
      for (let i = 0; i < 100; i += 3) t.deepEqual(results[i], { i, s: String(i) }, `get ${i}`);
      t.equal(await cache.get('counter'), 33);
      const incrs = (results.filter((_, i) => i % 3 === 1)).sort((a, b) => a - b);
      t.deepEqual(incrs, Array.from({ length: 33 }, (_, i) => i + 1), 'every incr saw a distinct value');
      const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? cache.set('', i) : cache.delete(`k${i}`))));
      t.equal(settled.filter((s) => s.status === 'rejected').length, 50);
      t.equal((await cache.stats()).entries, 51);
    },
  },
  {
    name: 'one clock rule: a `now` that is not epoch ms fails in both builds (no silent epoch 0 over a backend)',
    async run(lib, t) {
      const map = new Map();
      const backend = {
        caps: {},
        async get(key) { return map.get(key); },
        async set(key, value) { map.set(key, value.slice()); },
        async delete(key) { map.delete(key); },
      };
      for (const [label, make] of [['memory', lib.createCache], ['tiered', (o) => lib.tiered.createCache({ ...o, backend, timeoutMs: 0 })]]) {
        t.throws(() => make({ now: () => NaN }), 'INVALID_OPTION', `${label}: NaN at creation`);
        t.throws(() => make({ now: () => -1 }), 'INVALID_OPTION', `${label}: negative at creation`);
        let now = 1_700_000_000_000;
        const cache = make({ now: () => now });
        await cache.set('k', 'v', { ttl: 1000 });
        now = NaN;
        await t.rejects(cache.get('k'), 'INVALID_OPTION', `${label}: NaN later fails the call`);
        now = 1_700_000_000_500;
        t.equal(await cache.get('k'), 'v', `${label}: a good clock again serves`);
        now = 1_700_000_001_000;
        t.equal(await cache.get('k'), undefined, `${label}: expired at +ttl by that clock`);
      }
    },
  },
];

cases.push(...getOrSetCases, ...decoratorCases, ...limitCases, ...fastLaneCases, ...usabilityCases, ...heldCases);
