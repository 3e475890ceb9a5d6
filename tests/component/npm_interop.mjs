// Interoperability of L2 entries between the npm build (pkg/, built by
// scripts/build.sh) and the WASI component: same envelope, same key layout and
// hashing. Run by scripts/test-component.sh around wasmtime_npm_interop_test.py.
//
//   node tests/component/npm_interop.mjs write OUT
//     npm -> component: writes entries through createCache({ backend }) over a
//     JS Map adapter with the Python DictBackend's caps, checks the keys equal
//     the native fixture's (interop/native_entries.txt), dumps the Map to OUT.
//   node tests/component/npm_interop.mjs read CODEC_DUMP RAW_DUMP
//     component -> npm: CODEC_DUMP holds entries the component wrote with
//     codec-encoded payloads (read through the public API: values compare equal);
//     RAW_DUMP holds the component's raw-bytes entries (interop/out/
//     component_entries.txt), read through the npm wasm's tiered core directly,
//     because the public API decodes every payload with the JS value codec.
//   node tests/component/npm_interop.mjs write-sealed OUT / read-sealed DUMP
//     the same both ways for entries signed and encrypted (signingKeys,
//     encryptionKeys): the component, given the same keys, reads what npm
//     sealed, and npm reads what the component sealed.
//
// Dump format: `# header`, then `key<TAB>hex value` lines sorted by key.
// The JS layer stores a Uint8Array as its codec encoding 0x01 0x21 + bytes and
// a string as 0x01 0x20 + UTF-8: that is the payload the component sees.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCache } from '../../pkg/entry/tiered/node.js';
// The same module instance entry/tiered/node.js initialised: the wasm classes themselves.
import { WasmTieredCache } from '../../pkg/edgecache_tiered.js';

const HERE = new URL('.', import.meta.url);
const NATIVE_ENTRIES = new URL('interop/native_entries.txt', HERE);
const enc = new TextEncoder();
const LONG_KEY = 'x'.repeat(600);

