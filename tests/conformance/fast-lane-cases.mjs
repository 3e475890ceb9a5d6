// Edges of the fast lane of a memory-only cache (js/wasm-scratch.js with
// src/bindings/js_scratch.rs): keys are written into a scratch area of wasm
// memory and answers read from another, through a view that a memory.grow
// detaches. Same { name, run(lib, t) } format as cases.mjs.

const START = 1_700_000_000_000;

export const fastLaneCases = [
  {
    name: 'fast lane: string values encoded in place round-trip and match the codec',
    run: async ({ createCache }, t) => {
      const cache = createCache({ compressionThreshold: 1 << 30, maxValueBytes: 1 << 20 });
      const values = [
        '', 'a', 'x'.repeat(64), 'y'.repeat(65), 'ключ и значение', '🎉'.repeat(40), `${'a'.repeat(100)}é`,
        'lone \ud800 surrogate', '\udfff', 'z'.repeat((1 << 14) + 1), '日本'.repeat(9000), '42', '-7',
      ];
      for (const [i, v] of values.entries()) {
        await cache.set(`s${i}`, v);
        t.equal(await cache.get(`s${i}`), v, `value ${i} read back`);
        t.equal(typeof (await cache.peek(`s${i}`)), 'string', `value ${i} stays a string (not a counter)`);
      }
      t.deepEqual(await cache.getMany(values.map((_, i) => `s${i}`)), values);
      // The same value through the general encoder (inside an object) and in place weigh alike.
      const a = createCache({ compressionThreshold: 1 << 30 });
      const b = createCache({ compressionThreshold: 1 << 30 });
      await a.set('k', 'héllo wörld');
      await b.setMany([['k', 'héllo wörld']]);
      t.equal((await a.stats()).bytes, (await b.stats()).bytes, 'same stored size as the codec gives');
      t.equal(await b.get('k'), 'héllo wörld');
    },
  },
  {
    name: 'fast lane: memory growth between calls (large value, then a get)',
    run: async ({ createCache }, t) => {
      const cache = createCache({ maxBytes: 256 * 1024 * 1024, maxValueBytes: 64 * 1024 * 1024 });
      await cache.set('small', 'before');
      t.equal(await cache.get('small'), 'before');
      // 24 MB cannot fit in the memory the module started with: wasm memory grows.
      const big = new Uint8Array(24 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
      await cache.set('big', big);
      t.equal(await cache.get('small'), 'before', 'small value read after the growth');
      const back = await cache.get('big');
      t.equal(back.length, big.length);
      let same = true;
      for (let i = 0; i < big.length; i += 4096) if (back[i] !== big[i]) same = false;
      t.ok(same, 'large value read back intact');
      back[0] = 99; // the answer is a copy, not a view of wasm memory
      t.equal((await cache.get('big'))[0], 0);
      t.deepEqual(await cache.getMany(['small', 'big', 'none']).then((v) => [v[0], v[1].length, v[2]]),
        ['before', big.length, undefined]);
      await cache.set('after', { n: 1 });
      t.deepEqual(await cache.get('after'), { n: 1 });
    },
  },
  {
    name: 'fast lane: non-ASCII and long keys',
    run: async ({ createCache }, t) => {
      const cache = createCache({ maxKeyBytes: 4096 });
      const keys = [
        'ключ', '🎉', 'é', 'ascii-then-ü', `${'x'.repeat(63)}é`, `${'y'.repeat(64)}`,
        `${'z'.repeat(65)}`, `${'日本'.repeat(600)}`, `${'a'.repeat(1000)}✓`,
      ];
      for (const [i, k] of keys.entries()) await cache.set(k, i);
      for (const [i, k] of keys.entries()) t.equal(await cache.get(k), i, `get ${k.slice(0, 12)}`);
      t.deepEqual(await cache.getMany(keys), keys.map((_, i) => i));
      t.deepEqual((await cache.keys('*')).sort(), [...keys].sort(), 'keys come back as written');
      // A lone surrogate has no UTF-8 form: refused, not turned into U+FFFD (one entry for many keys).
      await t.rejects(cache.set('a\uD800b', 'lone'), 'INVALID_KEY', 'lone surrogate');
      t.equal(await cache.get('a\uFFFDb'), undefined);
      // Too long in UTF-8 bytes (1366 × 3 > 4096) though short in UTF-16 units.
      await t.rejects(cache.get('€'.repeat(1366)), 'INVALID_KEY', 'key too long in bytes');
      await t.rejects(cache.set('€'.repeat(1366), 1), 'INVALID_KEY', 'set key too long in bytes');
      await t.rejects(cache.get(''), 'INVALID_KEY', 'empty key');
      await t.rejects(cache.get('bad\u0001'), 'INVALID_KEY', 'control character');
      await t.rejects(cache.get(42), 'INVALID_KEY', 'not a string');
    },
  },
  {
    name: 'fast lane: a miss and stored empty values are told apart',
    run: async ({ createCache }, t) => {
      const cache = createCache();
      await cache.set('empty-string', '');
      await cache.set('empty-bytes', new Uint8Array(0));
      await cache.set('undef', undefined);
      t.equal(await cache.get('empty-string'), '');
      t.deepEqual(await cache.get('empty-bytes'), new Uint8Array(0));
      t.equal(await cache.get('undef'), undefined);
      t.equal(await cache.has('undef'), true);
      t.equal(await cache.get('missing'), undefined);
      t.equal(await cache.has('missing'), false);
      t.equal(await cache.peek('empty-string'), '');
      t.equal(await cache.peek('missing'), undefined);
      t.deepEqual(await cache.getMany(['empty-string', 'missing', 'empty-bytes']), ['', undefined, new Uint8Array(0)]);
      const { hits, misses } = await cache.stats();
      t.deepEqual([hits, misses], [5, 2], 'peek counts neither');
    },
  },
  {
    name: 'fast lane: getMany with misses, duplicates and an empty list',
    run: async ({ createCache }, t) => {
      const cache = createCache();
      await cache.set('a', 'A');
      await cache.set('b', { b: [1, 2] });
      await cache.set('n', 7);
      t.deepEqual(await cache.getMany(['a', 'x', 'a', 'b', 'x', 'n', 'a']), ['A', undefined, 'A', { b: [1, 2] }, undefined, 7, 'A']);
      t.deepEqual(await cache.getMany([]), []);
      t.deepEqual(await cache.getMany(new Set(['b', 'a'])), [{ b: [1, 2] }, 'A']);
      const many = Array.from({ length: 2000 }, (_, i) => (i % 2 ? 'a' : `miss${i}`));
      const got = await cache.getMany(many);
      t.equal(got.filter((v) => v === 'A').length, 1000);
      t.equal(got.filter((v) => v === undefined).length, 1000);
    },
  },
  {
    name: 'fast lane: an error mid-batch fails the whole getMany before any read',
    run: async ({ createCache }, t) => {
      const cache = createCache({ maxKeyBytes: 16 });
      await cache.set('a', 1);
      await cache.set('b', 2);
      const before = await cache.stats();
      await t.rejects(cache.getMany(['a', '', 'b']), 'INVALID_KEY', 'empty key mid-batch');
      await t.rejects(cache.getMany(['a', 'b', 'x'.repeat(17)]), 'INVALID_KEY', 'long key last');
      await t.rejects(cache.getMany(['a', 'ctl\u0007']), 'INVALID_KEY', 'control character');
      await t.rejects(cache.getMany(['a', 3]), 'INVALID_KEY', 'not a string');
      await t.rejects(cache.getMany(Array.from({ length: 10_001 }, () => 'a')), 'LIMIT_EXCEEDED', 'batch too large');
      const after = await cache.stats();
      t.deepEqual([after.hits, after.misses], [before.hits, before.misses], 'no key was read');
      t.deepEqual(await cache.getMany(['b', 'a']), [2, 1], 'the next batch works');
    },
  },
  {
    name: 'fast lane: a removal listener calling back in does not clobber the answer',
    run: async ({ createCache }, t) => {
      let now = START;
      const cache = createCache({ now: () => now });
      const big = 'L'.repeat(200_000); // a nested answer larger than the outer one
      await cache.set('big', big);
      await cache.set('keep', 'kept');
      await cache.set('old', 'old', { ttl: 1000 });
      const nested = [];
      await cache.onRemoval((e) => {
        // Synchronous up to its first await: the nested get runs inside the outer call.
        nested.push(cache.get('big'));
        nested.push(e.key);
      });
      now += 2000;
      t.deepEqual(await cache.getMany(['keep', 'old', 'keep']), ['kept', undefined, 'kept']);
      t.equal(nested[1], 'old', 'the expiry was reported');
      t.equal(await nested[0], big, 'the nested get saw its own value');
      await cache.set('old2', 'x', { ttl: 1 });
      now += 10;
      t.equal(await cache.get('old2'), undefined);
      t.equal(await nested[2], big);
    },
  },
  {
    name: 'fast lane: a now option calling back in does not clobber the key',
    run: async ({ createCache }, t) => {
      let inner;
      let depth = 0;
      const cache = createCache({
        now: () => {
          if (depth++ === 0 && inner !== undefined) inner(); // once per outer call
          depth--;
          return START;
        },
      });
      await cache.set('outer-key', 'outer');
      await cache.set('other-key-longer', 'other');
      const innerResults = [];
      inner = () => innerResults.push(cache.get('other-key-longer'));
      t.equal(await cache.get('outer-key'), 'outer');
      await cache.set('outer-2', 'two');
      t.deepEqual(await cache.getMany(['outer-key', 'outer-2']), ['outer', 'two']);
      inner = undefined;
      t.equal(await cache.get('outer-2'), 'two');
      t.ok(innerResults.length >= 3, 'the nested calls ran');
      for (const r of innerResults) t.equal(await r, 'other');
    },
  },
  {
    name: 'fast lane: closed caches and namespaces',
    run: async ({ createCache }, t) => {
      const cache = createCache();
      const other = cache.namespace('other');
      await cache.set('k', 'default');
      await other.set('k', 'other');
      t.equal(await cache.get('k'), 'default');
      t.equal(await other.get('k'), 'other');
      t.deepEqual(await other.getMany(['k', 'k']), ['other', 'other']);
      await cache.close();
      await t.rejects(cache.get('k'), 'CLOSED');
      await t.rejects(other.get('k'), 'CLOSED');
      await t.rejects(other.set('k', 1), 'CLOSED');
      await t.rejects(other.getMany(['k']), 'CLOSED');
    },
  },
];
