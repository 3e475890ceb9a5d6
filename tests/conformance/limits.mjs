// One case per row of tests/limits/LIMITS.md, through the public JS API, run
// unchanged in Node, Deno and workerd (same { name, run(lib, t) } format as
// cases.mjs). Each checks: at the limit the call succeeds, one past it the
// stated error code, and the cache is unchanged afterwards (keys, values,
// entries, bytes). Then bad input of every kind, and closed caches.

/** Everything observable about a namespace and its cache. */
async function snapshot(cache) {
  const keys = (await cache.keys('*')).sort();
  const values = await cache.getMany(keys);
  const { entries, bytes, sets } = await cache.stats();
  return { keys, values, entries, bytes, sets };
}

/** Runs each [label, attempt, code]: each must reject with code; the snapshot must not move. */
async function refusedAndUnchanged(t, cache, attempts) {
  const before = await snapshot(cache);
  for (const [label, attempt, code] of attempts) await t.rejects(attempt, code, label);
  t.deepEqual(await snapshot(cache), before, 'cache unchanged after refused calls');
}

/** The largest n in [lo, hi] for which accept(n) resolves true (accept must be monotone). */
async function largestAccepted(lo, hi, accept) {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await accept(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Resolves true if `fn` resolves, false if it rejects with `code` (anything else fails). */
async function accepted(fn, code) {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err?.code !== code) throw err;
    return false;
  }
}