/** A Map-backed adapter whose caps equal wasmtime_tiered_host.DictBackend's defaults. */
function mapAdapter(map = new Map()) {
  return {
    map,
    caps: {
      preset: 'unlimited', maxKeyBytes: 512, maxValueBytes: 1 << 20, maxBatchGet: 100,
      hasListing: true, hasAtomic: false,
    },
    async get(key) { return map.get(key)?.slice(); },
    async set(key, value) { map.set(key, value.slice()); },
    async delete(key) { map.delete(key); },
    async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
}

function readDump(path) {
  const entries = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [key, hex] = line.split('\t');
    assert.match(hex, /^([0-9a-f]{2})*$/, `hex value of ${key}`);
    entries.set(key, Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
  }
  return entries;
}

function writeDump(path, header, map) {
  const lines = [`# ${header}`];
  for (const key of [...map.keys()].sort()) lines.push(`${key}\t${Buffer.from(map.get(key)).toString('hex')}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// What the npm side writes; wasmtime_npm_interop_test.py expects exactly these payloads.
const NPM_WRITES = [
  ['', 'plain', enc.encode('hello from npm'), {}],
  ['tenant', 'k', enc.encode('namespaced'), {}],
  ['', 'big', enc.encode('npm-0123456789'.repeat(300)), {}], // repetitive: compressed
  ['', 'tagged', enc.encode('with tags'), { tags: ['t1', 't2'] }],
  ['', LONG_KEY, enc.encode('long key'), {}], // over 512 bytes: hashed
  ['', 'text', 'a string from npm', {}], // a string: 0x01 0x20 + UTF-8
];

async function write(out) {
  const adapter = mapAdapter();
  const cache = createCache({ backend: adapter });
  for (const [ns, key, value, opts] of NPM_WRITES) {
    const view = ns === '' ? cache : cache.namespace(ns);
    assert.equal(await view.set(key, value, { ttl: null, ...opts }), 'written', key);
  }
  const keys = [...adapter.map.keys()].sort();
  assert.equal(keys.length, NPM_WRITES.length, `one backend entry per write: ${keys}`);
  // Same key layout and long-key hashing as the native core (and so the component).
  const nativeKeys = [...readDump(NATIVE_ENTRIES).keys()].sort();
  assert.deepEqual(keys.filter((k) => k !== 'ec::text'), nativeKeys);
  const hashed = keys.find((k) => k.startsWith('ec::xxx'));
  assert.ok(enc.encode(hashed).length <= 512, 'the long key was hashed to fit');
  // The large repetitive value is stored compressed (smaller than its payload).
  assert.ok(adapter.map.get('ec::big').length < 3000, 'big entry compressed');
  await cache.close();
  writeDump(out, 'written by the npm build (tests/component/npm_interop.mjs)', adapter.map);
  console.log(`npm_interop: wrote ${keys.length} entries to ${out}`);
}

async function readCodec(path) {
  const adapter = mapAdapter(readDump(path));
  const cache = createCache({ backend: adapter });
  const expected = [
    ['', 'plain', enc.encode('hello from the component')],
    ['tenant', 'k', enc.encode('namespaced')],
    ['', 'big', enc.encode('abcdefghij'.repeat(300))],
    ['', 'tagged', enc.encode('with tags')],
    ['', LONG_KEY, enc.encode('long key')],
    ['', 'text', 'a string from the component'],
  ];
  for (const [ns, key, value] of expected) {
    const view = ns === '' ? cache : cache.namespace(ns);
    assert.deepEqual(await view.get(key), value, `${ns}/${key.slice(0, 16)}`);
  }
  const { l2 } = await cache.stats();
  assert.equal(l2.hits, expected.length);
  assert.equal(l2.corrupt, 0);
  console.log(`npm_interop: read ${expected.length} codec entries the component wrote`);
}

async function readRaw(path) {
  // The public API decodes payloads with the JS codec: raw component bytes are
  // not codec values ('h' is no codec version), so for it they are a counted
  // corrupt miss, dropped from both tiers (issue 11) — on a copy of the dump.
  const copy = mapAdapter(readDump(path));
  const cache = createCache({ backend: copy });
  assert.equal(await cache.get('plain'), undefined);
  assert.equal((await cache.stats()).l2.corrupt, 1);
  assert.equal(await copy.get('ec::plain'), undefined, 'dropped from L2');
  const adapter = mapAdapter(readDump(path));
  // The npm wasm's tiered core, below the JS codec, returns the payload bytes.
  const core = new WasmTieredCache({}, {}, adapter, undefined);
  const tenant = core.namespace('tenant');
  const expected = [
    [0, 'plain', 'hello from the component'],
    [tenant, 'k', 'namespaced'],
    [0, 'big', 'abcdefghij'.repeat(300)],
    [0, 'tagged', 'with tags'],
    [0, LONG_KEY, 'long key'],
  ];
  for (const [ns, key, text] of expected) {
    assert.deepEqual(await core.get(ns, key), enc.encode(text), key.slice(0, 16));
  }
  core.free();
  console.log(`npm_interop: read ${expected.length} raw entries the component wrote`);
}

// Signed and encrypted entries: the keys wasmtime_npm_interop_test.py uses too
// (bytes 0..31 sign, 32..63 encrypt).
const SEAL = {
  signingKeys: [Uint8Array.from({ length: 32 }, (_, i) => i)],
  encryptionKeys: [Uint8Array.from({ length: 32 }, (_, i) => 32 + i)],
};
const SEALED_WRITES = [
  ['', 'sealed', 'signed and encrypted by npm'],
  ['tenant', 'sealed', 'namespaced, sealed by npm'],
];

async function writeSealed(out) {
  const adapter = mapAdapter();
  const cache = createCache({ backend: adapter, ...SEAL });
  for (const [ns, key, value] of SEALED_WRITES) {
    const view = ns === '' ? cache : cache.namespace(ns);
    assert.equal(await view.set(key, value, { ttl: null }), 'written', key);
  }
  for (const stored of adapter.map.values()) {
    assert.ok(!Buffer.from(stored).toString('latin1').includes('by npm'), 'encrypted: no plaintext in L2');
  }
  await cache.close();
  writeDump(out, 'signed and encrypted by the npm build (tests/component/npm_interop.mjs)', adapter.map);
  console.log(`npm_interop: wrote ${adapter.map.size} sealed entries to ${out}`);
}

async function readSealed(path) {
  const expected = [
    ['', 'sealed', 'signed and encrypted by the component'],
    ['tenant', 'sealed', 'namespaced, sealed by the component'],
  ];
  const cache = createCache({ backend: mapAdapter(readDump(path)), ...SEAL });
  for (const [ns, key, value] of expected) {
    const view = ns === '' ? cache : cache.namespace(ns);
    assert.equal(await view.get(key), value, `${ns}/${key}`);
  }
  const { l2 } = await cache.stats();
  assert.deepEqual([l2.hits, l2.security, l2.corrupt], [expected.length, 0, 0]);
  // Without the keys nothing is served (a sealed record is not an envelope).
  const stranger = createCache({ backend: mapAdapter(readDump(path)) });
  assert.equal(await stranger.get('sealed'), undefined);
  const s = (await stranger.stats()).l2;
  assert.equal(s.security + s.corrupt, 1);
  console.log(`npm_interop: read ${expected.length} sealed entries the component wrote`);
}

const [mode, ...paths] = process.argv.slice(2);
if (mode === 'write' && paths.length === 1) {
  await write(paths[0]);
} else if (mode === 'read' && paths.length === 2) {
  await readCodec(paths[0]);
  await readRaw(paths[1]);
} else if (mode === 'write-sealed' && paths.length === 1) {
  await writeSealed(paths[0]);
} else if (mode === 'read-sealed' && paths.length === 1) {
  await readSealed(paths[0]);
} else {
  console.error('usage: npm_interop.mjs write OUT | read CODEC_DUMP RAW_DUMP | write-sealed OUT | read-sealed DUMP');
  process.exit(2);
}
