// The backend conformance suite under Deno against a real Deno KV opened on a
// temporary file (run with --unstable-kv, from the fixture project, like
// tests/hosts/deno.test.mjs).
import { cases } from './cases.mjs';
import { cacheApiCases } from './cache-api-cases.mjs';
import { t } from '../conformance/assert.mjs';

const fixture = Deno.env.get('EDGECACHE_FIXTURE');
if (!fixture) throw new Error('EDGECACHE_FIXTURE is not set: run scripts/test-backends.sh');
const { default: lib } = await import(new URL(`file://${fixture}/load.mjs`).href);

globalThis.__edgecacheUnhandled = [];
globalThis.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  globalThis.__edgecacheUnhandled.push(event.reason);
});

const path = await Deno.makeTempFile({ suffix: '.kv' });
const kv = await Deno.openKv(path);
const factory = Object.assign(() => lib.denoKV(kv), { atomic: true }); // atomic checks: leases

for (const c of cases) {
  Deno.test({ name: `deno-kv: ${c.name}`, sanitizeOps: false, sanitizeResources: false, fn: () => c.run(lib, factory, t) });
}

// The Cache API (Deno's caches.open, a per-process local cache) as L2.
const cacheName = `edgecache-suite-${Date.now()}`;
const cache = await caches.open(cacheName);
const cacheFactory = Object.assign(() => lib.cacheApi(cache, { baseUrl: 'https://edgecache.invalid/suite/' }), { atomic: false });
for (const c of cases) {
  Deno.test({ name: `cache-api: ${c.name}`, sanitizeOps: false, sanitizeResources: false, fn: () => c.run(lib, cacheFactory, t) });
}
for (const c of cacheApiCases) {
  Deno.test({ name: `cache-api: ${c.name}`, sanitizeOps: false, sanitizeResources: false, fn: () => c.run(lib, cache, t) });
}

Deno.test({
  name: 'deno-kv: leases are exclusive (atomic check on a null versionstamp)',
  fn: async () => {
    const adapter = lib.denoKV(kv);
    t.equal(await adapter.setIfAbsent('lease-1', new Uint8Array([1]), 5000), true);
    t.equal(await adapter.setIfAbsent('lease-1', new Uint8Array([2]), 5000), false);
    t.deepEqual(Array.from(await adapter.get('lease-1')), [1]);
  },
});

Deno.test({
  name: 'deno-kv: a value over the service limit is refused as a permanent error',
  fn: async () => {
    const adapter = lib.denoKV(kv);
    let error;
    try {
      await adapter.set('too-big', new Uint8Array(70 * 1024));
    } catch (err) {
      error = err;
    }
    t.equal(error?.kind, 'permanent');
  },
});

Deno.test({
  name: 'close the database',
  fn: async () => {
    kv.close();
    await Deno.remove(path);
    t.equal(await caches.delete(cacheName), true, 'the Cache API cache is removed');
  },
});
