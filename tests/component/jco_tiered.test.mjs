// The `tiered-cache` component (pkg/component/edgecache-tiered.wasm) in Node,
// transpiled by `jco transpile --instantiation async` into
// tests/component/jco-tiered-out/ (see scripts/test-component.sh), with its
// two custom imports written in JS: a Map-backed `backend` with fault
// injection and a `loader` that records its calls. The same scenarios as
// wasmtime_tiered_test.py, plus reading the entries the native core wrote
// (interop/native_entries.txt).
//
// Why `--instantiation`: a default transpile is an ES module that instantiates
// the component once, at import time, with its imports fixed by `--map` to
// other modules; importing it again gives the same instance. With
// `--instantiation async` the output exports `instantiate(getCoreModule,
// imports)` instead: every call is a fresh component instance (its own linear
// memory, its own L1) over the import object it is given. Two calls over one
// shared Map stand for two isolates sharing a KV namespace, from one transpile
// and one compile of the core modules.
//
// The wall clock is an import too: both instances read one fake clock the
// tests advance, so TTLs, stale windows and the breaker cooldown need no sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli, io, random } from '@bytecodealliance/preview2-shim';

const OUT = new URL(process.env.EDGECACHE_JCO_TIERED_DIR ?? './jco-tiered-out/', import.meta.url);
const { instantiate } = await import(new URL('edgecache-tiered.js', OUT).href);

const utf8 = new TextEncoder();
const bytes = (s) => utf8.encode(s);
const str = (b) => (b === undefined ? undefined : new TextDecoder().decode(b));

// Core modules are compiled once and instantiated per component instance.
const compiled = new Map();
function getCoreModule(name) {
  if (!compiled.has(name)) compiled.set(name, WebAssembly.compile(readFileSync(new URL(name, OUT))));
  return compiled.get(name);
}

/** A wall clock the tests move; starts at the real time. */
class Clock {
  ms = Date.now();
  advance(ms) { this.ms += ms; }
  wallClock() {
    return {
      now: () => ({ seconds: BigInt(Math.floor(this.ms / 1000)), nanoseconds: (this.ms % 1000) * 1e6 }),
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    };
  }
}

/** A WIT `backend-failure`, thrown: jco lowers an own `payload` as the `err` case. */
class BackendFailure extends Error {
  constructor(kind, afterMs) {
    super(`injected ${kind} failure`);
    const k = kind === 'timeout' ? { tag: 'timeout', val: BigInt(afterMs) } : { tag: kind };
    this.payload = { kind: k, message: this.message };
  }
}

/** The L2: a Map of string -> bytes with caps, TTL hints and injected failures. */
class MapBackend {
  data = new Map();
  ttlHints = new Map();
  failures = []; // [kind, afterMs], consumed one per call
  calls = 0;

  constructor({ minTtlMs = 0n, maxKeyBytes = 512, maxValueBytes = 1n << 20n, maxBatchGet = 100,
    hasListing = true, hasAtomic = false } = {}) {
    this.caps = { minTtlMs, maxTtlMs: undefined, maxKeyBytes, maxValueBytes, maxBatchGet, hasListing, hasAtomic };
  }

  failNext(n, kind = 'transient', afterMs = 0) {
    for (let i = 0; i < n; i++) this.failures.push([kind, afterMs]);
  }

  /** Counts the call and throws the next injected failure, if any. */
  enter() {
    this.calls += 1;
    const next = this.failures.shift();
    if (next) throw new BackendFailure(...next);
  }

  // The `edgecache:cache/backend` interface. Values are copied in and out:
  // the component's memory is not ours to keep views of.
  imports() {
    const put = (key, value, ttl) => {
      this.data.set(key, Uint8Array.from(value));
      this.ttlHints.set(key, ttl);
    };
    const read = (key) => this.data.get(key)?.slice();
    return {
      caps: () => ({ ...this.caps }),
      get: (key) => { this.enter(); return read(key); },
      set: (key, value, ttlHintMs) => { this.enter(); put(key, value, ttlHintMs); },
      delete: (key) => { this.enter(); this.data.delete(key); },
      getMany: (keys) => { this.enter(); return keys.map(read); },
      listKeys: (prefix) => { this.enter(); return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort(); },
      setIfAbsent: (key, value, ttlMs) => {
        this.enter();
        if (this.data.has(key)) return false;
        put(key, value, ttlMs);
        return true;
      },
    };
  }
}

