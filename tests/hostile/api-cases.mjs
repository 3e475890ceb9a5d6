// Hostile callers: what is passed to the API (issue #11). See cases.mjs.
// No timing limits: each case asserts on wasm memory growth
// (lib.wasmMemoryBytes()), on calls counted (getters, Proxy traps) and on
// error codes. The glob's cost is counted in Rust (src/pattern.rs tests and
// the glob_steps fuzz target), where the steps can be seen.

const MiB = 1 << 20;

/** Wasm memory may grow by less than this while refusing input (it never shrinks). */
const SLACK = MiB;

/** A size that cannot fit in the wasm memory there is now: copying it would have to grow it. */
function largerThanWasmMemory(lib, atLeast) {
  return Math.min(Math.max(atLeast, lib.wasmMemoryBytes() + 8 * MiB), 256 * MiB);
}

/** Runs fn and returns how many bytes wasm memory grew meanwhile. */
async function growthDuring(lib, fn) {
  const before = lib.wasmMemoryBytes();
  await fn();
  return lib.wasmMemoryBytes() - before;
}

/** A Map-backed adapter (the shape edgecache/adapters documents). */
function mapBackend() {
  const map = new Map();
  return {
    name: 'test-map',
    caps: {},
    async get(key) { return map.get(key)?.slice(); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
}

/** Both drivers: the memory-only cache and a tiered one over a Map backend. */
function bothDrivers(lib, options = {}) {
  return [
    ['memory', lib.createCache(options)],
    ['tiered', lib.tiered.createCache({ ...options, backend: mapBackend(), timeoutMs: 0 })],
  ];
}

/** The outcome of a promise that should settle, or 'still pending' (old code hung here). */
async function settleOrHang(promise, guardMs = 5_000) {
  let timer;
  const guard = new Promise((resolve) => {
    timer = setTimeout(() => resolve('still pending'), guardMs);
  });
  try {
    return await Promise.race([promise.then((v) => ({ value: v }), (err) => ({ code: err?.code ?? String(err) })), guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether this host has AsyncLocalStorage (how js/loader-context.js looks it up). */
function hasAsyncLocalStorage() {
  try {
    return typeof (globalThis.AsyncLocalStorage
      ?? globalThis.process?.getBuiltinModule?.('node:async_hooks')?.AsyncLocalStorage) === 'function';
  } catch {
    return false;
  }
}

export const apiCases = [
  {
    name: 'a key longer than maxKeyBytes is refused before it is copied into wasm',
    async run(lib, t) {
      const cache = lib.createCache();
      const huge = 'k'.repeat(largerThanWasmMemory(lib, 20_000_000));
      const grew = await growthDuring(lib, async () => {
        await t.rejects(cache.has(huge), 'INVALID_KEY', 'has');
        await t.rejects(cache.get(huge), 'INVALID_KEY', 'get');
        await t.rejects(cache.set(huge, 1), 'INVALID_KEY', 'set');
        await t.rejects(cache.delete(huge), 'INVALID_KEY', 'delete');
        await t.rejects(cache.getMany(['a', huge]), 'INVALID_KEY', 'getMany');
        await t.rejects(cache.namespace(huge).get('a'), 'INVALID_OPTION', 'namespace name');
        await t.rejects(cache.keys(huge), 'INVALID_PATTERN', 'pattern');
        await t.rejects(cache.set('a', 1, { tags: [huge] }), 'INVALID_OPTION', 'tag');
        const many = Array.from({ length: 2_000_000 }, (_, i) => `key:${i}`);
        await t.rejects(cache.getMany(many), 'LIMIT_EXCEEDED', 'a batch of 2 000 000 keys');
      });
      t.ok(grew < SLACK, `wasm memory grew by ${grew} bytes for refused keys of ${huge.length} characters`);
    },
  },
  {
    name: 'a value over maxValueBytes is refused before it is copied into wasm, and drops the older entry',
    async run(lib, t) {
      for (const [label, cache] of bothDrivers(lib, { maxValueBytes: MiB })) {
        await cache.set('k', 'old');
        const size = largerThanWasmMemory(lib, 100 * MiB);
        const grew = await growthDuring(lib, async () => {
          await t.rejects(cache.set('k', new Uint8Array(size)), 'VALUE_TOO_LARGE', `${label}: bytes`);
          await t.rejects(cache.set('s', 'x'.repeat(size)), 'VALUE_TOO_LARGE', `${label}: string`);
          await t.rejects(cache.setMany([['m', new Uint8Array(size)]]), 'VALUE_TOO_LARGE', `${label}: setMany`);
        });
        t.ok(grew < SLACK, `${label}: wasm memory grew by ${grew} bytes for refused values of ${size} bytes`);
        t.equal(await cache.get('k'), undefined, `${label}: the refused overwrite dropped the older value`);
        await cache.close();
      }
    },
  },
  {
    name: 'the encoder stops at maxValueBytes: a value of a million repeated references fails fast',
    async run(lib, t) {
      let reads = 0;
      const shared = {
        get a() {
          reads++;
          return 'xyz';
        },
      };
      const refs = 1 << 20;
      const value = new Array(refs).fill(shared);
      const cache = lib.createCache({ maxValueBytes: 64 * 1024 });
      const grew = await growthDuring(lib, () => t.rejects(cache.set('k', value), 'VALUE_TOO_LARGE'));
      // Each reference encodes to 7 bytes: about 9 400 fit in 64 KiB.
      t.ok(reads < 20_000, `the encoder read ${reads} of ${refs} references before refusing`);
      t.ok(grew < SLACK, `wasm memory grew by ${grew} bytes`);
    },
  },
  {
    name: 'a sparse array of length 2^32-1 costs its elements, not its holes',
    async run(lib, t) {
      let calls = 0;
      const target = [];
      target[3] = 'three';
      target[2 ** 32 - 2] = 'last';
      const count = (trap) => (...args) => {
        // Far more than the elements present: the old encoder walked every hole.
        if (++calls > 10_000) throw new Error('the encoder is walking the holes');
        return Reflect[trap](...args);
      };
      const sparse = new Proxy(target, { get: count('get'), has: count('has'), ownKeys: count('ownKeys') });
      const cache = lib.createCache();
      await cache.set('sparse', sparse);
      t.ok(calls < 100, `${calls} Proxy trap calls`);
      const back = await cache.get('sparse');
      t.equal(back.length, 2 ** 32 - 1, 'length kept');
      t.deepEqual(Object.keys(back), ['3', '4294967294'], 'only the elements present, holes stay holes');
      t.equal(back[2 ** 32 - 2], 'last');
    },
  },
  {
    name: "lone surrogates: 'x\\uD800', 'x\\uDBFF' and 'x\\uFFFD' are never one entry",
    async run(lib, t) {
      for (const [label, cache] of bothDrivers(lib)) {
        await cache.set('x\uFFFD', 'replacement character');
        await t.rejects(cache.set('x\uD800', 'high'), 'INVALID_KEY', `${label}: lone high surrogate`);
        await t.rejects(cache.set('x\uDBFF', 'high'), 'INVALID_KEY', `${label}: another lone high surrogate`);
        await t.rejects(cache.get('x\uD800'), 'INVALID_KEY', `${label}: get`);
        await t.rejects(cache.set('\uDC00x', 1), 'INVALID_KEY', `${label}: lone low surrogate`);
        await t.rejects(cache.getMany(['a', 'x\uD800']), 'INVALID_KEY', `${label}: getMany`);
        await t.rejects(cache.namespace('n\uD800').set('a', 1), 'INVALID_KEY', `${label}: namespace name`);
        await t.rejects(cache.set('a', 1, { tags: ['t\uD800'] }), 'INVALID_KEY', `${label}: tag`);
        await t.rejects(cache.invalidateTags('t\uD800'), 'INVALID_KEY', `${label}: invalidateTags`);
        t.equal(await cache.get('x\uFFFD'), 'replacement character', `${label}: the real U+FFFD key is untouched`);
        await cache.set('pair\uD83C\uDF89', 'party');
        t.equal(await cache.get('pair\uD83C\uDF89'), 'party', `${label}: a surrogate pair is fine`);
        await cache.close();
      }
    },
  },
  {
    name: 'a refused overwrite (too large, invalid TTL, unsupported value) drops the older entry and rejects',
    async run(lib, t) {
      for (const [label, cache] of bothDrivers(lib, { maxValueBytes: 1024 })) {
        for (const [what, attempt, code] of [
          ['too large', () => cache.set('k', new Uint8Array(2048)), 'VALUE_TOO_LARGE'],
          ['invalid ttl', () => cache.set('k', 'new', { ttl: -1 }), 'INVALID_TTL'],
          ['unsupported', () => cache.set('k', () => 1), 'UNSUPPORTED_VALUE'],
        ]) {
          await cache.set('k', 'old');
          await t.rejects(attempt(), code, `${label}: ${what}`);
          t.equal(await cache.get('k'), undefined, `${label}: ${what}: the older value is gone`);
          t.equal(await cache.has('k'), false, `${label}: ${what}: has() agrees`);
        }
        await cache.close();
      }
    },
  },
  {
    name: 'encoding errors from getters, Proxy traps and detached buffers are UNSUPPORTED_VALUE with the path',
    async run(lib, t) {
      const cache = lib.createCache();
      const boom = () => {
        throw new TypeError('boom');
      };
      let err = await t.rejects(cache.set('g', { user: { get name() { return boom(); } } }), 'UNSUPPORTED_VALUE', 'getter');
      t.ok(err.message.includes('$.user.name'), `path in: ${err.message}`);
      t.equal(err.cause?.message, 'boom', 'the thrown error is the cause');
      err = await t.rejects(cache.set('p', { list: [1, new Proxy({}, { ownKeys: boom })] }), 'UNSUPPORTED_VALUE', 'Proxy trap');
      t.ok(err.message.includes('$.list[1]'), `path in: ${err.message}`);
      await t.rejects(cache.set('top', new Proxy({}, { getPrototypeOf: boom })), 'UNSUPPORTED_VALUE', 'trap at the top');
      if (typeof structuredClone === 'function') {
        const bytes = new Uint16Array(4);
        let detached = false;
        try {
          structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
          detached = bytes.buffer.byteLength === 0;
        } catch {
          // a host without transfer: nothing to detach with
        }
        if (detached) {
          err = await t.rejects(cache.set('d', { data: bytes }), 'UNSUPPORTED_VALUE', 'detached buffer');
          t.ok(err.message.includes('$.data'), `path in: ${err.message}`);
        }
      }
      t.equal((await cache.stats()).entries, 0, 'nothing stored');
    },
  },
  {
    name: 'a Map or Set changed while being encoded is refused, never stored unreadable or reshaped',
    async run(lib, t) {
      const cache = lib.createCache();
      const grows = new Map();
      grows.set('a', {
        get x() {
          grows.set(`extra${grows.size}`, 1);
          return 1;
        },
      });
      await t.rejects(cache.set('map', { m: grows }), 'UNSUPPORTED_VALUE', 'a Map that grows');
      t.equal(await cache.has('map'), false, 'nothing stored for the Map');
      const other = { y: 2 };
      const shrinks = new Set();
      shrinks.add({
        get x() {
          shrinks.delete(other);
          return 1;
        },
      });
      shrinks.add(other);
      const err = await t.rejects(cache.set('set', [shrinks]), 'UNSUPPORTED_VALUE', 'a Set that shrinks');
      t.ok(err.message.includes('$[0]'), `path in: ${err.message}`);
      t.equal(await cache.has('set'), false, 'nothing stored for the Set');
    },
  },
  {
    name: "createCache: a throwing getter or Proxy in the options is INVALID_OPTION; retries are bounded",
    async run(lib, t) {
      const boom = () => {
        throw new Error('boom');
      };
      t.throws(() => lib.createCache({ get maxEntries() { return boom(); } }), 'INVALID_OPTION', 'getter');
      t.throws(() => lib.createCache(new Proxy({}, { ownKeys: boom })), 'INVALID_OPTION', 'Proxy');
      t.throws(() => lib.tiered.createCache({ backend: mapBackend(), retries: { get count() { return boom(); } } }),
        'INVALID_OPTION', 'nested getter');
      t.throws(() => lib.tiered.createCache({ backend: mapBackend(), retries: 1e9 }), 'INVALID_OPTION', 'retries 1e9');
      t.throws(() => lib.tiered.createCache({ backend: mapBackend(), retries: 11 }), 'INVALID_OPTION', 'retries 11');
      t.throws(() => lib.tiered.createCache({ backend: mapBackend(), retries: { count: 2, maxMs: 1e12 } }),
        'INVALID_OPTION', 'backoff of 30 years');
      const ok = lib.tiered.createCache({ backend: mapBackend(), retries: 10 });
      await ok.close();
    },
  },
  {
    name: 'a hung loader is abandoned at its loaderTimeout: callers reject, the next caller loads anew',
    async run(lib, t) {
      const cache = lib.createCache();
      let calls = 0;
      const hung = () => {
        calls++;
        return new Promise(() => {});
      };
      const first = cache.getOrSet('h', hung, { loaderTimeout: 30 });
      const joined = cache.getOrSet('h', hung, { loaderTimeout: 30 });
      t.deepEqual(await settleOrHang(first), { code: 'LOADER_TIMEOUT' }, 'the first caller');
      t.deepEqual(await settleOrHang(joined), { code: 'LOADER_TIMEOUT' }, 'a caller that joined the flight');
      t.equal(calls, 1, 'one flight');
      t.deepEqual(await settleOrHang(cache.getOrSet('h', () => 'fresh')), { value: 'fresh' }, 'the next caller loads anew');
      // Inside staleIfError, a timed-out refresh serves the stale value.
      let now = 1_700_000_000_000;
      const timed = lib.createCache({ now: () => now });
      await timed.getOrSet('s', () => 'v1', { ttl: 1000, staleIfError: 60_000 });
      now += 2000;
      t.deepEqual(await settleOrHang(timed.getOrSet('s', hung, { ttl: 1000, staleIfError: 60_000, loaderTimeout: 30 })),
        { value: 'v1' }, 'stale inside staleIfError');
      await t.rejects(cache.getOrSet('x', () => 1, { loaderTimeout: 'soon' }), 'INVALID_OPTION', 'a bad loaderTimeout');
    },
  },
  {
    name: 'getOrSet on a key inside its own loader rejects instead of deadlocking',
    async run(lib, t) {
      const cache = lib.createCache();
      const expected = hasAsyncLocalStorage() ? 'LOADER_REENTRY' : 'LOADER_TIMEOUT';
      const outer = cache.getOrSet('r', () => cache.getOrSet('r', () => 'inner', { loaderTimeout: 200 }), { loaderTimeout: 200 });
      t.deepEqual(await settleOrHang(outer), { code: expected }, 're-entry');
      t.deepEqual(await settleOrHang(cache.getOrSet('r', () => 'later')), { value: 'later' }, 'the key is free afterwards');
      // Another key inside a loader is fine.
      t.equal(await cache.getOrSet('a', () => cache.getOrSet('b', () => 'b')), 'b', 'nested loads of other keys');
    },
  },
  {
    name: 'close() inside an onRemoval listener closes after the call, without an unhandled rejection',
    async run(lib, t) {
      const cache = lib.createCache();
      let closing;
      await cache.onRemoval(() => {
        closing = cache.close();
      });
      await cache.set('a', 1);
      t.equal(await cache.delete('a'), true, 'the call that removed the entry completes');
      t.ok(closing !== undefined, 'the listener ran');
      t.deepEqual(await settleOrHang(closing), { value: undefined }, 'close() resolves');
      t.equal(cache.closed, true);
      await t.rejects(cache.get('a'), 'CLOSED', 'later calls');
      await cache.close();
    },
  },
];
