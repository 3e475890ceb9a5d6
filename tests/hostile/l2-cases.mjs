// Hostile L2: what a backend (or whoever writes to its store) returns. See cases.mjs.
// The hostile store is an adapter object written here: an adapter IS the store
// interface the cache reads through. Bounds are on work done: wasm memory
// growth (lib.tiered.wasmMemoryBytes()), adapter calls, counted stats.

const MIB = 1 << 20;

// ---- building records as the L2 layout spec says (src/tiered/chunks.rs, src/codec/envelope.rs)
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const le32 = (n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const withCrc = (body) => Uint8Array.from([...body, ...le32(crc32(body))]);

/** A chunk manifest: version 1 (48 bytes, written before layout 2) or 2 (52 bytes). */
function manifest(version, count, total, chunkLen = 4 * MIB) {
  const body = [0xec, 0xcb, version, 0, ...le32(count), ...le32(total)];
  if (version === 2) body.push(...le32(chunkLen));
  body.push(...new Array(32).fill(7));
  return withCrc(body);
}

/** An envelope with no expiry and no tags holding `stored` (compressed when `declared` differs). */
function envelope(stored, declared = stored.length, compressed = false) {
  const head = [0xec, 0xca, 1, compressed ? 1 : 0, ...new Array(24).fill(0), ...le32(declared), ...le32(stored.length), 0, 0];
  const body = new Uint8Array(head.length + stored.length);
  body.set(head);
  body.set(stored, head.length);
  return withCrc(body);
}

async function deflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A plain tag generation: digits, '#', CRC-32 of the digits in 8 hex digits. */
function generation(digits) {
  const bytes = new TextEncoder().encode(digits);
  return new TextEncoder().encode(`${digits}#${crc32(bytes).toString(16).padStart(8, '0')}`);
}

// ---- a store that answers what the test says, counting calls
function hostileStore(answer, caps = {}) {
  const map = new Map();
  const calls = { get: 0, getMany: 0, chunk: 0 };
  const read = (key) => {
    calls.get++;
    if (key.includes(':chunk:')) calls.chunk++;
    return answer(key, map);
  };
  return {
    name: 'hostile',
    caps,
    map,
    calls,
    async get(key) { return read(key); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async setIfAbsent(key, value) {
      if (map.has(key)) return false;
      map.set(key, value.slice());
      return true;
    },
  };
}

const fromMap = (key, map) => map.get(key)?.slice();

/** Incompressible bytes (xorshift), so a value really is chunked. */
function noise(length) {
  const out = new Uint8Array(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
const grownBy = (tiered, before) => tiered.wasmMemoryBytes() - before;

export const l2Cases = [
  {
    name: 'L2: a forged manifest naming 512 chunks of 4 MiB fetches no chunk and copies nothing big',
    async run(lib, t) {
      const { tiered } = lib;
      const chunk = new Uint8Array(4 * MIB);
      for (const version of [1, 2]) {
        const store = hostileStore((key) => (key.includes(':chunk:') ? chunk : manifest(version, 512, 512 * 4 * MIB - 1)));
        const cache = tiered.createCache({ backend: store, timeoutMs: 0 });
        const before = tiered.wasmMemoryBytes();
        t.equal(await cache.get('k'), undefined, `v${version}: a miss`);
        t.equal((await cache.stats()).l2.corrupt, 1, `v${version}: a counted corrupt read`);
        t.equal(store.calls.chunk, 0, `v${version}: no chunk fetched`);
        t.ok(grownBy(tiered, before) <= 8 * MIB, `v${version}: wasm memory grew ${grownBy(tiered, before)} bytes`);
        await cache.close();
      }
    },
  },
  {
    name: 'L2: sealed chunks enlarged to 64 MiB are refused one at a time, never copied',
    async run(lib, t) {
      const { tiered } = lib;
      const signingKeys = ['a signing key of at least 32 bytes!'];
      const caps = { maxValueBytes: 64 * 1024 };
      const store = hostileStore(fromMap, caps);
      const writer = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      const value = noise(300_000);
      t.equal(await writer.set('big', value), 'written');
      const chunkKeys = [...store.map.keys()].filter((k) => k.includes(':chunk:'));
      t.ok(chunkKeys.length >= 4, `${chunkKeys.length} chunks`);
      const reader = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      const back = await reader.get('big');
      t.ok(back.length === value.length && back.every((b, i) => b === value[i]), 'a real chunked entry reads back');
      const huge = new Uint8Array(64 * MIB);
      for (const key of chunkKeys) store.map.set(key, huge);
      const victim = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      store.calls.chunk = 0;
      const before = tiered.wasmMemoryBytes();
      t.equal(await victim.get('big'), undefined, 'a miss');
      const { l2 } = await victim.stats();
      t.equal(l2.security, 1, 'a counted security error');
      t.equal(store.calls.chunk, 1, 'only the first chunk was asked for');
      t.ok(grownBy(tiered, before) <= 8 * MIB, `wasm memory grew ${grownBy(tiered, before)} bytes`);
      for (const c of [writer, reader, victim]) await c.close();
    },
  },
  {
    name: 'L2: 200 concurrent reads of a 25 KB entry deflating to 25 MiB stay within maxValueBytes',
    async run(lib, t) {
      const { tiered } = lib;
      const bomb = await deflate(new Uint8Array(25 * MIB));
      t.ok(bomb.length < 64 * 1024, `${bomb.length} bytes stored`);
      // Honest about its size (25 MiB > maxValueBytes), and lying (says 1 MiB).
      for (const declared of [25 * MIB, MIB]) {
        const forged = envelope(bomb, declared, true);
        const store = hostileStore(() => forged);
        const cache = tiered.createCache({ backend: store, timeoutMs: 0 });
        const before = tiered.wasmMemoryBytes();
        const got = await Promise.all(Array.from({ length: 200 }, () => cache.get('bomb')));
        t.ok(got.every((v) => v === undefined), `declared ${declared}: every read a miss`);
        t.equal((await cache.stats()).l2.corrupt, 200, `declared ${declared}: 200 corrupt reads counted`);
        t.ok(grownBy(tiered, before) <= 16 * MIB, `declared ${declared}: wasm memory grew ${grownBy(tiered, before)} bytes`);
        await cache.close();
      }
    },
  },
  {
    name: 'L2: 40 concurrent reads of a tagged 4 MiB entry inflate one payload at a time',
    async run(lib, t) {
      const { tiered } = lib;
      const store = hostileStore(fromMap);
      const writer = tiered.createCache({ backend: store, timeoutMs: 0 });
      t.equal(await writer.set('k', new Uint8Array(4 * MIB - 64), { tags: ['t'] }), 'written');
      t.ok(store.map.get('ec::k').length < 64 * 1024, 'stored compressed');
      const reader = tiered.createCache({ backend: store, timeoutMs: 0, l1MaxTtl: 1 });
      const before = tiered.wasmMemoryBytes();
      // Every read waits on the tag's generation before it may use the value.
      const got = await Promise.all(Array.from({ length: 40 }, () => reader.get('k')));
      t.ok(got.every((v) => v?.length === 4 * MIB - 64), 'every read answers');
      t.ok(grownBy(tiered, before) <= 24 * MIB, `wasm memory grew ${grownBy(tiered, before)} bytes`);
      for (const c of [writer, reader]) await c.close();
    },
  },
  {
    name: 'L2: whatever an adapter returns or throws is a counted backend error, never an exception',
    async run(lib, t) {
      const { tiered } = lib;
      const detached = () => {
        const buffer = new ArrayBuffer(8);
        structuredClone(buffer, { transfer: [buffer] });
        return buffer;
      };
      const detachedView = () => {
        const view = new Uint8Array(8);
        structuredClone(view.buffer, { transfer: [view.buffer] });
        return view;
      };
      class Lying extends Uint8Array {
        get byteLength() { throw new Error('byteLength getter'); }
        get length() { throw new Error('length getter'); }
      }
      const throwing = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
      const answers = [
        ['a detached ArrayBuffer', async () => detached()],
        ['a view of a detached buffer', async () => detachedView()],
        ['a string', async () => 'bytes'],
        ['a number', async () => 42],
        ['a Proxy with throwing traps', async () => throwing],
        ['a Uint8Array subclass with throwing getters', async () => new Lying(4)],
        ['a rejection with undefined', () => Promise.reject(undefined)],
        ['a rejection with a throwing Proxy', () => Promise.reject(throwing)],
        ['a synchronous throw of null', () => { throw null; }], // eslint-disable-line no-throw-literal
        ['a thenable whose then throws', () => ({ get then() { throw new Error('then getter'); } })],
        ['a SharedArrayBuffer-like object', async () => ({ byteLength: 4, buffer: new ArrayBuffer(4) })],
      ];
      for (const [label, answer] of answers) {
        const store = hostileStore(answer);
        const cache = tiered.createCache({ backend: store, timeoutMs: 0, retries: 0, breaker: { threshold: 0 } });
        t.equal(await cache.get('k'), undefined, `${label}: a miss`);
        const { l2 } = await cache.stats();
        // A subclass with lying getters is read through the built-in ones: its bytes are
        // then simply not an entry (corrupt); everything else is a backend error.
        t.equal(l2.errors + l2.corrupt, 1, `${label}: one counted backend error or corrupt read`);
        t.deepEqual(await cache.getMany(['a', 'b']), [undefined, undefined], `${label}: getMany too`);
        await cache.close();
      }
    },
  },
  {
    name: 'L2: a value whose codec bytes do not decode is a counted miss, dropped from both tiers',
    async run(lib, t) {
      const { tiered } = lib;
      const payloads = [
        ['bad codec bytes', Uint8Array.from([0x01, 0xff, 0xff, 0xff])],
        ['a future codec version', Uint8Array.from([0x7e, 0x00])],
      ];
      for (const [label, payload] of payloads) {
        const store = hostileStore(fromMap);
        store.map.set('ec::k', envelope(payload));
        store.map.set('ec::m', envelope(payload));
        const cache = tiered.createCache({ backend: store, timeoutMs: 0 });
        t.equal(await cache.get('k'), undefined, `${label}: get is a miss`);
        t.equal((await cache.stats()).l2.corrupt, 1, `${label}: counted`);
        t.equal(store.map.has('ec::k'), false, `${label}: dropped from L2`);
        t.equal(await cache.has('k'), false, `${label}: has() says false`);
        t.deepEqual(await cache.getMany(['m']), [undefined], `${label}: getMany is a miss`);
        store.map.set('ec::k', envelope(payload));
        let loads = 0;
        const loaded = await cache.getOrSet('k', async () => { loads++; return 'fresh'; });
        t.equal(loaded, 'fresh', `${label}: getOrSet loads`);
        t.equal(loads, 1, `${label}: the loader ran once`);
        t.equal(await cache.get('k'), 'fresh', `${label}: the loaded value replaced it`);
        await cache.close();
      }
    },
  },
  {
    name: 'L2: a key built to equal a long key\'s stored form cannot poison it (default settings)',
    async run(lib, t) {
      const { tiered } = lib;
      const store = hostileStore(fromMap, { preset: 'workers-kv' });
      const victim = tiered.createCache({ backend: store, timeoutMs: 0 });
      const long = 'report:'.repeat(100);
      await victim.set(long, 'victim');
      const [stored] = [...store.map.keys()];
      t.equal(new TextEncoder().encode(stored).length, 512, 'the long key was fitted to 512 bytes');
      const crafted = stored.slice('ec::'.length);
      const attacker = tiered.createCache({ backend: store, timeoutMs: 0 });
      await attacker.set(crafted, 'attacker');
      t.equal(store.map.size, 2, 'the crafted key has its own record');
      const reader = tiered.createCache({ backend: store, timeoutMs: 0 });
      t.equal(await reader.get(long), 'victim', 'the long key still reads its own value');
      t.equal(await reader.get(crafted), 'attacker');
      for (const c of [victim, attacker, reader]) await c.close();
    },
  },
  {
    name: 'L2: with signing on, a forged tag generation of u64::MAX-1 cannot pin a tag',
    async run(lib, t) {
      const { tiered } = lib;
      const signingKeys = ['a signing key of at least 32 bytes!'];
      const store = hostileStore(fromMap);
      store.map.set('ec:tag::users', generation('18446744073709551614'));
      const a = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      await a.set('k', 'old', { tags: ['users'] });
      await a.invalidateTags(['users']);
      const b = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      t.equal(await b.get('k'), undefined, 'invalidated in another isolate');
      t.ok((await a.stats()).l2.security >= 1, 'the forged generation was reported');
      // The tag works again: a new entry is shared, and the next invalidation reaches it.
      await a.set('k2', 'new', { tags: ['users'] });
      const c = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      t.equal(await c.get('k2'), 'new', 'a tagged entry written after it is shared');
      await a.invalidateTags(['users']);
      const d = tiered.createCache({ backend: store, timeoutMs: 0, signingKeys });
      t.equal(await d.get('k2'), undefined, 'and invalidated again');
      for (const x of [a, b, c, d]) await x.close();
    },
  },
];