/** The WASI imports from preview2-shim, with `clock` as the wall clock. */
function wasiImports(clock) {
  const wasi = {
    'wasi:cli/environment': cli.environment, 'wasi:cli/exit': cli.exit,
    'wasi:cli/stdin': cli.stdin, 'wasi:cli/stdout': cli.stdout, 'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput, 'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin, 'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:clocks/wall-clock': clock.wallClock(),
    'wasi:io/error': io.error, 'wasi:io/poll': io.poll, 'wasi:io/streams': io.streams,
    'wasi:random/random': random.random,
  };
  return wasi;
}

/** One component instance (its own memory) over `backend`, with a recording loader. */
class Host {
  loads = []; // [namespace, key] of every loader call
  loader = () => { throw new Error('no loader set'); }; // returns bytes, or a string error

  static async create(backend, clock = new Clock()) {
    const host = new Host();
    const imports = {
      ...wasiImports(clock),
      'edgecache:cache/backend': backend.imports(),
      'edgecache:cache/loader': { load: (ns, key) => host.load(ns, key) },
    };
    // jco 1.35's generated code looks imports up without their version while
    // its .d.ts names them with it: give both.
    for (const [name, v] of Object.entries(imports)) {
      imports[`${name}@${name.startsWith('wasi:') ? '0.2.6' : '0.1.0'}`] = v;
    }
    host.exports = await instantiate(getCoreModule, imports);
    return host;
  }

  load(ns, key) {
    this.loads.push([ns, key]);
    const out = this.loader(ns, key);
    // An own `payload` is lowered as the `err` case of result<list<u8>, string>.
    if (typeof out === 'string') throw Object.assign(new Error(out), { payload: out });
    return out;
  }

  cache({ prefix, retries, breakerThreshold, breakerCooldownMs, tagCacheMs, ...memory } = {}) {
    const big = (x) => (x === undefined ? undefined : BigInt(x));
    const c = new this.exports.tiered.Cache({
      memory, prefix, retries, breakerThreshold,
      breakerCooldownMs: big(breakerCooldownMs), tagCacheMs: big(tagCacheMs),
    });
    return new Client(c);
  }
}

function writeOptions({ ttl, stale, tags = [] } = {}) {
  const expiry = ttl === undefined ? undefined
    : ttl === 'never' ? { tag: 'never' } : { tag: 'after-ms', val: BigInt(ttl) };
  return { ttl: expiry, staleMs: stale === undefined ? undefined : BigInt(stale), tags };
}

/** An l2-status as 'written', 'skipped' or ['failed', error case]. */
const status = (s) => (s.tag === 'failed' ? ['failed', s.val.tag] : s.tag);

/** The WIT error case a call threw (jco's ComponentError), or rethrow a trap. */
function errorOf(f) {
  try {
    f();
  } catch (e) {
    if (e?.payload !== undefined) return e.payload;
    throw e;
  }
  assert.fail('expected a WIT error');
}

/** The exported resource with strings in and out, namespace last (as the Python client). */
class Client {
  constructor(c) { this.c = c; }
  get(key, ns = '') { return str(this.c.get(ns, key)); }
  lookup(key, ns = '') {
    const r = this.c.lookup(ns, key);
    return r && [str(r.value), r.stale ? 'stale' : 'fresh'];
  }
  set(key, value, opts = {}, ns = '') { return status(this.c.set(ns, key, bytes(value), writeOptions(opts))); }
  delete(key, ns = '') { return status(this.c.delete(ns, key)); }
  invalidateTags(tags, ns = '') { return status(this.c.invalidateTags(ns, tags)); }
  /** [value, source, loader error] */
  getOrSet(key, opts = {}, ns = '') {
    const r = this.c.getOrSet(ns, key, writeOptions(opts));
    return [str(r.value), r.source, r.loaderError];
  }
  stats() {
    const s = this.c.stats();
    const num = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v)]));
    return { l1: num(s.l1), l2: num(s.l2), breaker: s.breaker.tag };
  }
  dispose() { this.c[Symbol.dispose](); }
}

