// Conformance cases for cached, memoize, cacheAside and invalidates, in wrapper form
// and applied as TC39 method decorators by hand (the syntax itself is tested in
// tests/hosts/decorators.test.ts, since Node 20 cannot parse it). Part of cases.mjs.

/** A function counting its calls: returns [calls, ...args]. */
function counted(name = 'fn') {
  const fn = {
    [name]: async (...args) => {
      fn.calls += 1;
      return [fn.calls, ...args];
    },
  }[name];
  fn.calls = 0;
  return fn;
}

/** What a TC39 method decorator receives as its context. */
function methodContext(name, isStatic = false) {
  return { kind: 'method', name, static: isStatic, private: false, addInitializer() {}, access: {} };
}

export const decoratorCases = [
  {
    name: 'argsKey: the same arguments give the same key in every host',
    async run(lib, t) {
      const args = [1n, new Date(0), new Map([['b', 2], ['a', 1]]), new Set([3, 1]), new Uint8Array([1, 2]), 'x'];
      // Golden value: the core's SHA-256 over encodeCanonical bytes, fixed across hosts and releases.
      t.equal(lib.argsKey('getUser', args), 'getUser:0IurB0PwswHFI1qZAack_Q');
      const reordered = [1n, new Date(0), new Map([['a', 1], ['b', 2]]), new Set([1, 3]), new Uint8Array([1, 2]), 'x'];
      t.equal(lib.argsKey('getUser', reordered), lib.argsKey('getUser', args), 'Map and Set order do not matter');
      t.ok(lib.argsKey('getUser', [1]) !== lib.argsKey('getUser', [1n]), '1 and 1n differ');
      t.ok(lib.argsKey('getUser', ['1']) !== lib.argsKey('getUser', [1]), '"1" and 1 differ');
      t.ok(lib.argsKey('a', [1]) !== lib.argsKey('b', [1]), 'the name is part of the key');
      t.throws(() => lib.argsKey('f', [() => 1]), 'UNSUPPORTED_VALUE');
      t.throws(() => lib.argsKey('', [1]), 'INVALID_OPTION');
    },
  },
  {
    name: 'cached: BigInt, Date and Map arguments give stable keys',
    async run(lib, t) {
      const cache = lib.createCache();
      const fn = counted('load');
      const load = lib.cached(fn, { cache, ttl: '1m' });
      const a = await load(10n, new Date(1000), new Map([['x', 1], ['y', 2]]));
      const b = await load(10n, new Date(1000), new Map([['y', 2], ['x', 1]]));
      t.deepEqual(a, b, 'the same arguments hit the cache');
      t.equal(fn.calls, 1);
      await load(11n, new Date(1000), new Map());
      await load(10n, new Date(1001), new Map([['x', 1], ['y', 2]]));
      t.equal(fn.calls, 3, 'different arguments miss');
      t.equal(load.keyFor(10n, new Date(1000), new Map([['x', 1], ['y', 2]])),
        lib.argsKey('load', [10n, new Date(1000), new Map([['x', 1], ['y', 2]])]));
      t.equal(await cache.has(load.keyFor(11n, new Date(1000), new Map())), true, 'stored under keyFor');
      await t.rejects(() => load(() => 1), 'UNSUPPORTED_VALUE', 'an argument that cannot be keyed');
    },
  },
  {
    name: 'cached: skipArgs, args and key select what makes the key',
    async run(lib, t) {
      const cache = lib.createCache();
      const fn = counted('search');
      const skip = lib.cached(fn, { cache, skipArgs: [1] });
      await skip('q', { requestId: 1 });
      await skip('q', { requestId: 2 });
      t.equal(fn.calls, 1, 'the skipped argument is ignored');
      await skip('other', { requestId: 3 });
      t.equal(fn.calls, 2);
      const byId = lib.cached(counted('byId'), { cache, args: (user) => user.id });
      t.equal(byId.keyFor({ id: 7, name: 'a' }), byId.keyFor({ id: 7, name: 'b' }), 'args selects the id');
      const custom = lib.cached(counted('custom'), { cache, key: (id) => `user:${id}` });
      await custom(5);
      t.equal(await cache.has('user:5'), true, 'key names the entry');
      t.equal(lib.cached(async () => 1, { cache, name: 'named' }).keyFor(), lib.argsKey('named', []));
      t.throws(() => lib.cached(async () => 1, { cache }), 'INVALID_OPTION', 'anonymous with no name or key: refused when wrapped');
      t.throws(() => lib.cached(fn, { cache, skipArgs: [1], args: (a) => a }), 'INVALID_OPTION');
      t.throws(() => lib.cached(fn, { cache, tll: 5 }), 'INVALID_OPTION', 'a typo');
      t.throws(() => lib.cached(fn, { cache: {} }), 'INVALID_OPTION');
    },
  },
  {
    name: 'cached: shouldCache, single-flight and the default cache',
    async run(lib, t) {
      lib.setDefaultCache(lib.createCache());
      const fn = counted('maybe');
      const maybe = lib.cached(fn, { shouldCache: ([n]) => n > 1 });
      await maybe('a');
      await maybe('a');
      t.equal(fn.calls, 2, 'the first result was refused');
      await maybe('a');
      t.equal(fn.calls, 2, 'the second was stored');
      t.equal(await lib.defaultCache().has(maybe.keyFor('a')), true, 'in the default cache');
      const slow = counted('slow');
      const once = lib.cached(slow);
      await Promise.all(Array.from({ length: 100 }, () => once(1)));
      t.equal(slow.calls, 1, 'concurrent calls share one run');
    },
  },
  {
    name: 'cached as a TC39 method decorator: per-class keys and `this`',
    async run(lib, t) {
      const cache = lib.createCache();
      let calls = 0;
      const decorate = lib.cached({ cache, ttl: '1m' });
      const method = async function (id) {
        calls += 1;
        return `${this.prefix}${id}`;
      };
      const replacement = decorate(method, methodContext('find'));
      class Users {
        prefix = 'user-';
      }
      Users.prototype.find = replacement;
      const users = new Users();
      t.equal(await users.find(1), 'user-1', '`this` is the instance');
      t.equal(await users.find(1), 'user-1');
      t.equal(calls, 1);
      t.equal(await cache.has(lib.argsKey('Users.find', [1])), true, 'keyed by Class.method');
      const bare = lib.cached(method, methodContext('find'));
      t.equal(typeof bare, 'function', '@cached without options');
      t.throws(() => decorate(method, { kind: 'field', name: 'x' }), 'INVALID_OPTION', 'methods only');
    },
  },
  {
    name: 'memoize: its own bounded cache',
    async run(lib, t) {
      const fn = counted('square');
      const square = lib.memoize(fn, { max: 2, ttl: '1m' });
      await square(1);
      await square(1);
      t.equal(fn.calls, 1);
      await square(2);
      await square(3);
      t.ok((await square.cache.stats()).entries <= 2, 'at most max entries');
      t.equal(await lib.defaultCache().has(square.keyFor(1)), false, 'not in the default cache');
      const anonymous = lib.memoize(async (x) => x * 2);
      t.equal(await anonymous(4), 8, 'anonymous functions are fine in their own cache');
      t.throws(() => lib.memoize(fn, { max: -1 }), 'INVALID_OPTION');
    },
  },
  {
    name: 'cacheAside: keys from a key function',
    async run(lib, t) {
      const cache = lib.createCache();
      const fn = counted('getUser');
      const getUser = lib.cacheAside((id) => `user:${id}`, { cache, ttl: '5m', tags: ['users'] })(fn);
      t.deepEqual(await getUser(7), [1, 7]);
      t.deepEqual(await getUser(7), [1, 7]);
      t.deepEqual(await cache.get('user:7'), [1, 7]);
      await cache.invalidateTags('users');
      t.deepEqual(await getUser(7), [2, 7], 'tags from the options');
      await t.rejects(() => lib.cacheAside(() => 42, { cache })(fn)(1), 'INVALID_KEY');
    },
  },
  {
    name: 'invalidates: only after the decorated function succeeds',
    async run(lib, t) {
      const cache = lib.createCache();
      const getUser = lib.cached(counted('getUser'), { cache, tags: (id) => [`user:${id}`] });
      let fail = false;
      const save = async (id) => {
        if (fail) throw new Error('write failed');
        return `saved ${id}`;
      };
      const byKey = lib.invalidates((id) => ({ keys: [getUser.keyFor(id)] }), { cache })(save);
      await getUser(1);
      fail = true;
      const err = await byKey(1).catch((e) => e);
      t.equal(err.message, 'write failed', 'the function\'s error');
      t.equal(await cache.has(getUser.keyFor(1)), true, 'nothing invalidated on failure');
      fail = false;
      t.equal(await byKey(1), 'saved 1', 'the function\'s result');
      t.equal(await cache.has(getUser.keyFor(1)), false, 'invalidated after success');
      await getUser(2);
      await lib.invalidates((id) => ({ tags: [`user:${id}`] }), { cache })(save)(2);
      t.equal(await cache.has(getUser.keyFor(2)), false, 'by tag');
      await cache.set('page:1', 1);
      await cache.set('page:2', 2);
      await cache.set('other', 3);
      await lib.invalidates('page:*', { cache })(save)(3);
      t.deepEqual((await cache.keys('*')).sort(), ['other'], 'by pattern');
      t.throws(() => lib.invalidates(42, { cache }), 'INVALID_OPTION');
      t.throws(() => lib.invalidates({ key: ['x'] }, { cache }), 'INVALID_OPTION', 'a typo in the spec');
    },
  },
];
