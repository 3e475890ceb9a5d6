// Replays the Zipf 1.0 traces written by `cargo bench --bench hit_ratio --
// --dump-traces DIR` through lru-cache (get, then set on a miss) and compares
// its hits with our LRU policy's on the same trace: equal counts show our LRU
// is the same algorithm as lru-cache's, so the LRU column of the hit-ratio
// table stands for lru-cache on every trace.
//
//   node benches/js/lru-replay.mjs DIR

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { markdownTable } from './harness.mjs';

const req = createRequire(new URL('../../scripts/package.json', import.meta.url));
const { LRUCache } = req('lru-cache');
const dir = process.argv[2];
const rows = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.u64')).sort()) {
  const capacity = Number(/cache(\d+)/.exec(file)[1]);
  const buf = readFileSync(join(dir, file));
  const ids = new BigUint64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const cache = new LRUCache({ max: capacity });
  let hits = 0;
  for (const id of ids) {
    const key = `k${id}`;
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, 'v');
  }
  const ours = Number(readFileSync(join(dir, `${file}.edgecache-lru-hits`), 'utf8'));
  const pct = (h) => `${((100 * h) / ids.length).toFixed(2)}%`;
  rows.push([file, String(ids.length), String(capacity), `${hits} (${pct(hits)})`, `${ours} (${pct(ours)})`, hits === ours ? 'same' : 'DIFFERENT']);
}
console.log('### lru-cache against our LRU on the same trace\n');
console.log(markdownTable(['trace', 'requests', 'entries', 'lru-cache hits', 'edgecache LRU hits', ''], rows));