/** Two instances over one backend and one clock; afterwards, both must still answer. */
async function twoInstances(t, backendOptions) {
  const kv = new MapBackend(backendOptions);
  const clock = new Clock();
  const a = await Host.create(kv, clock);
  const b = await Host.create(kv, clock);
  t.after(() => {
    kv.failures.length = 0;
    for (const host of [a, b]) {
      const c = host.cache({ prefix: 'health' });
      assert.equal(c.set('alive', 'yes'), 'written');
      assert.equal(c.get('alive'), 'yes');
      c.dispose();
    }
  });
  return { kv, clock, a, b };
}

test('write-through is visible from a second instance, which it backfills', async (t) => {
  const { kv, a, b } = await twoInstances(t);
  const ca = a.cache();
  const cb = b.cache();
  assert.equal(ca.set('user:1', 'ada', { ttl: 60_000 }), 'written');
  assert.ok(kv.data.has('ec::user:1'));
  assert.equal(cb.get('user:1'), 'ada');
  assert.equal(cb.stats().l2.hits, 1);
  const calls = kv.calls;
  // Backfilled: the second read is served by B's own L1, no backend call.
  assert.equal(cb.get('user:1'), 'ada');
  assert.equal(kv.calls, calls);
  assert.equal(cb.stats().l1.hits, 1);
});

test('namespaces and deletes reach the shared backend', async (t) => {
  const { kv, a, b } = await twoInstances(t);
  const ca = a.cache({ prefix: 'app' });
  const cb = b.cache({ prefix: 'app' });
  ca.set('k', 'in-ns', {}, 'tenant1');
  assert.ok(kv.data.has('app:tenant1:k'));
  assert.equal(cb.get('k'), undefined);
  assert.equal(cb.get('k', 'tenant1'), 'in-ns');
  assert.equal(ca.delete('k', 'tenant1'), 'written');
  assert.ok(!kv.data.has('app:tenant1:k'));
});

test('tags are invalidated across instances', async (t) => {
  const { a, b } = await twoInstances(t);
  const ca = a.cache({ tagCacheMs: 0 });
  const cb = b.cache({ tagCacheMs: 0 });
  ca.set('p:1', 'one', { tags: ['products'] });
  ca.set('u:1', 'user', { tags: ['users'] });
  assert.equal(cb.get('p:1'), 'one'); // now in B's L1 too
  assert.equal(ca.invalidateTags(['products']), 'written');
  assert.equal(cb.get('p:1'), undefined);
  assert.equal(ca.get('p:1'), undefined);
  assert.equal(cb.get('u:1'), 'user');
});

test('tag generations are trusted for tag-cache-ms, then re-read', async (t) => {
  const { clock, a, b } = await twoInstances(t);
  const ca = a.cache({ tagCacheMs: 1000 });
  const cb = b.cache({ tagCacheMs: 1000 });
  ca.set('p:1', 'one', { tags: ['products'], ttl: 600_000 });
  assert.equal(cb.get('p:1'), 'one');
  ca.invalidateTags(['products']);
  // B trusts the generation it read for up to a second ...
  assert.equal(cb.get('p:1'), 'one');
  clock.advance(1001);
  // ... then reads it again and drops the entry.
  assert.equal(cb.get('p:1'), undefined);
});

test('corrupt bytes in the backend are a counted miss, not a trap', async (t) => {
  const { kv, a, b } = await twoInstances(t);
  const c = a.cache();
  const junk = {
    'ec::bad': bytes('garbage'),
    'ec::empty': new Uint8Array(0),
    'ec::magic': Uint8Array.from([0xec, 0xca, 99, ...new Array(40).fill(0)]),
    'ec::manifest': Uint8Array.from([0xec, 0xcb, 1, 0, ...new Array(44).fill(0xff)]),
  };
  for (const [k, v] of Object.entries(junk)) kv.data.set(k, v);
  for (const key of ['bad', 'empty', 'magic', 'manifest']) assert.equal(c.get(key), undefined, key);
  assert.equal(c.stats().l2.corrupt, 4);
  c.set('bad', 'repaired');
  assert.equal(b.cache().get('bad'), 'repaired');
});

test('transient failures are retried', async (t) => {
  const { kv, a, b } = await twoInstances(t);
  a.cache({ retries: 2 }).set('k', 'v');
  const cb = b.cache({ retries: 2 });
  kv.failNext(2, 'transient');
  assert.equal(cb.get('k'), 'v');
  const s = cb.stats().l2;
  assert.deepEqual([s.retries, s.errors], [2, 2]);
});

