// The memory driver's handle table (js/drivers/memory.js, js/held-values.js):
// immutable values held by slot, objects copied (JSON text or the codec) or,
// with `clone: false`, kept by reference; slots dropped when the core removes
// their entries. Same { name, run(lib, t) } format as cases.mjs.

export const heldCases = [
  {
    name: 'held values: objects are copies; what JSON cannot carry round-trips exactly',
    async run(lib, t) {
      const cache = lib.createCache();
      const obj = { a: [1, { b: 'x' }], n: null };
      await cache.set('o', obj);
      obj.a.push(2); // mutating what was stored changes nothing
      const got = await cache.get('o');
      t.deepEqual(got, { a: [1, { b: 'x' }], n: null });
      got.a[1].b = 'changed';
      t.deepEqual(await cache.get('o'), { a: [1, { b: 'x' }], n: null }, 'a mutated answer changes nothing');
      t.ok((await cache.get('o')) !== (await cache.get('o')), 'each get is a new object');
      const exotic = [
        new Map([[1, 'a']]), new Set([1]), new Date(5), -0, { u: undefined }, [1, , 3], { d: new Date(7) },
        { big: 10n ** 20n }, new Uint8Array([1, 2]), { n: NaN }, Object.create(null), 1.5, 2 ** 60, true, null,
      ];
      for (const [i, v] of exotic.entries()) await cache.set(`x${i}`, v);
      for (const [i, v] of exotic.entries()) t.deepEqual(await cache.get(`x${i}`), v, `exotic ${i}`);
      t.deepEqual(await cache.getMany(exotic.map((_, i) => `x${i}`)), exotic, 'getMany of mixed values');
      // A getter that throws fails the write as the codec reports it (its error
      // the cause); nothing is stored.
      const hostile = { get boom() { throw new Error('getter'); } };
      const err = await t.rejects(cache.set('h', hostile), undefined, 'a throwing getter');
      t.equal(err.cause?.message, 'getter');
      t.equal(await cache.has('h'), false);
    },
  },
  {
    name: 'held values: counters stay numbers the core owns; other values are not counters',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('n', 41);
      t.equal(await cache.incr('n'), 42);
      t.equal(await cache.get('n'), 42);
      // A BigInt in the 64-bit range is a counter too (issue 16): it counts and stays a BigInt.
      await cache.set('b', 5n);
      t.equal(await cache.incr('b'), 6);
      for (const v of ['5', 1.5, true, 2n ** 64n]) {
        await cache.set('v', v);
        await t.rejects(cache.incr('v'), 'NOT_AN_INTEGER', `incr of ${typeof v}`);
        t.equal(await cache.get('v'), v, 'left as it was');
      }
      // A held value overwritten by a counter, then by a string again.
      await cache.set('w', 'text');
      await cache.incr('fresh');
      await cache.set('w', 7);
      t.equal(await cache.incr('w', 3), 10);
      await cache.set('w', 'again');
      t.equal(await cache.get('w'), 'again');
    },
  },
  {
    name: 'held values: slots reused after evictions and deletes answer the right value',
    async run(lib, t) {
      const cache = lib.createCache({ maxEntries: 3, policy: 'fifo' });
      const removed = [];
      await cache.onRemoval((e) => {
        removed.push(e.key);
        // A listener calling back in while the write that evicted is finishing.
        if (e.key === 'k0') cache.set('from-listener', 'L');
      });
      for (let i = 0; i < 10; i++) await cache.set(`k${i}`, `v${i}`);
      await cache.delete('k9');
      await cache.set('after', 'A');
      const live = await cache.keys();
      t.ok(live.length <= 3, `bounded: ${live}`);
      for (const k of live) {
        const expected = k === 'after' ? 'A' : k === 'from-listener' ? 'L' : `v${k.slice(1)}`;
        t.equal(await cache.get(k), expected, `${k} answers its own value`);
      }
      t.ok(removed.includes('k0') && removed.includes('k9'), 'removals delivered');
      await cache.clearAll();
      t.equal(await cache.get('after'), undefined, 'cleared');
      await cache.set('z', 'Z');
      t.equal(await cache.get('z'), 'Z');
    },
  },
  {
    name: 'held values: reference mode (clone: false) keeps the object, weighed by sizeOf',
    async run(lib, t) {
      const obj = { a: 1 };
      const light = lib.createCache({ clone: false, sizeOf: () => 0 });
      const heavy = lib.createCache({ clone: false, sizeOf: () => 5000 });
      await light.set('o', obj);
      await heavy.set('o', obj);
      t.equal(await light.get('o'), obj, 'the same object back');
      obj.a = 2;
      t.equal((await light.get('o')).a, 2, 'a mutation is visible: the documented hazard');
      t.equal((await heavy.stats()).bytes - (await light.stats()).bytes, 5000, 'sizeOf is the charge');
      const estimated = lib.createCache({ clone: false });
      await estimated.set('o', { text: 'x'.repeat(1000) });
      t.ok((await estimated.stats()).bytes > 2000, 'estimated size counts the string');
      const bad = lib.createCache({ clone: false, sizeOf: () => -1 });
      await t.rejects(bad.set('o', obj), 'INVALID_OPTION', 'a negative size');
      t.equal(await bad.has('o'), false, 'nothing stored');
      const throwing = lib.createCache({ clone: false, sizeOf: () => { throw new Error('no size'); } });
      const err = await t.rejects(throwing.set('o', obj), 'INVALID_OPTION', 'a throwing sizeOf');
      t.equal(err.cause?.message, 'no size', 'its error is the cause');
      const small = lib.createCache({ clone: false, sizeOf: () => 200, maxValueBytes: 100 });
      await t.rejects(small.set('o', obj), 'VALUE_TOO_LARGE', 'sizeOf past maxValueBytes');
      t.throws(() => lib.createCache({ clone: 'no' }), 'INVALID_OPTION', 'clone must be a boolean');
      t.throws(() => lib.createCache({ sizeOf: 5 }), 'INVALID_OPTION', 'sizeOf must be a function');
    },
  },
  {
    name: 'held values: a string weighs 2 bytes per UTF-16 unit plus 16',
    async run(lib, t) {
      const a = lib.createCache();
      const b = lib.createCache();
      await a.set('k', 'x');
      await b.set('k', 'x'.repeat(101));
      t.equal((await b.stats()).bytes - (await a.stats()).bytes, 200);
    },
  },
  {
    name: 'getOrSet: callers joining one load get their own copies of an object',
    async run(lib, t) {
      const cache = lib.createCache();
      let release;
      const gate = new Promise((resolve) => { release = resolve; });
      const loader = async () => {
        await gate;
        return { list: [1] };
      };
      const calls = [cache.getOrSet('k', loader), cache.getOrSet('k', loader), cache.getOrSet('k', loader)];
      release();
      const [a, b, c] = await Promise.all(calls);
      t.deepEqual([a, b, c], [{ list: [1] }, { list: [1] }, { list: [1] }]);
      t.ok(a !== b && b !== c && a !== c, 'three distinct objects');
      a.list.push(2);
      t.deepEqual(b, { list: [1] }, 'a mutation by one caller is not seen by another');
      t.deepEqual(await cache.get('k'), { list: [1] });
    },
  },
];
