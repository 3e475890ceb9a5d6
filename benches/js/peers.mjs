// The caches under test from JS, each described once: how to build it at a
// capacity, and the source text of its get / set / getMany expressions. The
// speed harness compiles one loop per cache from that text, so every cache
// gets its own monomorphic call sites (a shared loop calling `cache.get`
// through an interface would go megamorphic and slow every cache down).
//
// Peers come from scripts/node_modules (scripts/package.json pins them);
// edgecache from pkg/ (scripts/build.sh).

import { createRequire } from 'node:module';

const req = createRequire(new URL('../../scripts/package.json', import.meta.url));
const { LRUCache } = req('lru-cache');
const { TTLCache } = req('@isaacs/ttlcache');
const QuickLRU = req('quick-lru').default;
const MnemonistLRU = req('mnemonist').LRUCache;

const TTL_MS = 10 * 60 * 1000;

/** Loads the built npm package (pkg/) and returns the edgecache entrants. */
export async function edgecacheModules() {
  const api = await import('../../pkg/entry/node.js');
  const glue = await import('../../pkg/edgecache.js');
  const support = await import('../../pkg/cache-support.js');
  const driver = await import('../../pkg/drivers/memory.js');
  return { api, glue, support, driver };
}

// Our options: bounded by entries only (the byte budget far above what the
// run stores), compression at its default unless `compress` is false.
function ourOptions(capacity, compress = true) {
  const o = { maxEntries: capacity, maxBytes: 2 ** 32 - 1 };
  if (!compress) o.compressionThreshold = 2 ** 31;
  return o;
}

/**
 * Every entrant. Fields:
 * - make(capacity): a fresh cache;
 * - prepare(value): what `set` receives (peers: the value itself; the wasm
 *   core: its encoded bytes, encoded once outside the timed loop);
 * - get / set / getMany: expressions over `c` (the cache), `k` (a key),
 *   `v` (the prepared value), `batch` (an array of keys);
 * - isAsync: the expressions contain `await`;
 * - ours: numerator of the ratios.
 */
export function entrants({ api, glue, driver }) {
  const peers = [
    {
      name: 'Map',
      note: 'plain Map, FIFO eviction by deleting the first key',
      make: (cap) => ({ m: new Map(), cap }),
      get: 'c.m.get(k)',
      set: '(c.m.set(k, v), c.m.size > c.cap && c.m.delete(c.m.keys().next().value))',
    },
    {
      name: 'lru-cache',
      make: (cap) => new LRUCache({ max: cap }),
      get: 'c.get(k)',
      set: 'c.set(k, v)',
    },
    {
      name: 'lru-cache+ttl',
      make: (cap) => new LRUCache({ max: cap, ttl: TTL_MS }),
      get: 'c.get(k)',
      set: 'c.set(k, v)',
    },
    {
      name: 'ttlcache',
      make: (cap) => new TTLCache({ max: cap, ttl: TTL_MS }),
      get: 'c.get(k)',
      set: 'c.set(k, v)',
    },
    {
      name: 'quick-lru',
      note: 'holds up to 2 × maxSize (two generations)',
      make: (cap) => new QuickLRU({ maxSize: cap }),
      get: 'c.get(k)',
      set: 'c.set(k, v)',
    },
    {
      name: 'mnemonist',
      make: (cap) => new MnemonistLRU(cap),
      get: 'c.get(k)',
      set: 'c.set(k, v)',
    },
  ];
  for (const p of peers) {
    p.prepare = (v) => v;
    p.getMany = `for (let j = 0; j < batch.length; j++) { const k = batch[j]; out[j] = ${p.get}; }`;
  }
  const ours = [
    {
      name: 'edgecache',
      note: 'public async API (createCache): await per call, value codec',
      ours: true,
      isAsync: true,
      make: (cap) => api.createCache(ourOptions(cap)),
      prepare: (v) => v,
      get: '(await c.get(k))',
      set: 'await c.set(k, v)',
      getMany: 'out = await c.getMany(batch);',
    },
    {
      name: 'edgecache core',
      note: 'the sync memory driver under the API (js/drivers/memory.js over WasmCache): the same wasm calls, handle table and copies, no Promise',
      core: true,
      make: (cap) => new driver.MemoryDriver(new glue.WasmCache(ourOptions(cap))),
      prepare: (v) => v,
      get: 'c.get(0, k)',
      set: 'c.set(0, k, v, {})',
      getMany: 'out = c.getMany(0, batch);',
    },
  ];
  return [...ours, ...peers];
}

export { ourOptions };
