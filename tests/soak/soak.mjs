// Soak: random sets of random sizes for SOAK_SECONDS against one cache with a
// byte budget, sampling wasm linear memory (lib.wasmMemoryBytes(), the
// WebAssembly.Memory buffer) and stats.bytes every second. wasm memory never
// shrinks, so a leak shows as growth after warm-up. Verdict: stats.bytes never
// above maxBytes, and wasm memory in the second half no more than 10% above
// its peak in the first half. Needs EDGECACHE_FIXTURE (scripts/soak.sh).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 30);
const MAX_BYTES = 8 << 20;
const lib = await import(pathToFileURL(join(process.env.EDGECACHE_FIXTURE, 'node_modules', 'edgecache', 'entry', 'node.js')).href);

const cache = lib.createCache({ maxBytes: MAX_BYTES, maxEntries: 100_000, maxValueBytes: 1 << 20 });
let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pool = new Uint8Array(1 << 20);
for (let i = 0; i < pool.length; i++) pool[i] = rand() * 256;

const samples = [];
let ops = 0;
const start = Date.now();
let nextSample = start + 1000;
while (Date.now() - start < SECONDS * 1000) {
  // Sizes from a few bytes to 512 KiB, mostly small (a cube skews towards 0).
  const size = Math.floor(rand() ** 3 * 512 * 1024);
  const at = Math.floor(rand() * (pool.length - size));
  await cache.set(`k${Math.floor(rand() * 100_000)}`, pool.subarray(at, at + size), rand() < 0.3 ? { ttl: 500 } : undefined);
  if (rand() < 0.2) await cache.get(`k${Math.floor(rand() * 100_000)}`);
  ops += 1;
  if (Date.now() >= nextSample) {
    nextSample += 1000;
    const s = await cache.stats();
    samples.push({ second: samples.length + 1, ops, wasmMemoryBytes: lib.wasmMemoryBytes(), statsBytes: s.bytes, entries: s.entries });
    console.log(JSON.stringify(samples.at(-1)));
  }
}

const half = Math.floor(samples.length / 2);
const firstPeak = Math.max(...samples.slice(0, Math.max(half, 1)).map((s) => s.wasmMemoryBytes));
const secondPeak = Math.max(...samples.slice(half).map((s) => s.wasmMemoryBytes));
const overBudget = samples.filter((s) => s.statsBytes > MAX_BYTES).length;
const plateau = secondPeak <= firstPeak * 1.1;
console.log(JSON.stringify({ seconds: SECONDS, ops, maxBytes: MAX_BYTES, firstHalfPeakWasm: firstPeak, secondHalfPeakWasm: secondPeak, overBudgetSamples: overBudget }));
if (samples.length < 2 || overBudget > 0 || !plateau) {
  console.log('soak verdict: FAIL (memory did not plateau at the budget)');
  process.exit(1);
}
console.log('soak verdict: PASS (stats.bytes within budget, wasm memory plateaued)');
