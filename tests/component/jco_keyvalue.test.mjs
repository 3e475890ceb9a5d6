// The `tiered-keyvalue` component (pkg/component/edgecache-keyvalue.wasm) in
// Node and Deno, transpiled by `jco transpile --instantiation async` into
// tests/component/jco-keyvalue-out/ (scripts/test-component.sh), with the
// standard wasi:keyvalue 0.2.0-draft interfaces (store with its `bucket`
// resource, atomics, batch) implemented here over a JS Map: two instances over
// one bucket stand for two isolates. Entries the component writes through
// wasi:keyvalue read back through the npm build over the same bytes, and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli, io, random } from '@bytecodealliance/preview2-shim';

const OUT = new URL(process.env.EDGECACHE_JCO_KEYVALUE_DIR ?? './jco-keyvalue-out/', import.meta.url);
const { instantiate } = await import(new URL('edgecache-keyvalue.js', OUT).href);

const compiled = new Map();
function getCoreModule(name) {
  if (!compiled.has(name)) compiled.set(name, WebAssembly.compile(readFileSync(new URL(name, OUT))));
  return compiled.get(name);
}

/** A wasi:keyvalue `error`, thrown: jco lowers an own `payload` as the `err` case. */
const kvError = (tag, val) => Object.assign(new Error(`keyvalue ${tag}`), { payload: val === undefined ? { tag } : { tag, val } });

/** The host's buckets: identifier -> Map, with every call counted by name. */
class Keyvalue {
  buckets = new Map([['', new Map()]]);
  calls = [];
  opened = [];
  pageSize = 2; // list-keys pages, to walk the cursor

  imports() {
    const host = this;
    class Bucket {
      constructor(map) { this.map = map; }
      get(key) { host.calls.push('get'); return host.read(this.map, key); }
      set(key, value) { host.calls.push('set'); this.map.set(key, Uint8Array.from(value)); }
      delete(key) { host.calls.push('delete'); this.map.delete(key); }
      exists(key) { host.calls.push('exists'); return this.map.has(key); }
      listKeys(cursor) {
        host.calls.push('list-keys');
        const keys = [...this.map.keys()].sort();
        const start = Number(cursor ?? 0n);
        const end = start + host.pageSize;
        return { keys: keys.slice(start, end), cursor: end < keys.length ? BigInt(end) : undefined };
      }
    }
    const store = {
      Bucket,
      open(identifier) {
        host.opened.push(identifier);
        const map = host.buckets.get(identifier);
        if (map === undefined) throw kvError('no-such-store');
        return new Bucket(map);
      },
    };
    const atomics = {
      increment(bucket, key, delta) {
        host.calls.push('increment');
        const next = BigInt(new TextDecoder().decode(bucket.map.get(key) ?? new Uint8Array()) || 0) + delta;
        bucket.map.set(key, new TextEncoder().encode(String(next)));
        return next;
      },
    };
    const batch = {
      getMany(bucket, keys) {
        host.calls.push('get-many');
        return keys.map((k) => { const v = host.read(bucket.map, k); return v === undefined ? undefined : [k, v]; });
      },
      setMany(bucket, pairs) {
        host.calls.push('set-many');
        for (const [k, v] of pairs) bucket.map.set(k, Uint8Array.from(v));
      },
      deleteMany(bucket, keys) {
        host.calls.push('delete-many');
        for (const k of keys) bucket.map.delete(k);
      },
    };
    return { store, atomics, batch };
  }

  read(map, key) {
    return map.get(key)?.slice();
  }
}

/** A wall clock the tests move. */
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

async function instance(kv, { clock = new Clock(), env = [] } = {}) {
  const { store, atomics, batch } = kv.imports();
  const imports = {
    'wasi:cli/environment': { getEnvironment: () => env, getArguments: () => [], initialCwd: () => undefined },
    'wasi:cli/exit': cli.exit, 'wasi:cli/stdin': cli.stdin, 'wasi:cli/stdout': cli.stdout, 'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput, 'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin, 'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:clocks/wall-clock': clock.wallClock(),
    'wasi:io/error': io.error, 'wasi:io/poll': io.poll, 'wasi:io/streams': io.streams,
    'wasi:random/random': random.random,
    'wasi:keyvalue/store': store, 'wasi:keyvalue/atomics': atomics, 'wasi:keyvalue/batch': batch,
    'edgecache:cache/loader': { load: () => { throw Object.assign(new Error('no loader'), { payload: 'no loader' }); } },
  };
  // jco looks imports up without their version in some places, with it in others: give both.
  for (const [name, v] of Object.entries(imports)) {
    const version = name.startsWith('wasi:keyvalue') ? '0.2.0-draft' : name.startsWith('wasi:') ? '0.2.6' : '0.1.0';
    imports[`${name}@${version}`] = v;
  }
  const exports = await instantiate(getCoreModule, imports);
  return (options = {}) => new exports.tiered.Cache({ memory: {}, prefix: 'kv', tagCacheMs: 0n, ...options });
}

