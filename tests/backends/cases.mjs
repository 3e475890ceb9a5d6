// The backend conformance suite: the same cases run against every adapter on
// its real service (Workers KV in workerd, Deno KV, Redis over HTTP, and the
// in-process memory backend). Portable: no host APIs beyond timers.
//
// Each case is { name, run(lib, backendFactory, t) }:
// - lib: the package's exports plus its adapters (edgecache + edgecache/adapters);
// - backendFactory(): a new adapter on the one shared service (two caches made
//   from two adapters are two "isolates" on one store); its `atomic` property
//   (set by each runner, never derived) says whether the service must grant leases;
// - t: tests/conformance/assert.mjs.
// A service without listing (the Cache API) gets the same cases: where one
// needs listing, it checks the UNSUPPORTED answer instead (pattern deletes,
// namespace clears) or reads the stored keys off a recording wrapper.
// Every case works under its own key prefix, so cases never see each other's
// data. Runners record unhandled rejections in globalThis.__edgecacheUnhandled;
// every case fails if one appeared while it ran.

const T0 = 1_700_000_000_000;
let serial = 0;

function clock() {
  let now = T0;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

/** A fresh, unique prefix (no ':' allowed). */
function uniquePrefix() {
  serial += 1;
  return `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}x${serial}`;
}

/** Incompressible bytes from a fixed seed. */
function noise(length, seed = 7) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * An adapter wrapper for fault injection: `failNext(n, kind)` makes the next n
 * calls throw a classified error ('transient', 'permanent'), `hangNext(n)`
 * makes them never answer, `garbageNext(n)` makes get answer with a number;
 * `thrown` lists every error it threw, `ttlHints` every set's TTL hint,
 * `written` every key given to set.
 */
function faulty(adapter) {
  const plan = [];
  const thrown = [];
  const ttlHints = [];
  const written = [];
  const wrapped = { caps: adapter.caps, thrown, ttlHints, written };
  const methods = ['get', 'set', 'delete', 'getMany', 'setMany', 'deleteMany', 'listKeys', 'setIfAbsent'];
  for (const m of methods) {
    if (typeof adapter[m] !== 'function') continue;
    wrapped[m] = async (...args) => {
      if (m === 'set') { ttlHints.push(args[2]); written.push(args[0]); }
      if (m === 'setMany') ttlHints.push(args[1]);
      const fault = plan.shift();
      if (fault === 'hang') return new Promise(() => {});
      if (fault === 'garbage' && (m === 'get' || m === 'getMany')) return m === 'get' ? 42 : args[0].map(() => 42);
      if (fault === 'transient' || fault === 'permanent') {
        const err = new Error(`injected ${fault} failure`);
        err.kind = fault;
        thrown.push(err);
        throw err;
      }
      return adapter[m](...args);
    };
  }
  wrapped.failNext = (n, kind) => { for (let i = 0; i < n; i++) plan.push(kind); };
  wrapped.hangNext = (n) => { for (let i = 0; i < n; i++) plan.push('hang'); };
  wrapped.garbageNext = (n) => { for (let i = 0; i < n; i++) plan.push('garbage'); };
  wrapped.healthy = () => { plan.length = 0; };
  return wrapped;
}

/**
 * An adapter wrapper that counts the calls made to each method (`calls.get`,
 * `calls.getMany`, ...); `reads()` is every call that reads values.
 */
function counting(adapter) {
  const calls = {};
  const wrapped = { caps: adapter.caps, calls };
  for (const m of ['get', 'set', 'delete', 'getMany', 'setMany', 'deleteMany', 'listKeys', 'setIfAbsent']) {
    if (typeof adapter[m] !== 'function') continue;
    wrapped[m] = (...args) => {
      calls[m] = (calls[m] ?? 0) + 1;
      return adapter[m](...args);
    };
  }
  wrapped.reads = () => (calls.get ?? 0) + (calls.getMany ?? 0);
  wrapped.reset = () => { for (const m of Object.keys(calls)) delete calls[m]; };
  return wrapped;
}

/** Two caches ("isolates") on one service under one prefix, sharing a manual clock. */
function pair(lib, backendFactory, extra = {}) {
  const c = clock();
  const prefix = uniquePrefix();
  const make = (backend, more = {}) => lib.createCache({
    backend, prefix, now: c.now, tagCacheMs: 0, retries: { count: 2, baseMs: 0, maxMs: 0 }, ...extra, ...more,
  });
  return { a: make(backendFactory()), b: make(backendFactory()), make, prefix, clock: c };
}

async function checked(t, run) {
  const unhandled = (globalThis.__edgecacheUnhandled ??= []);
  const before = unhandled.length;
  await run();
  await tick();
  await tick();
  if (unhandled.length > before) {
    t.ok(false, `unhandled rejection: ${String(unhandled[before]?.stack ?? unhandled[before])}`);
  }
}

const cases = [
  {
    name: 'read-through: a second cache reads what the first wrote, then serves it from L1',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { a, b } = pair(lib, backendFactory);
      await a.set('user:1', { name: 'Ada', tags: ['x', 1n] });
      t.deepEqual(await b.get('user:1'), { name: 'Ada', tags: ['x', 1n] }, 'read through');
      const first = await b.stats();
      t.equal(first.l2.hits, 1, 'one L2 hit');
      t.deepEqual(await b.get('user:1'), { name: 'Ada', tags: ['x', 1n] }, 'from L1');
      const second = await b.stats();
      t.equal(second.l2.hits, 1, 'no second L2 read');
      t.equal(second.hits, 1, 'an L1 hit');
      t.equal(await b.get('absent'), undefined, 'a miss is undefined');
      t.equal((await b.stats()).l2.misses, 1, 'the miss is counted');
      t.deepEqual(await b.getMany(['user:1', 'absent']), [{ name: 'Ada', tags: ['x', 1n] }, undefined]);
      t.equal(await b.has('user:1'), true);
    }),
  },
  {
    name: 'write-through: overwrites and deletes reach the shared service',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { a, make } = pair(lib, backendFactory);
      await a.set('k', 'v1');
      await a.set('k', 'v2');
      await a.setMany([['m1', 1], ['m2', 'two']]);
      const fresh = make(backendFactory());
      t.equal(await fresh.get('k'), 'v2');
      t.deepEqual(await fresh.getMany(['m1', 'm2']), [1, 'two']);
      t.equal(await a.delete('k'), true, 'a held it in L1');
      t.equal(await make(backendFactory()).get('k'), undefined, 'deleted in L2');
      t.equal((await a.stats()).l2.writes, 4, 'one write per entry');
    }),
  },
  {
    name: 'tags invalidate across caches; patterns and namespace clears reach L2',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { a, b, make } = pair(lib, backendFactory);
      await a.set('p1', 'one', { tags: ['product'] });
      await a.set('p2', 'two', { tags: ['product', 'other'] });
      await a.set('q', 'kept', { tags: ['other'] });
      t.equal(await b.get('p1'), 'one', 'b has p1 in L1 now');
      await a.invalidateTags('product');
      t.equal(await b.get('p1'), undefined, 'b sees the new generation (tagCacheMs 0)');
      t.equal(await b.get('p2'), undefined);
      t.equal(await b.get('q'), 'kept');

      if (typeof backendFactory().listKeys !== 'function') {
        // No listing: refused before anything changes (tags are the way).
        await a.set('user:1', 1);
        await t.rejects(a.deleteMatching('user:*'), 'UNSUPPORTED');
        await t.rejects(a.namespace('orders').clear(), 'UNSUPPORTED');
        t.equal(await a.get('user:1'), 1, 'L1 kept it');
        t.equal(await make(backendFactory()).get('user:1'), 1, 'L2 kept it');
        return;
      }
      await a.set('user:1', 1);
      await a.set('user:2', 2);
      await a.set('post:1', 3);
      await a.deleteMatching('user:*');
      const c = make(backendFactory());
      t.equal(await c.get('user:1'), undefined);
      t.equal(await c.get('user:2'), undefined);
      t.equal(await c.get('post:1'), 3);

      const ns = a.namespace('orders');
      await ns.set('o1', 'x');
      await a.set('o1', 'default ns');
      await ns.clear();
      t.equal(await make(backendFactory()).namespace('orders').get('o1'), undefined, 'namespace cleared');
      t.equal(await make(backendFactory()).get('o1'), 'default ns', 'other namespace kept');
    }),
  },
  {
    name: 'TTL: the backend hint is clamped to the service minimum, the logical expiry stays exact',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const spy = faulty(backendFactory());
      const { make, clock: c } = pair(lib, backendFactory);
      const a = make(spy);
      await a.set('short', 'v', { ttl: 5000 });
      const hint = spy.ttlHints.at(-1);
      const min = spy.caps?.preset === 'workers-kv' ? 60_000 : 5000;
      t.ok(typeof hint === 'number' && hint >= min, `hint ${hint} >= ${min}`);
      t.ok(hint <= Math.max(min, 5000) + 1000, `hint ${hint} is not far above what was asked`);
      await a.set('forever', 'v');
      t.equal(spy.ttlHints.at(-1), undefined, 'no TTL, no hint');
      c.advance(4000);
      t.equal(await make(backendFactory()).get('short'), 'v', 'alive at 4 s');
      c.advance(2000);
      t.equal(await make(backendFactory()).get('short'), undefined, 'expired at 6 s, whatever the backend kept');
      t.equal(await a.get('short'), undefined, 'expired in L1 too');
    }),
  },
  {
    name: 'big values round-trip (chunked where the service limit is lower)',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const raw = backendFactory();
      const { a, make, prefix } = pair(lib, backendFactory);
      const big = noise(200 * 1024);
      await a.set('big', big);
      const got = await make(backendFactory()).get('big');
      t.ok(got instanceof Uint8Array && got.length === big.length, 'same length');
      t.ok(got.every((x, i) => x === big[i]), 'same bytes');
      const stored = await raw.get(`${prefix}::big`);
      const limit = raw.caps?.maxValueBytes ?? { 'workers-kv': 25 << 20, 'deno-kv': 64 << 10, 'redis-http': 1 << 20 }[raw.caps?.preset] ?? Infinity;
      const chunked = stored[0] === 0xec && stored[1] === 0xcb;
      t.equal(chunked, limit < big.length, `chunked exactly when over the limit (${limit})`);
    }),
  },
  {
    name: 'long keys are hashed to fit the service',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const raw = backendFactory();
      const spy = faulty(backendFactory());
      const { make, prefix } = pair(lib, backendFactory, { maxKeyBytes: 8000 });
      const a = make(spy);
      const key = `long:${'k'.repeat(5000)}`;
      await a.set(key, 'value');
      t.equal(await make(backendFactory()).get(key), 'value');
      const listed = typeof raw.listKeys === 'function'
        ? await raw.listKeys(`${prefix}::long:`)
        : spy.written.filter((k) => k.startsWith(`${prefix}::long:`));
      t.equal(listed.length, 1, 'one stored key');
      const stored = listed[0];
      const max = raw.caps?.maxKeyBytes ?? { 'workers-kv': 512, 'deno-kv': 2048, 'redis-http': 1024 }[raw.caps?.preset] ?? 4096;
      t.ok(new TextEncoder().encode(stored).length <= max, `stored key fits ${max} bytes`);
      t.ok(stored.length < key.length && /#[0-9a-f]{32}$/.test(stored), 'ends in the hash');
    }),
  },
  {
    name: 'corrupt data in the service is a miss and a counted, reported error',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const raw = backendFactory();
      const { a, prefix } = pair(lib, backendFactory);
      const events = [];
      await a.onEvent((e) => events.push(e));
      await raw.set(`${prefix}::bad`, new Uint8Array([0xec, 0xca, 1, 2, 3]));
      await raw.set(`${prefix}::foreign`, new TextEncoder().encode('{"written":"by someone else"}'));
      await raw.set(`${prefix}::manifest`, new Uint8Array(48).fill(0xcb).map((x, i) => (i === 0 ? 0xec : x)));
      t.equal(await a.get('bad'), undefined);
      t.equal(await a.get('foreign'), undefined);
      t.equal(await a.get('manifest'), undefined);
      const s = await a.stats();
      t.equal(s.l2.corrupt, 3, 'three corrupt entries counted');
      t.equal(events.filter((e) => e.type === 'corrupt-entry').length, 3, 'and reported');
      t.ok(events.every((e) => e.error?.name === 'EdgeCacheError'), 'as EdgeCacheErrors');
      await a.set('bad', 'repaired');
      t.equal(await a.get('bad'), 'repaired');
    }),
  },
  {
    name: 'faults: transient errors are retried and counted; the adapter exception is the cause',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const spy = faulty(backendFactory());
      const { make } = pair(lib, backendFactory);
      const a = make(spy);
      const events = [];
      await a.onEvent((e) => events.push(e));
      spy.failNext(2, 'transient');
      await a.set('k', 'v');
      const s = await a.stats();
      t.equal(s.l2.errors, 2, 'two failed attempts');
      t.equal(s.l2.retries, 2, 'two retries');
      t.equal(s.l2.writes, 1, 'then written');
      t.equal(await make(backendFactory()).get('k'), 'v', 'acknowledged write is in L2');
      const failures = events.filter((e) => e.type === 'backend-error');
      t.equal(failures.length, 2);
      t.equal(failures[0].error.code, 'BACKEND_ERROR');
      t.equal(failures[0].error.cause, spy.thrown[0], 'the very exception is the cause');
      spy.failNext(1, 'permanent');
      await a.set('p', 'v');
      t.equal((await a.stats()).l2.retries, 2, 'permanent errors are not retried');
      t.equal(await a.get('p'), 'v', 'L1 has it anyway');
      spy.garbageNext(1);
      t.equal(await make(spy).get('k'), undefined, 'a garbage answer is a miss');
    }),
  },
  {
    name: 'faults: timeouts and an open breaker leave L1 serving, with no rejection',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const spy = faulty(backendFactory());
      const { make } = pair(lib, backendFactory);
      const a = make(spy, { timeoutMs: 30, breaker: { threshold: 2, cooldownMs: 60_000 } });
      const events = [];
      await a.onEvent((e) => events.push(e.type));
      await a.set('warm', 'v');
      spy.hangNext(1);
      t.equal(await a.get('cold1'), undefined, 'a timed-out read is a miss');
      t.equal((await a.stats()).l2.timeouts, 1);
      spy.failNext(10, 'transient');
      await a.set('during', 'outage');
      const s = await a.stats();
      t.equal(s.breaker, 'open', 'the breaker opened');
      t.ok(events.includes('breaker-open'));
      t.equal(await a.get('warm'), 'v', 'L1 keeps serving');
      t.equal(await a.get('during'), 'outage', 'writes during the outage are in L1');
      t.equal(await a.get('cold2'), undefined, 'misses do not fail');
      t.ok((await a.stats()).l2.rejected >= 1, 'L2 calls are skipped while open');
    }),
  },
  {
    name: 'write-behind hands the L2 write to waitUntil; overlapping calls work',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const pending = [];
      const { a, make } = pair(lib, backendFactory, { waitUntil: (p) => pending.push(p) });
      await a.set('wb', 'later', { writeBehind: true });
      t.equal(pending.length, 1, 'one promise handed to waitUntil');
      t.equal(await a.get('wb'), 'later', 'L1 has it at once');
      await Promise.all(pending);
      t.equal(await make(backendFactory()).get('wb'), 'later', 'L2 has it after the flush');
      const own = [];
      await a.set('wb2', 2, { writeBehind: true, waitUntil: (p) => own.push(p) });
      t.equal(own.length, 1, 'the per-call waitUntil wins');
      await Promise.all(own);
      const ctx = { handed: [], waitUntil(p) { this.handed.push(p); } };
      await make(backendFactory(), { waitUntil: ctx }).set('wb3', 3, { writeBehind: true });
      t.equal(ctx.handed.length, 1, 'a Worker ctx (an object with waitUntil) works as the cache\'s waitUntil');
      await Promise.all(ctx.handed);
      const keys = Array.from({ length: 20 }, (_, i) => `par${i}`);
      await Promise.all(keys.map((k, i) => a.set(k, i)));
      const reader = make(backendFactory());
      t.deepEqual(await Promise.all(keys.map((k) => reader.get(k))), keys.map((_, i) => i));
    }),
  },
  {
    name: 'leases: one load across caches where the service has atomic writes',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { a, b } = pair(lib, backendFactory);
      t.equal(typeof backendFactory.atomic, 'boolean', 'the runner states whether this service has atomic writes');
      const probe = await a.tryLease('probe', 5000);
      if (!backendFactory.atomic) {
        // 'unavailable' is also what a failing setIfAbsent produces: only a
        // service without atomic writes may take this branch.
        t.equal(probe, 'unavailable', 'no atomic writes: no lease');
        t.equal(await b.tryLease('probe', 5000), 'unavailable', 'no atomic writes: no lease anywhere');
        return;
      }
      t.equal(probe, 'acquired', 'a service with atomic writes grants the lease');
      t.equal(await b.tryLease('probe', 5000), 'busy', 'the other isolate sees it taken');
      await a.releaseLease('probe');
      t.equal(await b.tryLease('probe', 5000), 'acquired', 'released: free again');
      await b.releaseLease('probe');

      let calls = 0;
      let open;
      const gate = new Promise((resolve) => { open = resolve; });
      const loader = async () => { calls += 1; await gate; return { v: 42 }; };
      const options = { ttl: 60_000, lease: { ttl: 5000, wait: 5000, poll: 10 } };
      const first = a.getOrSet('hot', loader, options);
      for (let waited = 0; calls === 0 && waited < 5000; waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      t.equal(calls, 1, 'the first cache took the lease and is loading');
      const second = b.getOrSet('hot', loader, options);
      await new Promise((resolve) => setTimeout(resolve, 30));
      open();
      t.deepEqual(await first, { v: 42 });
      t.deepEqual(await second, { v: 42 }, 'the waiting cache got the winner\'s value');
      t.equal(calls, 1, 'the loader ran once across both caches');
      t.equal(await b.tryLease('hot', 5000), 'acquired', 'the lease was released after the load');
      await b.releaseLease('hot');
    }),
  },
  {
    name: 'what a tiered cache cannot do rejects with UNSUPPORTED',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { a } = pair(lib, backendFactory);
      await a.set('k', 1);
      await t.rejects(a.ttl('k'), 'UNSUPPORTED');
      await t.rejects(a.incr('k'), 'UNSUPPORTED');
      await t.rejects(a.keys('*'), 'UNSUPPORTED');
      await t.rejects(a.set('k', 1, { idle: 1000 }), 'UNSUPPORTED');
      await t.rejects(a.onRemoval(() => {}), 'UNSUPPORTED');
      t.throws(() => lib.createCache({ prefix: 'x' }), 'INVALID_OPTION');
    }),
  },
  {
    name: 'signed and encrypted entries: rotation works; tampered, moved, unsealed and foreign entries are misses plus security errors',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const raw = backendFactory();
      const k1 = 'the first key, at least 32 bytes long';
      const k2 = new Uint8Array(32).fill(7);
      const has = (bytes, text) => {
        const needle = new TextEncoder().encode(text);
        return bytes.some((_, i) => needle.every((b, j) => bytes[i + j] === b));
      };
      for (const mode of ['signingKeys', 'encryptionKeys']) {
        const c = clock();
        const prefix = uniquePrefix();
        const make = (keys) => lib.createCache({ backend: backendFactory(), prefix, now: c.now, tagCacheMs: 0, [mode]: keys });
        const a = make([k1]);
        await a.set('user:1', { secret: 'Ada Lovelace' });
        await a.set('user:5', 'five');
        t.deepEqual(await make([k2, k1]).get('user:1'), { secret: 'Ada Lovelace' }, `${mode}: a rotated ring reads entries of the old key`);
        const stored = await raw.get(`${prefix}::user:1`);
        t.ok(stored[0] === 0xec && stored[1] === 0xcd, `${mode}: stored sealed`);
        t.equal(has(stored, 'Lovelace'), mode === 'signingKeys', `${mode}: payload hidden exactly when encrypting`);
        const tampered = stored.slice();
        tampered[tampered.length - 5] ^= 1;
        await raw.set(`${prefix}::user:2`, stored);
        await raw.set(`${prefix}::user:1`, tampered);
        await lib.createCache({ backend: backendFactory(), prefix, now: c.now }).set('plain', 'unsealed');
        const reader = make([k1]);
        const events = [];
        await reader.onEvent((e) => events.push(e));
        t.equal(await reader.get('user:2'), undefined, `${mode}: an entry moved to another key is rejected`);
        t.equal(await reader.get('user:1'), undefined, `${mode}: a tampered entry is rejected`);
        t.equal(await reader.get('plain'), undefined, `${mode}: an unsealed entry is rejected`);
        t.equal(await reader.get('user:5'), 'five', `${mode}: an intact entry still reads`);
        const s = await reader.stats();
        t.equal(s.l2.security, 3, `${mode}: three security errors counted`);
        t.equal(events.filter((e) => e.type === 'security-error').length, 3, `${mode}: and reported`);
        const stranger = make([k2]);
        t.equal(await stranger.get('user:5'), undefined, `${mode}: a wrong key is rejected`);
        t.equal((await stranger.stats()).l2.security, 1);
        for (const bad of [['short key'], [], 'not an array', [42], [new Uint8Array(31)]]) {
          t.throws(() => make(bad), 'INVALID_OPTION');
        }
      }
      t.throws(() => lib.createCache({ signingKeys: [k1] }), 'INVALID_OPTION');
    }),
  },
  {
    name: 'health: L1 size, breaker, the last backend failure and a timed probe',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const spy = faulty(backendFactory());
      const { make, clock: c } = pair(lib, backendFactory);
      const a = make(spy, { retries: 0 });
      await a.set('k', 'v');
      let h = await a.health();
      t.deepEqual([h.l1.entries, h.breaker, h.lastError, h.probe], [1, 'closed', null, undefined]);
      t.ok(h.l1.bytes > 0, 'L1 bytes');
      c.advance(7);
      spy.failNext(1, 'permanent');
      await a.get('absent');
      h = await a.health({ probe: true });
      t.equal(h.lastError?.op, 'get', 'the failed operation');
      t.ok(/injected permanent failure/.test(h.lastError?.message), h.lastError?.message);
      t.equal(h.lastError?.at, c.now(), 'and when, on the cache clock');
      t.equal(h.probe?.ok, true, 'the backend answers now');
      t.ok(h.probe.latencyMs >= 0);
      await t.rejects(a.health(null), 'INVALID_OPTION');
      const memory = lib.createCache();
      await memory.set('x', 1);
      t.deepEqual(await memory.health(), { l1: { entries: 1, bytes: (await memory.stats()).bytes }, breaker: null, lastError: null });
    }),
  },
  {
    name: 'single-flight reaches the store: a miss is one backend read, however many callers',
    run: (lib, backendFactory, t) => checked(t, async () => {
      const { make } = pair(lib, backendFactory);
      const spy = counting(backendFactory());
      const a = make(spy);
      let loads = 0;
      const loader = async () => { loads += 1; await tick(); return { n: loads }; };
      t.deepEqual(await a.getOrSet('one', loader, { ttl: 60_000 }), { n: 1 });
      t.equal(spy.reads(), 1, 'a single miss reads the backend once');
      t.equal((await a.stats()).misses, 1, 'and counts one miss');
      spy.reset();
      const all = await Promise.all(Array.from({ length: 100 }, () => a.getOrSet('hot', loader, { ttl: 60_000 })));
      t.equal(loads, 2, 'one load for 100 callers');
      t.ok(all.every((v) => v.n === 2), 'every caller got the loaded value');
      t.equal(spy.reads(), 1, `100 concurrent callers on a cold key read the backend once (${JSON.stringify(spy.calls)})`);
      t.equal(spy.calls.set ?? spy.calls.setMany, 1, 'and write it once');
      spy.reset();
      t.deepEqual(await a.getOrSet('hot', loader), { n: 2 }, 'then a hit');
      t.equal(spy.reads(), 0, 'served from L1');
      const s = await a.stats();
      t.equal(s.hits, 1, 'the hit is counted');
      t.equal(s.misses, 2, 'each cold key counted once as a miss');
    }),
  },
];

export { cases, counting, faulty };
