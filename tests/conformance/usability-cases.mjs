// What a newcomer copies from the READMEs must work (issue 16): waitUntil takes
// an execution context or a function everywhere, a host that refuses a
// background promise is reported (never swallowed), option typos get a
// suggestion, BigInts count, and the documented boundaries hold.

/** A clock the test moves by hand, through the `now` option. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

// Behaves like a Workers ExecutionContext: waitUntil needs `this` (workerd's
// own throws "Illegal invocation" when called unbound; this one a TypeError).
class ExecutionContext {
  #promises = [];
  waitUntil(promise) {
    this.#promises.push(promise);
  }
  get handed() {
    return this.#promises.length;
  }
  settle() {
    return Promise.all(this.#promises);
  }
}

function mapBackend() {
  const map = new Map();
  return {
    name: 'test-map',
    caps: {},
    map,
    async get(key) { return map.get(key)?.slice(); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
}

// Lets queued promise jobs and timers run: a bounded number of turns, no time limit.
async function turns(until, max = 100) {
  for (let i = 0; i < max && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
  return until();
}

function messageOf(fn) {
  try {
    fn();
  } catch (err) {
    return `${err.code}: ${err.message}`;
  }
  return 'no error';
}

export const usabilityCases = [
  {
    name: 'waitUntil: an execution context is accepted by createCache, set (write-behind) and getOrSet',
    async run(lib, t) {
      const backend = mapBackend();
      const ctx = new ExecutionContext();
      const cache = lib.tiered.createCache({ backend, timeoutMs: 0, waitUntil: ctx });
      await cache.set('a', 1, { writeBehind: true });
      t.equal(ctx.handed, 1, "createCache's ctx got the write-behind promise");
      await ctx.settle();
      t.ok([...backend.map.keys()].some((k) => k.endsWith('a')), 'the L2 write landed');

      const perCall = new ExecutionContext();
      await cache.set('b', 2, { writeBehind: true, waitUntil: perCall });
      t.equal(perCall.handed, 1, "set's own ctx wins");
      t.equal(ctx.handed, 1);
      await perCall.settle();

      const clock = manualClock();
      const memory = lib.createCache({ now: clock.now });
      const refresh = new ExecutionContext();
      await memory.getOrSet('c', () => 1, { ttl: 100, staleWhileRevalidate: 1000 });
      clock.advance(150);
      t.equal(await memory.getOrSet('c', () => 2, { ttl: 100, staleWhileRevalidate: 1000, waitUntil: refresh }), 1);
      t.equal(refresh.handed, 1, "getOrSet's ctx got the refresh");
      await refresh.settle();
      t.equal(await memory.get('c'), 2, 'the refresh ran');
    },
  },
  {
    name: 'waitUntil: a function is accepted everywhere too, and anything else is INVALID_OPTION',
    async run(lib, t) {
      const handed = [];
      const cache = lib.tiered.createCache({ backend: mapBackend(), timeoutMs: 0, waitUntil: (p) => handed.push(p) });
      await cache.set('a', 1, { writeBehind: true });
      await cache.set('b', 1, { writeBehind: true, waitUntil: (p) => handed.push(p) });
      t.equal(handed.length, 2);
      await Promise.all(handed);
      t.throws(() => lib.tiered.createCache({ backend: mapBackend(), waitUntil: 'ctx' }), 'INVALID_OPTION');
      await t.rejects(cache.set('c', 1, { writeBehind: true, waitUntil: {} }), 'INVALID_OPTION');
      await t.rejects(cache.getOrSet('d', () => 1, { waitUntil: 42 }), 'INVALID_OPTION');
    },
  },
  {
    name: 'waitUntil: an unbound ctx.waitUntil is reported through onEvent, and the work still runs',
    async run(lib, t) {
      const backend = mapBackend();
      const ctx = new ExecutionContext();
      const cache = lib.tiered.createCache({ backend, timeoutMs: 0, waitUntil: ctx.waitUntil });
      const events = [];
      await cache.onEvent((e) => events.push(e));
      t.equal(await cache.set('a', 1, { writeBehind: true }), undefined, 'the write itself succeeds');
      t.equal(events.length, 1, 'one event');
      t.equal(events[0].type, 'wait-until-error');
      t.equal(events[0].error.code, 'INVALID_OPTION');
      t.ok(events[0].error.cause instanceof TypeError, 'the host exception is the cause');
      t.ok(/waitUntil: ctx/.test(events[0].error.message), `the message says what to pass: ${events[0].error.message}`);
      t.ok(await turns(() => [...backend.map.keys()].some((k) => k.endsWith('a'))), 'the L2 write still landed');

      const clock = manualClock();
      const memory = lib.createCache({ now: clock.now });
      const seen = [];
      await memory.onEvent((e) => seen.push(e.type));
      await memory.getOrSet('k', () => 1, { ttl: 100, staleWhileRevalidate: 1000 });
      clock.advance(150);
      let loaded = false;
      const reload = () => { loaded = true; return 2; };
      t.equal(await memory.getOrSet('k', reload, { ttl: 100, staleWhileRevalidate: 1000, waitUntil: ctx.waitUntil }), 1);
      t.deepEqual(seen, ['wait-until-error'], 'a memory-only cache reports it too');
      t.ok(await turns(() => loaded), 'the refresh still ran');
      await turns(() => false, 3); // its store follows the load
      t.equal(await memory.get('k'), 2);
    },
  },
  {
    name: 'waitUntil: with no onEvent listener a refusal warns on the console, once per cache',
    async run(lib, t) {
      const ctx = new ExecutionContext();
      const warned = [];
      const original = console.warn;
      console.warn = (...args) => warned.push(args.join(' '));
      try {
        const cache = lib.tiered.createCache({ backend: mapBackend(), timeoutMs: 0, waitUntil: ctx.waitUntil });
        await cache.set('a', 1, { writeBehind: true });
        await cache.set('b', 1, { writeBehind: true });
      } finally {
        console.warn = original;
      }
      t.equal(warned.length, 1, warned.join(' | '));
      t.ok(/waitUntil refused/.test(warned[0]));
    },
  },
  {
    name: 'option typos get "did you mean" (createCache, set, getOrSet, cached)',
    async run(lib, t) {
      const cases = [
        [() => lib.createCache({ maxEntires: 10 }), 'maxEntries'],
        [() => lib.createCache({ defaultTTL: '1m' }), 'defaultTtl'],
        [() => lib.tiered.createCache({ backend: mapBackend(), timeoutMS: 5 }), 'timeoutMs'],
        [() => lib.cached(function f() {}, { ttll: '1m' }), 'ttl'],
      ];
      for (const [fn, expected] of cases) {
        const message = messageOf(fn);
        t.ok(message.startsWith('INVALID_OPTION') && message.includes(`did you mean \`${expected}\``), message);
      }
      const cache = lib.createCache();
      const set = await t.rejects(cache.set('k', 1, { tll: 5 }), 'INVALID_OPTION');
      t.ok(set.message.includes('did you mean `ttl`'), set.message);
      const gos = await t.rejects(cache.getOrSet('k', () => 1, { staleWhileRevalidat: 5 }), 'INVALID_OPTION');
      t.ok(gos.message.includes('did you mean `staleWhileRevalidate`'), gos.message);
      const far = messageOf(() => lib.createCache({ zzzzzzzz: 1 }));
      t.ok(far.startsWith('INVALID_OPTION') && !far.includes('did you mean'), far);
    },
  },
  {
    name: 'counters: set(k, 123n) then incr(k) counts; a BigInt reads back as a BigInt',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('n', 123n);
      t.equal(await cache.get('n'), 123n);
      t.equal(await cache.incr('n'), 124);
      await cache.set('neg', -5n);
      t.equal(await cache.decr('neg', 2n), -7);
      await cache.set('max', 2n ** 63n - 1n);
      t.equal(await cache.get('max'), 2n ** 63n - 1n);
      await t.rejects(cache.incr('max'), 'OVERFLOW');
      await cache.set('huge', 2n ** 70n);
      t.equal(await cache.get('huge'), 2n ** 70n, 'beyond 64 bits: still a BigInt');
      await t.rejects(cache.incr('huge'), 'NOT_AN_INTEGER', 'beyond 64 bits is not a counter');
    },
  },
  {
    name: 'cached: an anonymous function needs `name` or `key`; with `name` (as the README shows) it works',
    async run(lib, t) {
      const users = lib.createCache();
      const message = messageOf(() => lib.cached(async (id) => id, { cache: users }));
      t.ok(message.startsWith('INVALID_OPTION') && message.includes('`name`'), message);
      const getUser = lib.cached(async (id) => ({ id }), { cache: users, name: 'getUser' });
      t.deepEqual(await getUser(42n), { id: 42n });
      t.ok(await users.has(getUser.keyFor(42n)));
    },
  },
  {
    name: 'expiry happens at exactly +ttl (a 100 ms entry is gone at +100 ms, alive at +99)',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      await cache.set('k', 'v', { ttl: 100 });
      clock.advance(99);
      t.equal(await cache.get('k'), 'v');
      clock.advance(1);
      t.equal(await cache.get('k'), undefined);
    },
  },
  {
    name: 'a tiered cache has stats().l2 and stats().breaker (the typed TieredCacheStats shape)',
    async run(lib, t) {
      const cache = lib.tiered.createCache({ backend: mapBackend(), timeoutMs: 0 });
      await cache.set('k', 1);
      const stats = await cache.stats();
      t.equal(typeof stats.l2.writes, 'number');
      t.equal(stats.l2.writes, 1);
      t.equal(stats.breaker, 'closed');
    },
  },
  {
    name: 'Node Buffers are stored as bytes and come back as plain Uint8Array',
    async run(lib, t) {
      const { Buffer } = globalThis;
      if (typeof Buffer !== 'function') return; // Node only (and Deno's global, where present)
      const cache = lib.createCache();
      await cache.set('b', Buffer.from('hi'));
      const back = await cache.get('b');
      t.equal(Object.getPrototypeOf(back), Uint8Array.prototype);
      t.deepEqual(back, new Uint8Array([104, 105]));
    },
  },
];