/** Incompressible bytes (a fixed LCG), so sizes are not changed by compression. */
function noise(n, seed = 1) {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const TEN_YEARS_MS = 315_360_000_000;
const I64_MAX = 9223372036854775807n;

/** A Map-backed adapter (the shape edgecache/adapters documents), with its own caps. */
function mapBackend(caps = {}) {
  const map = new Map();
  return {
    name: 'test-map',
    caps,
    map,
    async get(key) { return map.get(key)?.slice(); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
}

function nested(depth) {
  let v = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

export const limitCases = [
  {
    name: 'limits: key length (maxKeyBytes, UTF-8 bytes)',
    async run(lib, t) {
      const cache = lib.createCache({ maxKeyBytes: 16 });
      await cache.set('é'.repeat(8), 'sixteen bytes');
      t.equal(await cache.get('é'.repeat(8)), 'sixteen bytes', 'at the limit');
      await refusedAndUnchanged(t, cache, [
        ['17 bytes', () => cache.set(`${'é'.repeat(8)}a`, 1), 'INVALID_KEY'],
        ['17 bytes, get', () => cache.get('a'.repeat(17)), 'INVALID_KEY'],
        ['17 bytes in a batch', () => cache.setMany([['ok', 1], ['a'.repeat(17), 2]]), 'INVALID_KEY'],
      ]);
      const defaults = lib.createCache();
      await defaults.set('k'.repeat(1024), 1);
      await refusedAndUnchanged(t, defaults, [['1025 bytes', () => defaults.set('k'.repeat(1025), 1), 'INVALID_KEY']]);
    },
  },
  {
    name: 'limits: value size (maxValueBytes)',
    async run(lib, t) {
      const options = { maxValueBytes: 100, compressionThreshold: 1 << 20 };
      const probe = lib.createCache(options);
      const n = await largestAccepted(0, 200, (len) => accepted(() => probe.set('v', new Uint8Array(len)), 'VALUE_TOO_LARGE'));
      t.ok(n >= 90 && n < 100, `a Uint8Array of ${n} bytes is the largest (codec header ${100 - n} bytes)`);
      const cache = lib.createCache(options);
      await cache.set('v', noise(n));
      t.deepEqual(await cache.get('v'), noise(n), 'at the limit');
      await refusedAndUnchanged(t, cache, [
        ['one byte past', () => cache.set('new', noise(n + 1)), 'VALUE_TOO_LARGE'],
        ['add one byte past', () => cache.add('w', noise(n + 1)), 'VALUE_TOO_LARGE'],
        ['in a batch', () => cache.setMany([['a', 1], ['b', noise(n + 1)]]), 'VALUE_TOO_LARGE'],
      ]);
      await t.rejects(cache.set('v', noise(n + 1)), 'VALUE_TOO_LARGE', 'overwrite one byte past');
      t.equal(await cache.has('v'), false, 'a refused overwrite drops the older value');
    },
  },
  {
    name: 'limits: entries (maxEntries) evict, never fail',
    async run(lib, t) {
      const cache = lib.createCache({ maxEntries: 3, policy: 'fifo' });
      for (const k of ['a', 'b', 'c']) await cache.set(k, k);
      t.equal((await cache.stats()).entries, 3, 'at the limit');
      await cache.set('d', 'd');
      const s = await cache.stats();
      t.equal(s.entries, 3, 'one past: still 3');
      t.equal(s.evictionsCapacity, 1);
      t.deepEqual((await cache.keys()).sort(), ['b', 'c', 'd']);
      t.throws(() => lib.createCache({ maxEntries: 4294967295 }), 'INVALID_OPTION', 'maxEntries above u32::MAX - 1');
      lib.createCache({ maxEntries: 4294967294 });
    },
  },
  {
    name: 'limits: bytes (maxBytes): evicts, an entry heavier than the budget is refused',
    async run(lib, t) {
      const options = { maxBytes: 1000, compressionThreshold: 1 << 20 };
      const probe = lib.createCache(options);
      const n = await largestAccepted(0, 1000, (len) => accepted(() => probe.set('k', new Uint8Array(len)), 'VALUE_TOO_LARGE'));
      const cache = lib.createCache(options);
      await cache.set('k', noise(n));
      const s = await cache.stats();
      t.ok(s.bytes <= 1000 && s.bytes > 1000 - 8, `at the limit: ${s.bytes} bytes of 1000`);
      await refusedAndUnchanged(t, cache, [['one byte heavier', () => cache.set('k2', noise(n + 1)), 'VALUE_TOO_LARGE']]);
      for (let i = 0; i < 20; i++) await cache.set(`s${i}`, noise(100, i));
      const after = await cache.stats();
      t.ok(after.bytes <= 1000, `bytes ${after.bytes} within budget after many writes`);
      t.ok(after.evictionsCapacity > 0, 'evicted to stay within budget');
    },
  },
  {
    name: 'limits: tags per entry and tag length',
    async run(lib, t) {
      const cache = lib.createCache({ maxTagsPerEntry: 2 });
      await cache.set('two', 1, { tags: ['a', 'b'] });
      await cache.set('dup', 1, { tags: ['a', 'a', 'b'] });
      await cache.set('long', 1, { tags: ['t'.repeat(256)] });
      await refusedAndUnchanged(t, cache, [
        ['three tags', () => cache.set('x', 1, { tags: ['a', 'b', 'c'] }), 'LIMIT_EXCEEDED'],
        ['257-byte tag', () => cache.set('x', 1, { tags: ['t'.repeat(257)] }), 'INVALID_OPTION'],
        ['empty tag', () => cache.set('x', 1, { tags: [''] }), 'INVALID_OPTION'],
        ['control char tag', () => cache.set('x', 1, { tags: ['a\nb'] }), 'INVALID_OPTION'],
        ['non-string tag', () => cache.set('x', 1, { tags: [1] }), 'INVALID_OPTION'],
      ]);
      t.equal(await cache.invalidateTags('t'.repeat(256)), 1, 'the longest tag works');
    },
  },
  {
    name: 'limits: TTL range 1 ms .. 10 years',
    async run(lib, t) {
      const cache = lib.createCache({ now: () => 1_700_000_000_000 });
      await cache.set('max', 1, { ttl: TEN_YEARS_MS });
      t.equal(await cache.ttl('max'), TEN_YEARS_MS, 'at the limit');
      await cache.set('days', 1, { ttl: '3650d' });
      await cache.set('min', 1, { ttl: 1 });
      await refusedAndUnchanged(t, cache, [
        ['10 years + 1 ms', () => cache.set('max2', 2, { ttl: TEN_YEARS_MS + 1 }), 'INVALID_TTL'],
        ['3651d', () => cache.set('days2', 2, { ttl: '3651d' }), 'INVALID_TTL'],
        ['idle past', () => cache.set('new', 2, { idle: TEN_YEARS_MS + 1 }), 'INVALID_TTL'],
        ['stale past', () => cache.set('new', 2, { ttl: 10, stale: TEN_YEARS_MS + 1 }), 'INVALID_TTL'],
        ['expire past', () => cache.expire('max', TEN_YEARS_MS + 1), 'INVALID_TTL'],
        ['0', () => cache.set('min2', 2, { ttl: 0 }), 'INVALID_TTL'],
        ['NaN', () => cache.set('min2', 2, { ttl: NaN }), 'INVALID_TTL'],
        ['-1', () => cache.set('min2', 2, { ttl: -1 }), 'INVALID_TTL'],
        ['Infinity', () => cache.set('min2', 2, { ttl: Infinity }), 'INVALID_TTL'],
        ['-Infinity', () => cache.expire('min', -Infinity), 'INVALID_TTL'],
        ['BigInt', () => cache.set('min2', 2, { ttl: 5n }), 'INVALID_TTL'],
      ]);
      t.throws(() => lib.createCache({ defaultTtl: TEN_YEARS_MS + 1 }), 'INVALID_OPTION', 'defaultTtl past');
      lib.createCache({ defaultTtl: TEN_YEARS_MS });
    },
  },
  {
    name: 'limits: batch size 10 000 (getMany, hasMany, deleteMany, setMany)',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('k0', 'v');
      const keys = (n) => Array.from({ length: n }, (_, i) => `k${i}`);
      t.equal((await cache.getMany(keys(10_000))).length, 10_000, 'getMany at the limit');
      t.equal((await cache.hasMany(keys(10_000))).filter(Boolean).length, 1, 'hasMany at the limit');
      await refusedAndUnchanged(t, cache, [
        ['getMany 10 001', () => cache.getMany(keys(10_001)), 'LIMIT_EXCEEDED'],
        ['hasMany 10 001', () => cache.hasMany(keys(10_001)), 'LIMIT_EXCEEDED'],
        ['deleteMany 10 001', () => cache.deleteMany(keys(10_001)), 'LIMIT_EXCEEDED'],
        ['setMany 10 001', () => cache.setMany(keys(10_001).map((k) => [k, 1])), 'LIMIT_EXCEEDED'],
      ]);
      await cache.setMany(keys(10_000).map((k, i) => [k, i]));
      t.equal((await cache.stats()).entries, 10_000, 'setMany at the limit');
      t.equal(await cache.deleteMany(keys(10_000)), 10_000, 'deleteMany at the limit');
    },
  },
  {
    name: 'limits: setMany larger than maxEntries is refused whole',
    async run(lib, t) {
      const cache = lib.createCache({ maxEntries: 5 });
      await cache.set('x', 1);
      await refusedAndUnchanged(t, cache, [
        ['6 items', () => cache.setMany([1, 2, 3, 4, 5, 6].map((i) => [`k${i}`, i])), 'LIMIT_EXCEEDED'],
      ]);
      await cache.setMany([1, 2, 3, 4, 5].map((i) => [`k${i}`, i]));
      t.deepEqual(await cache.getMany(['k1', 'k5']), [1, 5], 'at the limit: all readable');
    },
  },
  {
    name: 'limits: 4 096 namespaces, names up to 256 bytes',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('root', 1);
      for (let i = 1; i < 4096; i++) await cache.namespace(`n${i}`).has('x');
      await cache.namespace('n1').set('kept', 1);
      const before = await snapshot(cache);
      await t.rejects(cache.namespace('one-too-many').set('x', 1), 'LIMIT_EXCEEDED', '4 097th namespace');
      await t.rejects(cache.namespace('one-too-many').get('x'), 'LIMIT_EXCEEDED', 'still refused');
      t.deepEqual(await snapshot(cache), before, 'unchanged');
      t.equal(await cache.namespace('n1').get('kept'), 1, 'existing namespaces work');

      const names = lib.createCache();
      await names.namespace('n'.repeat(256)).set('k', 1);
      await refusedAndUnchanged(t, names, [
        ['257 bytes', () => names.namespace('n'.repeat(257)).set('k', 1), 'INVALID_OPTION'],
        ['control char', () => names.namespace('a\u0001').set('k', 1), 'INVALID_OPTION'],
        ['not a string', () => names.namespace(7).set('k', 1), 'INVALID_OPTION'],
      ]);
    },
  },
  {
    name: 'limits: pattern length 1 024 bytes',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('a', 1);
      t.deepEqual(await cache.keys('*'.repeat(1024)), ['a'], 'at the limit');
      await refusedAndUnchanged(t, cache, [
        ['1 025 bytes', () => cache.keys('*'.repeat(1025)), 'INVALID_PATTERN'],
        ['deleteMatching 1 025 bytes', () => cache.deleteMatching('*'.repeat(1025)), 'INVALID_PATTERN'],
        ['unclosed class', () => cache.deleteMatching('[a'), 'INVALID_PATTERN'],
        ['not a string', () => cache.deleteMatching(/a/), 'INVALID_PATTERN'],
      ]);
    },
  },
  {
    name: 'limits: counters are signed 64-bit',
    async run(lib, t) {
      const cache = lib.createCache();
      t.equal(await cache.incr('c', I64_MAX), I64_MAX, 'at the limit');
      t.equal(await cache.decr('d', I64_MAX), -I64_MAX);
      t.equal(await cache.decr('d', 1), -I64_MAX - 1n, 'at the lower limit');
      await cache.set('text', 'abc');
      await refusedAndUnchanged(t, cache, [
        ['one past max', () => cache.incr('c', 1), 'OVERFLOW'],
        ['one past min', () => cache.decr('d', 1), 'OVERFLOW'],
        ['delta past i64', () => cache.incr('e', I64_MAX + 1n), 'OVERFLOW'],
        ['not a counter', () => cache.incr('text'), 'NOT_AN_INTEGER'],
        ['fractional delta', () => cache.incr('c', 0.5), 'NOT_AN_INTEGER'],
        ['NaN delta', () => cache.incr('c', NaN), 'NOT_AN_INTEGER'],
      ]);
    },
  },
  {
    name: 'limits: JS value nesting 1 000 levels',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('deep', nested(1000));
      t.deepEqual(await cache.get('deep'), nested(1000), 'at the limit');
      await refusedAndUnchanged(t, cache, [
        ['1 001 levels', () => cache.set('deeper', nested(1001)), 'UNSUPPORTED_VALUE'],
      ]);
    },
  },
  {
    name: 'limits: L2 chunk count (maxChunks) and value per record',
    async run(lib, t) {
      const backend = mapBackend({ maxValueBytes: 256 });
      const store = backend;
      const options = { backend, maxChunks: 4, timeoutMs: 0 };
      const probe = lib.tiered.createCache({ ...options, backend: mapBackend({ maxValueBytes: 256 }) });
      const n = await largestAccepted(0, 2048, (len) => accepted(() => probe.set('v', noise(len)), 'VALUE_TOO_LARGE'));
      t.ok(n > 900 && n < 1024, `${n} value bytes fill 4 chunks of 256`);
      const cache = lib.tiered.createCache(options);
      await cache.set('v', noise(n));
      const records = (await store.listKeys('')).length;
      t.equal(records, 5, 'a manifest and 4 chunks');
      const reader = lib.tiered.createCache({ backend, timeoutMs: 0 });
      t.deepEqual(await reader.get('v'), noise(n), 'read back from L2 by another cache');
      // A tiered cache cannot list its keys: compare stats, the value and L2's records.
      const before = await cache.stats();
      await t.rejects(cache.set('w', noise(n + 1)), 'VALUE_TOO_LARGE', 'one byte past, new key');
      const after = await cache.stats();
      t.deepEqual([after.entries, after.bytes, after.sets], [before.entries, before.bytes, before.sets], 'L1 unchanged');
      t.equal((await store.listKeys('')).length, records, 'nothing written to L2');
      // A refused overwrite drops the older value from both tiers (README: refused writes).
      await t.rejects(cache.set('v', noise(n + 1)), 'VALUE_TOO_LARGE', 'one byte past');
      t.equal(await cache.get('v'), undefined, 'old value dropped');
      const fresh = lib.tiered.createCache({ backend, timeoutMs: 0 }); // reader's L1 still holds it
      t.equal(await fresh.get('v'), undefined, 'old value dropped from L2 too');
      await fresh.close();
      const single = lib.tiered.createCache({ backend, chunking: false, timeoutMs: 0 });
      await t.rejects(single.set('w', noise(300)), 'VALUE_TOO_LARGE', 'chunking off: one record only');
      await cache.close();
      await reader.close();
      await single.close();
      await probe.close();
    },
  },
  {
    name: 'limits: corrupt or foreign L2 records are misses, never values',
    async run(lib, t) {
      const store = mapBackend();
      const cache = lib.tiered.createCache({ backend: store, timeoutMs: 0 });
      const events = [];
      await cache.onEvent((e) => events.push(e.type));
      await cache.set('good', 'v');
      const bad = [new Uint8Array(0), new Uint8Array([0xec]), new Uint8Array([0xec, 0xca, 99, 0, 0]),
        noise(100), new Uint8Array([0xec, 0xcb, 1, 0, 255, 255, 255, 255])];
      for (let i = 0; i < bad.length; i++) await store.set(`ec::bad${i}`, bad[i]);
      for (let i = 0; i < bad.length; i++) t.equal(await cache.get(`bad${i}`), undefined, `record ${i} is a miss`);
      t.equal(await cache.get('good'), 'v');
      const s = await cache.stats();
      t.equal(s.l2.corrupt, bad.length, 'each counted');
      t.equal(events.filter((e) => e === 'corrupt-entry').length, bad.length, 'each reported');
      await cache.close();
    },
  },
  {
    name: "backends: the default entry refuses one and names 'edgecache/tiered'; that entry takes it",
    async run(lib, t) {
      // The default build holds the memory tier only (a smaller .wasm).
      let refused;
      try {
        lib.createCache({ backend: mapBackend(), timeoutMs: 0 });
      } catch (err) {
        refused = err;
      }
      t.ok(lib.isEdgeCacheError(refused), 'an EdgeCacheError');
      t.equal(refused.code, 'INVALID_OPTION');
      t.ok(refused.message.includes("'edgecache/tiered'"), `the message says where to import from: ${refused.message}`);
      // The tiered entry: the same API, with L2.
      const { tiered } = lib;
      t.equal(tiered.runtime, lib.runtime, 'the same host condition');
      const store = mapBackend();
      const writer = tiered.createCache({ backend: store, timeoutMs: 0 });
      t.equal(await writer.set('k', { n: 1 }), 'written', 'landed in L2');
      const reader = tiered.createCache({ backend: store, timeoutMs: 0 });
      t.deepEqual(await reader.get('k'), { n: 1 }, 'read back from L2 by another cache');
      t.ok(tiered.wasmMemoryBytes() > 0, 'its own wasm instance');
      // Both builds share the JS classes.
      t.ok(reader instanceof lib.Cache, 'a Cache of the same class');
      const memory = tiered.createCache();
      await memory.set('m', 1);
      t.equal(await memory.get('m'), 1, 'and a memory-only cache without a backend');
      await writer.close();
      await reader.close();
    },
  },
  {
    name: 'bad input: non-string keys, empty keys, control characters change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('present', 'v', { tags: ['t'] });
      const bad = [['number', 42], ['object', { toString: () => 'present' }], ['symbol', Symbol('k')],
        ['undefined', undefined], ['null', null], ['BigInt', 1n], ['array', ['present']], ['empty', ''],
        ['NUL', '\u0000'], ['tab', 'a\tb'], ['ESC', '\u001b[31m'], ['DEL', '\u007f']];
      const attempts = [];
      for (const [label, key] of bad) {
        for (const m of ['get', 'peek', 'has', 'delete', 'ttl', 'persist', 'touch', 'incr', 'decr']) {
          attempts.push([`${m} ${label}`, () => cache[m](key), 'INVALID_KEY']);
        }
        attempts.push([`set ${label}`, () => cache.set(key, 1), 'INVALID_KEY']);
        attempts.push([`replace ${label}`, () => cache.replace(key, 1), 'INVALID_KEY']);
        attempts.push([`getOrSet ${label}`, () => cache.getOrSet(key, () => 1), 'INVALID_KEY']);
        attempts.push([`getMany with ${label}`, () => cache.getMany(['present', key]), 'INVALID_KEY']);
        attempts.push([`setMany with ${label}`, () => cache.setMany([['new', 1], [key, 2]]), 'INVALID_KEY']);
        attempts.push([`deleteMany with ${label}`, () => cache.deleteMany(['present', key]), 'INVALID_KEY']);
      }
      attempts.push(['getMany of a string', () => cache.getMany('present'), 'INVALID_KEY']);
      attempts.push(['getMany of a number', () => cache.getMany(3), 'INVALID_KEY']);
      attempts.push(['setMany of a number', () => cache.setMany(3), 'INVALID_OPTION']);
      attempts.push(['setMany with a bad pair', () => cache.setMany([['new', 1], ['x']]), 'INVALID_OPTION']);
      attempts.push(['invalidateTags of a number', () => cache.invalidateTags(5), 'INVALID_OPTION']);
      await refusedAndUnchanged(t, cache, attempts);
    },
  },
  {
    name: 'bad input: values that cannot be encoded change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('present', 'v');
      const cyclic = [];
      cyclic.push(cyclic);
      class Thing {}
      await refusedAndUnchanged(t, cache, [
        ['function', () => cache.set('absent', () => 1), 'UNSUPPORTED_VALUE'],
        ['symbol', () => cache.set('absent', Symbol.iterator), 'UNSUPPORTED_VALUE'],
        ['class instance', () => cache.set('absent', new Thing()), 'UNSUPPORTED_VALUE'],
        ['Promise', () => cache.set('absent', Promise.resolve(1)), 'UNSUPPORTED_VALUE'],
        ['WeakSet', () => cache.set('absent', new WeakSet()), 'UNSUPPORTED_VALUE'],
        ['cycle', () => cache.set('absent', cyclic), 'UNSUPPORTED_VALUE'],
        ['in a batch', () => cache.setMany([['a', 1], ['b', () => 2]]), 'UNSUPPORTED_VALUE'],
        ['getOrSet loader result', () => cache.getOrSet('new', () => Symbol('s')), 'UNSUPPORTED_VALUE'],
      ]);
    },
  },
  {
    name: 'closed caches reject every call with CLOSED',
    async run(lib, t) {
      const cache = lib.createCache();
      const view = cache.namespace('other');
      await cache.set('a', 1);
      await view.set('b', 2);
      t.equal(cache.closed, false);
      await cache.close();
      t.equal(cache.closed, true);
      t.equal(view.closed, true, 'views share the closed state');
      await cache.close(); // idempotent
      const calls = {
        get: (c) => c.get('a'), peek: (c) => c.peek('a'), has: (c) => c.has('a'), set: (c) => c.set('a', 1),
        add: (c) => c.add('z', 1), replace: (c) => c.replace('a', 1), delete: (c) => c.delete('a'),
        getMany: (c) => c.getMany(['a']), hasMany: (c) => c.hasMany(['a']), setMany: (c) => c.setMany([['a', 1]]),
        deleteMany: (c) => c.deleteMany(['a']), clear: (c) => c.clear(), clearAll: (c) => c.clearAll(),
        invalidateTags: (c) => c.invalidateTags(['t']), purgeExpired: (c) => c.purgeExpired(),
        ttl: (c) => c.ttl('a'), expire: (c) => c.expire('a', 10), persist: (c) => c.persist('a'),
        touch: (c) => c.touch('a'), incr: (c) => c.incr('n'), decr: (c) => c.decr('n'),
        keys: (c) => c.keys('*'), countMatching: (c) => c.countMatching('*'),
        deleteMatching: (c) => c.deleteMatching('*'), stats: (c) => c.stats(),
        getOrSet: (c) => c.getOrSet('a', () => 1), getAllowingStale: (c) => c.getAllowingStale('a', 10),
        onRemoval: (c) => c.onRemoval(() => {}), onEvent: (c) => c.onEvent(() => {}),
      };
      for (const [name, call] of Object.entries(calls)) {
        await t.rejects(() => call(cache), 'CLOSED', name);
        await t.rejects(() => call(view), 'CLOSED', `view ${name}`);
        await t.rejects(() => call(cache.namespace('fresh')), 'CLOSED', `new view ${name}`);
      }
      const tiered = lib.tiered.createCache({ backend: mapBackend(), timeoutMs: 0 });
      const pending = tiered.set('k', 1);
      await tiered.close();
      await pending; // a call already running finishes
      await t.rejects(tiered.get('k'), 'CLOSED', 'tiered get after close');
      const other = lib.createCache();
      await other.set('still', 'works');
      t.equal(await other.get('still'), 'works', 'other caches are not affected');
    },
  },
  {
    name: 'wasmMemoryBytes reports the wasm linear memory',
    async run(lib, t) {
      const bytes = lib.wasmMemoryBytes();
      t.ok(Number.isInteger(bytes) && bytes >= 65536 && bytes % 65536 === 0, `${bytes} bytes, whole pages`);
    },
  },
];
