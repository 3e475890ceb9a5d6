// Conformance cases for getOrSet (alias wrap): single-flight, stale-while-revalidate,
// stale-if-error, error caching and option checks. Part of the one suite (cases.mjs).

/** A clock the test moves by hand, through the `now` option. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

/** A promise with its resolve function, for loaders the test releases by hand. */
function deferred() {
  let resolve;
  const promise = new Promise((res) => { resolve = res; });
  return { promise, resolve };
}

/** A loader counting its calls, returning `${label}-${n}` or throwing when `fail()` says so. */
function countingLoader(label, fail = () => false) {
  const loader = async () => {
    loader.calls += 1;
    await null;
    if (fail()) throw new Error(`${label} failed`);
    return `${label}-${loader.calls}`;
  };
  loader.calls = 0;
  return loader;
}

export const getOrSetCases = [
  {
    name: 'getOrSet: stats count a miss once, a hit once and a stale serve as staleHits',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      const loader = countingLoader('v');
      const options = { ttl: 1_000, staleWhileRevalidate: '10s', waitUntil: () => {} };
      await cache.getOrSet('k', loader, options);
      await cache.getOrSet('k', loader, options);
      let s = await cache.stats();
      t.deepEqual([s.hits, s.misses, s.hitRatio], [1, 1, 0.5], '1 miss + 1 hit');
      t.equal(s.staleHits, 0);
      clock.advance(1_500);
      t.equal(await cache.getOrSet('k', loader, options), 'v-1', 'served stale');
      s = await cache.stats();
      t.equal(s.staleHits, 1, 'counted as a stale hit');
    },
  },
  {
    name: 'getOrSet: miss loads and stores, hit returns without calling the loader',
    async run(lib, t) {
      const cache = lib.createCache();
      const loader = countingLoader('v');
      t.equal(await cache.getOrSet('k', loader, { ttl: '1m' }), 'v-1');
      t.equal(await cache.getOrSet('k', loader), 'v-1', 'hit');
      t.equal(await cache.get('k'), 'v-1', 'stored');
      t.equal(loader.calls, 1);
      t.equal(await cache.wrap('k', loader), 'v-1', 'wrap is the same method');
      t.deepEqual(await cache.getOrSet('sync', () => new Map([[1n, new Date(5)]])), new Map([[1n, new Date(5)]]),
        'a synchronous loader and a rich value');
      t.equal(await cache.getOrSet('u', () => undefined), undefined);
      t.equal(await cache.has('u'), true, 'a stored undefined is a hit');
      t.equal(await cache.getOrSet('u', () => 'other'), undefined);
    },
  },
  {
    name: 'getOrSet: 1,000 concurrent callers on a miss call the loader once',
    async run(lib, t) {
      const cache = lib.createCache();
      const gate = deferred();
      let calls = 0;
      const loader = async () => {
        calls += 1;
        await gate.promise;
        return { n: calls };
      };
      const all = Array.from({ length: 1000 }, () => cache.getOrSet('hot', loader, { ttl: 60_000 }));
      const other = cache.getOrSet('cold', loader, { ttl: 60_000 });
      gate.resolve();
      const results = await Promise.all(all);
      t.equal(calls, 2, 'one call for "hot", one for "cold"');
      t.ok(results.every((r) => r.n === results[0].n), 'every caller sees the same value');
      await other;
      const view = cache.namespace('elsewhere');
      t.equal(await view.getOrSet('hot', () => 'separate'), 'separate', 'namespaces do not share flights');
    },
  },
  {
    name: 'getOrSet: loader errors reject every waiting caller and are not cached',
    async run(lib, t) {
      const cache = lib.createCache();
      let failing = true;
      const loader = countingLoader('v', () => failing);
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => cache.getOrSet('k', loader)));
      t.equal(loader.calls, 1, 'one call for the whole herd');
      t.ok(results.every((r) => r.status === 'rejected' && r.reason.message === 'v failed'), 'the loader\'s own error');
      t.equal(await cache.has('k'), false, 'nothing stored');
      failing = false;
      t.equal(await cache.getOrSet('k', loader), 'v-2', 'the next call loads again');
    },
  },
  {
    name: 'getOrSet: cacheErrors keeps a failure for its short TTL only',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      let failing = true;
      const loader = countingLoader('v', () => failing);
      const options = { ttl: '1m', cacheErrors: { ttl: '5s' } };
      const first = await cache.getOrSet('k', loader, options).catch((e) => e);
      t.equal(first.message, 'v failed');
      failing = false;
      const second = await cache.getOrSet('k', loader, options).catch((e) => e);
      t.equal(second.message, 'v failed', 'the cached failure');
      t.equal(second.cached, true);
      t.equal(loader.calls, 1, 'no call while the failure is cached');
      clock.advance(5_001);
      t.equal(await cache.getOrSet('k', loader, options), 'v-2', 'loads again after the error TTL');
      t.equal(await cache.has('k'), true);
      await t.rejects(() => cache.getOrSet('k', loader, { cacheErrors: true }), 'INVALID_OPTION', 'no implicit error TTL');
      await t.rejects(() => cache.getOrSet('k', loader, { cacheErrors: { ttl: null } }), 'INVALID_OPTION');
    },
  },
  {
    name: 'getOrSet: stale-while-revalidate serves stale and refreshes once through waitUntil',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      const loader = countingLoader('v');
      const handed = [];
      const options = { ttl: 1_000, staleWhileRevalidate: '10s', waitUntil: (p) => handed.push(p) };
      t.equal(await cache.getOrSet('k', loader, options), 'v-1');
      t.equal(handed.length, 0, 'no background work on a miss');
      clock.advance(1_500); // stale, inside the SWR window
      t.equal(await cache.get('k'), undefined, 'plain reads treat it as absent');
      const stale = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('k', loader, options)));
      t.ok(stale.every((v) => v === 'v-1'), 'every caller gets the stale value at once');
      t.ok(handed.length >= 1 && handed.every((p) => typeof p?.then === 'function'), 'waitUntil got the refresh');
      await Promise.all(handed);
      t.equal(loader.calls, 2, 'one refresh for twenty stale reads');
      t.equal(await cache.getOrSet('k', loader, options), 'v-2', 'the refreshed value, fresh');
      clock.advance(1_000 + 10_000); // past fresh and past the SWR window
      t.equal(await cache.getOrSet('k', loader, options), 'v-3', 'too stale: a blocking load');
    },
  },
  {
    name: 'getOrSet: a failing background refresh is swallowed and the stale value stays',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      let failing = false;
      const loader = countingLoader('v', () => failing);
      const handed = [];
      const options = { ttl: 1_000, staleWhileRevalidate: 60_000, waitUntil: { waitUntil: (p) => handed.push(p) } };
      await cache.getOrSet('k', loader, options);
      clock.advance(2_000);
      failing = true;
      t.equal(await cache.getOrSet('k', loader, options), 'v-1');
      t.equal(handed.length, 1, 'a ctx object with a waitUntil method works too');
      t.equal(await handed[0], undefined, 'the handed promise resolves even though the refresh failed');
      t.equal(await cache.getOrSet('k', loader, options), 'v-1', 'still served stale');
      await Promise.all(handed);
      t.equal(loader.calls, 3);
      const throwing = { ttl: 1_000, staleWhileRevalidate: 60_000, waitUntil: () => { throw new Error('no ctx'); } };
      t.equal(await cache.getOrSet('k', loader, throwing), 'v-1', 'a throwing waitUntil does not fail the read');
    },
  },
  {
    name: 'getOrSet: staleIfError serves stale on loader failure and rejects past the window',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      let failing = false;
      const loader = countingLoader('v', () => failing);
      const options = { ttl: 1_000, staleIfError: '1m' };
      t.equal(await cache.getOrSet('k', loader, options), 'v-1');
      failing = true;
      clock.advance(30_000);
      t.equal(await cache.getOrSet('k', loader, options), 'v-1', 'stale because the loader failed');
      t.equal(loader.calls, 2, 'the loader was tried first');
      clock.advance(31_001); // 60 001 ms past fresh: outside the window
      const err = await cache.getOrSet('k', loader, options).catch((e) => e);
      t.equal(err?.message, 'v failed', 'past the window: the loader\'s error');
      failing = false;
      t.equal(await cache.getOrSet('k', loader, options), 'v-4');
    },
  },
  {
    name: 'getOrSet: shouldCache decides what is stored',
    async run(lib, t) {
      const cache = lib.createCache();
      const loader = countingLoader('v');
      const options = { shouldCache: (v) => v !== 'v-1' };
      t.equal(await cache.getOrSet('k', loader, options), 'v-1');
      t.equal(await cache.has('k'), false, 'refused by shouldCache');
      t.equal(await cache.getOrSet('k', loader, options), 'v-2');
      t.equal(await cache.getOrSet('k', loader, options), 'v-2', 'stored');
      t.equal(loader.calls, 2);
    },
  },
  {
    name: 'getOrSet: tags and invalidation remove values and their stale copies',
    async run(lib, t) {
      const clock = manualClock();
      const cache = lib.createCache({ now: clock.now });
      const loader = countingLoader('v');
      const options = { ttl: 1_000, staleWhileRevalidate: 60_000, tags: ['users'] };
      await cache.getOrSet('user:1', loader, options);
      clock.advance(2_000);
      await cache.invalidateTags('users'); // stale copies go too (the count is of fresh ones)
      t.equal(await cache.getOrSet('user:1', loader, options), 'v-2', 'no stale copy left to serve');
      const found = await cache.getAllowingStale('user:1', 0);
      t.deepEqual(found, { value: 'v-2', stale: false });
    },
  },
  {
    name: 'getOrSet: bad arguments reject before the loader runs',
    async run(lib, t) {
      const cache = lib.createCache();
      const loader = countingLoader('v');
      await t.rejects(() => cache.getOrSet(42, loader), 'INVALID_KEY');
      await t.rejects(() => cache.getOrSet('', loader), 'INVALID_KEY');
      await t.rejects(() => cache.getOrSet('k', 'not a function'), 'INVALID_OPTION');
      await t.rejects(() => cache.getOrSet('k', loader, { ttl: -5 }), 'INVALID_TTL');
      await t.rejects(() => cache.getOrSet('k', loader, { tll: 5 }), 'INVALID_OPTION', 'a typo');
      await t.rejects(() => cache.getOrSet('k', loader, { staleWhileRevalidate: 'soon' }), 'INVALID_OPTION');
      await t.rejects(() => cache.getOrSet('k', loader, { waitUntil: 5 }), 'INVALID_OPTION');
      await t.rejects(() => cache.getOrSet('k', loader, { shouldCache: true }), 'INVALID_OPTION');
      t.equal(loader.calls, 0);
      await t.rejects(() => cache.getOrSet('k', () => () => 1), 'UNSUPPORTED_VALUE', 'an unstorable value');
      t.equal(await cache.has('k'), false);
    },
  },
];
