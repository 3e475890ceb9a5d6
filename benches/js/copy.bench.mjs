// What a get of an object costs with copy semantics, side by side in one
// process: edgecache's memory driver (copy mode: JSON text parsed per get;
// reference mode: `clone: false`) against structuredClone of the same object
// and lru-cache's get (a shared reference). 1,000 distinct entries per kind.
//
//   node benches/js/copy.bench.mjs [--rounds 7]
import { createRequire } from 'node:module';
import { VALUE_KINDS } from './harness.mjs';

const req = createRequire(new URL('../../scripts/package.json', import.meta.url));
const { LRUCache } = req('lru-cache');
await import('../../pkg/entry/node.js');
const glue = await import('../../pkg/edgecache.js');
const { MemoryDriver } = await import('../../pkg/drivers/memory.js');

const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] || 7);
const N = 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log('| value | edgecache copy (µs) | structuredClone (µs) | copy ÷ structuredClone | edgecache clone: false (ns) | lru-cache (ns) | reference ÷ lru-cache |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const kindName of ['json1k', 'json16k']) {
  const kind = VALUE_KINDS[kindName];
  const objects = Array.from({ length: N }, (_, i) => kind.make(i));
  const copy = new MemoryDriver(new glue.WasmCache({ maxEntries: N, maxBytes: 2 ** 31 }));
  const ref = new MemoryDriver(new glue.WasmCache({ maxEntries: N, maxBytes: 2 ** 31 }), { clone: false, sizeOf: () => 1024 });
  const lru = new LRUCache({ max: N });
  objects.forEach((o, i) => { copy.set(0, `k${i}`, o, {}); ref.set(0, `k${i}`, o, {}); lru.set(`k${i}`, o); });
  const loops = {
    copy: () => { for (let i = 0; i < N; i++) copy.get(0, `k${i}`); },
    clone: () => { for (let i = 0; i < N; i++) structuredClone(objects[i]); },
    ref: () => { for (let i = 0; i < N; i++) ref.get(0, `k${i}`); },
    lru: () => { for (let i = 0; i < N; i++) lru.get(`k${i}`); },
  };
  const times = { copy: [], clone: [], ref: [], lru: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, loop] of Object.entries(loops)) {
      const t = process.hrtime.bigint();
      loop();
      times[name].push(Number(process.hrtime.bigint() - t) / N);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`| ${kind.label} | ${(m.copy / 1000).toFixed(1)} | ${(m.clone / 1000).toFixed(1)} | ${(m.copy / m.clone).toFixed(2)}× | ${m.ref.toFixed(0)} | ${m.lru.toFixed(0)} | ${(m.ref / m.lru).toFixed(2)}× |`);
}