// The JS value codec's encoding of a string (0x01 0x20 + UTF-8): what the npm build reads as that string.
const npmString = (s) => Uint8Array.from([1, 0x20, ...new TextEncoder().encode(s)]);
const text = (b) => (b === undefined ? undefined : new TextDecoder().decode(b));
const never = { ttl: { tag: 'never' }, staleMs: undefined, tags: [] };

test('two instances share one wasi:keyvalue bucket: write-through, read-through, deletes', async () => {
  const kv = new Keyvalue();
  const a = (await instance(kv))();
  const b = (await instance(kv))();
  assert.deepEqual(kv.opened, ['', ''], 'each opened the default bucket ("" without EDGECACHE_KV_BUCKET)');
  assert.equal(a.set('', 'user:1', npmString('Ada'), never).tag, 'written');
  assert.ok(kv.buckets.get('').has('kv::user:1'), 'stored under the cache layout');
  assert.deepEqual(b.get('', 'user:1'), npmString('Ada'), 'the other instance reads it through');
  assert.equal(Number(b.stats().l2.hits), 1);
  assert.equal(a.delete('', 'user:1').tag, 'written');
  assert.equal(kv.buckets.get('').has('kv::user:1'), false, 'deleted in the bucket');
});

test('tags go through the batch interface; TTLs are the envelope\'s, the bucket keeps the bytes', async () => {
  const kv = new Keyvalue();
  const clock = new Clock();
  const a = (await instance(kv, { clock }))();
  const b = (await instance(kv, { clock }))();
  a.set('', 'p', npmString('one'), { ttl: { tag: 'after-ms', val: 5000n }, staleMs: undefined, tags: ['product'] });
  assert.deepEqual(b.get('', 'p'), npmString('one'));
  kv.calls.length = 0;
  assert.equal(a.invalidateTags('', ['product', 'other']).tag, 'written');
  assert.ok(kv.calls.includes('get-many') && kv.calls.includes('set-many'), `batch calls: ${kv.calls}`);
  assert.equal(b.get('', 'p'), undefined, 'the new generation reached the other instance');
  a.set('', 'short', npmString('v'), { ttl: { tag: 'after-ms', val: 2000n }, staleMs: undefined, tags: [] });
  clock.advance(2500);
  assert.equal((await instance(kv, { clock }))().get('', 'short'), undefined, 'expired by the envelope');
  assert.ok(kv.buckets.get('').has('kv::short'), 'wasi:keyvalue has no TTL: the bytes are still there');
});

test('a bucket the host does not know: writes fail as backend errors, L1 keeps serving', async () => {
  const kv = new Keyvalue();
  const make = await instance(kv, { env: [['EDGECACHE_KV_BUCKET', 'missing']] });
  const c = make({ retries: 0 });
  assert.deepEqual(kv.opened, ['missing']);
  const status = c.set('', 'k', npmString('v'), never);
  assert.equal(status.tag, 'failed');
  assert.deepEqual(c.get('', 'k'), npmString('v'), 'L1 has it');
  assert.ok(Number(c.stats().l2.errors) >= 1, 'counted');
  kv.buckets.set('named', new Map());
  const named = (await instance(kv, { env: [['EDGECACHE_KV_BUCKET', 'named']] }))();
  named.set('', 'k', npmString('v'), never);
  assert.ok(kv.buckets.get('named').has('kv::k'), 'EDGECACHE_KV_BUCKET picks the bucket');
});

test('interop: the npm build reads what the component wrote through wasi:keyvalue, and back', async () => {
  const { createCache } = await import('../../pkg/entry/tiered/node.js');
  const kv = new Keyvalue();
  const map = kv.buckets.get('');
  // The npm side over the same bytes, with the caps the keyvalue world states.
  const adapter = {
    caps: { preset: 'unlimited', maxKeyBytes: 1024, maxValueBytes: 1 << 20, maxBatchGet: 100, maxBatchSet: 100, maxBatchDelete: 100, hasListing: true, hasAtomic: false },
    async get(key) { return map.get(key)?.slice(); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
  const component = (await instance(kv))({ memory: { maxKeyBytes: 4096 } });
  const longKey = `long:${'k'.repeat(1500)}`; // over the 1 024 bytes the keyvalue world states: hashed
  component.set('', 'user:1', npmString('Ada'), never);
  component.set('orders', longKey, npmString('hashed'), never);
  const npm = createCache({ backend: adapter, prefix: 'kv', timeoutMs: 0, maxKeyBytes: 4096 });
  assert.equal(await npm.get('user:1'), 'Ada');
  assert.equal(await npm.namespace('orders').get(longKey), 'hashed', 'the same long-key hashing');
  assert.ok([...map.keys()].some((k) => k.startsWith('kv:orders:long:') && /#[0-9a-f]{32}$/.test(k)), 'stored hashed');
  await npm.set('from-npm', 'Grace');
  assert.equal(text((await instance(kv))().get('', 'from-npm')?.slice(2)), 'Grace', 'npm -> component');
});
