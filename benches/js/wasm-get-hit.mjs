// Ours in wasm under Node, for the wasm-over-native ratio of benches/native.rs:
// the native get-hit workload (100k entries, keys `user:%08d`, 100-byte
// values, uniform random resident keys) timed as a tight JS loop over
// WasmCache.get with reused key strings. What it includes beyond the native
// loop: copying each key string into wasm memory (UTF-8 encode), the
// wasm-bindgen call, and copying the 100-byte value out into a new
// Uint8Array. Prints median ns/op over rounds as JSON.
//
//   node benches/js/wasm-get-hit.mjs [rounds]
import { WasmCache } from '../../pkg/edgecache.js';
import '../../pkg/entry/node.js';
import { quantile, uniformIds } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 15);
const N = 100_000;
const OPS = 200_000;
const keys = Array.from({ length: N }, (_, i) => `user:${String(i).padStart(8, '0')}`);
const value = new Uint8Array(100).fill(7);
const c = new WasmCache({ maxEntries: N, maxBytes: 2 ** 30, compressionThreshold: 2 ** 30 });
for (const k of keys) c.set(0, k, value, undefined, undefined, undefined, undefined);
const ids = uniformIds(OPS, 0, N, 7);
function pass() {
  let hits = 0;
  for (let i = 0; i < OPS; i++) if (c.get(0, keys[ids[i]]) !== undefined) hits++;
  return hits;
}
pass();
const samples = [];
for (let r = 0; r < ROUNDS; r++) {
  const t = process.hrtime.bigint();
  if (pass() !== OPS) throw new Error('a resident key missed');
  samples.push(Number(process.hrtime.bigint() - t) / OPS);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ workload: 'get-hit', entries: N, medianNsPerOp: quantile(samples, 0.5) }));