test('transient failures beyond the retries are a miss, counted', async (t) => {
  const { kv, a, b } = await twoInstances(t);
  a.cache().set('k', 'v');
  const cb = b.cache({ retries: 1 });
  kv.failNext(2, 'transient');
  assert.equal(cb.get('k'), undefined);
  const s = cb.stats().l2;
  assert.deepEqual([s.retries, s.errors], [1, 2]);
  assert.equal(cb.get('k'), 'v'); // the backend is back
});

test('permanent failures and timeouts are counted, not retried', async (t) => {
  const { kv, a } = await twoInstances(t);
  const c = a.cache({ retries: 2 });
  kv.failNext(1, 'permanent');
  assert.deepEqual(c.set('k', 'v'), ['failed', 'backend-error']);
  kv.failNext(1, 'timeout', 250);
  assert.deepEqual(c.set('k2', 'v'), ['failed', 'backend-timeout']);
  const s = c.stats().l2;
  assert.deepEqual([s.errors, s.timeouts, s.retries], [2, 1, 0]);
  // L1 took both writes anyway.
  assert.deepEqual([c.get('k'), c.get('k2')], ['v', 'v']);
});

test('consecutive failures open the breaker; L1 keeps serving; it closes after the cooldown', async (t) => {
  const { kv, clock, a } = await twoInstances(t);
  const c = a.cache({ retries: 0, breakerThreshold: 3, breakerCooldownMs: 60_000 });
  c.set('warm', 'from-l1', { ttl: 600_000 });
  kv.failNext(100, 'transient');
  for (let i = 0; i < 3; i++) assert.equal(c.get(`cold${i}`), undefined);
  assert.equal(c.stats().breaker, 'open');
  const calls = kv.calls;
  assert.equal(c.get('warm'), 'from-l1');
  assert.equal(c.set('new', 'l1-only', { ttl: 600_000 }), 'skipped');
  assert.equal(c.get('new'), 'l1-only');
  assert.equal(kv.calls, calls, 'no backend call while open');
  assert.ok(c.stats().l2.rejected >= 1);
  // Past the cooldown one probe goes through; it succeeds and closes the breaker.
  kv.failures.length = 0;
  clock.advance(60_001);
  assert.equal(c.set('after', 'v', { ttl: 600_000 }), 'written');
  assert.equal(c.stats().breaker, 'closed');
  assert.ok(kv.data.has('ec::after'));
});

test('TTL hints are clamped to the backend minimum', async (t) => {
  const { kv, a } = await twoInstances(t, { minTtlMs: 60_000n });
  const c = a.cache();
  c.set('short', 'v', { ttl: 1_000 });
  c.set('long', 'v', { ttl: 120_000 });
  c.set('forever', 'v', { ttl: 'never' });
  assert.equal(kv.ttlHints.get('ec::short'), 60_000n);
  assert.equal(kv.ttlHints.get('ec::long'), 120_000n);
  assert.equal(kv.ttlHints.get('ec::forever'), undefined);
});

test('long keys are hashed to fit the backend', async (t) => {
  const { kv, a, b } = await twoInstances(t, { maxKeyBytes: 64 });
  const key = 'k'.repeat(200);
  a.cache().set(key, 'v');
  const stored = [...kv.data.keys()];
  assert.equal(stored.length, 1);
  assert.ok(utf8.encode(stored[0]).length <= 64, stored[0]);
  assert.equal(b.cache().get(key), 'v');
});

test('get-or-set loads on a miss, then serves the cache, in both instances', async (t) => {
  const { a, b } = await twoInstances(t);
  a.loader = (ns, key) => bytes(`loaded ${ns}/${key}`);
  const c = a.cache();
  assert.deepEqual(c.getOrSet('k', { ttl: 60_000 }, 'n'), ['loaded n/k', 'loaded', undefined]);
  assert.deepEqual(c.getOrSet('k', { ttl: 60_000 }, 'n'), ['loaded n/k', 'cache', undefined]);
  assert.deepEqual(a.loads, [['n', 'k']]);
  // Stored through to L2: another instance needs no loader.
  assert.deepEqual(b.cache().getOrSet('k', {}, 'n'), ['loaded n/k', 'cache', undefined]);
  assert.deepEqual(b.loads, []);
});

test('get-or-set serves stale when the loader fails (stale-if-error)', async (t) => {
  const { clock, a } = await twoInstances(t);
  const c = a.cache();
  c.set('k', 'old', { ttl: 1, stale: 600_000 });
  clock.advance(10); // past the 1 ms TTL, well inside the stale window
  assert.deepEqual(c.lookup('k'), ['old', 'stale']);
  assert.equal(c.get('k'), undefined);
  a.loader = () => 'origin down';
  // Bounded by this call's window (stale-ms), like the npm build's staleIfError.
  assert.deepEqual(errorOf(() => c.getOrSet('k', { ttl: 60_000 })), { tag: 'loader', val: 'origin down' });
  assert.deepEqual(c.getOrSet('k', { ttl: 60_000, stale: 600_000 }), ['old', 'stale', 'origin down']);
  assert.deepEqual(errorOf(() => c.getOrSet('missing')), { tag: 'loader', val: 'origin down' });
  a.loader = () => bytes('new');
  assert.deepEqual(c.getOrSet('k', { ttl: 60_000 }), ['new', 'loaded', undefined]);
  // Past the stale window too, a failing loader is an error.
  c.set('gone', 'old', { ttl: 1, stale: 100 });
  clock.advance(1_000);
  a.loader = () => 'origin down';
  assert.equal(c.lookup('gone'), undefined);
  assert.deepEqual(errorOf(() => c.getOrSet('gone')), { tag: 'loader', val: 'origin down' });
});

test('bad input is a WIT error, not a trap', async (t) => {
  const { a } = await twoInstances(t);
  const c = a.cache({ maxKeyBytes: 16, maxValueBytes: 8n });
  const cases = [
    [() => c.get(''), 'invalid-key'],
    [() => c.set('k'.repeat(17), 'v'), 'invalid-key'],
    [() => c.set('k', 'x'.repeat(9)), 'value-too-large'],
    [() => c.set('k', 'v', { ttl: 0 }), 'invalid-ttl'],
    [() => c.get('k', 'tag'), 'invalid-key'], // a reserved namespace
  ];
  for (const [call, tag] of cases) assert.equal(errorOf(call).tag, tag, call.toString());
  const e = errorOf(() => c.getOrSet(''));
  assert.deepEqual([e.tag, e.val.tag], ['cache', 'invalid-key']);
  assert.equal(errorOf(() => a.cache({ prefix: 'a:b' })).tag, 'invalid-option');
  const tiny = await Host.create(new MapBackend({ maxKeyBytes: 8 }));
  assert.equal(errorOf(() => tiny.cache()).tag, 'invalid-option');
});

test('a backend that throws a plain Error fails the call; other instances are unaffected', async () => {
  // Not a WIT failure (no `payload`): jco rethrows it through the component
  // (a trap, as in wasmtime), so the host sees its own exception.
  const kv = new MapBackend();
  const host = await Host.create(kv);
  const c = host.cache();
  const imports = kv.imports();
  kv.imports = () => ({ ...imports, get: () => { throw new TypeError('host bug'); } });
  const broken = await Host.create(kv);
  assert.throws(() => broken.cache().get('k'), /host bug/);
  assert.equal(c.set('k', 'v'), 'written');
  assert.equal(c.get('k'), 'v');
});

test('entries written by the native core are read by the transpiled component', async () => {
  // `key<TAB>hex value` lines, written by tests/tiered_interop.rs (committed).
  const kv = new MapBackend();
  const text = readFileSync(new URL('./interop/native_entries.txt', import.meta.url), 'utf8');
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [key, hex] = line.split('\t');
    kv.data.set(key, Uint8Array.from(Buffer.from(hex, 'hex')));
  }
  const c = (await Host.create(kv)).cache();
  assert.equal(c.get('plain'), 'hello from native');
  assert.equal(c.get('k', 'tenant'), 'namespaced');
  assert.equal(c.get('big'), '0123456789'.repeat(300)); // compressed in the envelope
  assert.equal(c.get('tagged'), 'with tags');
  assert.equal(c.get('x'.repeat(600)), 'long key'); // hashed key
  assert.equal(c.stats().l2.corrupt, 0);
});
