// Ours in wasm under Node, for the wasm-over-native ratio of benches/native.rs:
// the native get-hit workload (100k entries, keys `user:%08d`, 100-byte
// values, uniform random resident keys) timed as a tight JS loop over the
// fast lane the API uses (WasmCache.getInto, js/wasm-scratch.js) with reused
// key strings. What it includes beyond the native loop: writing each key into
// wasm memory (UTF-8 encode), the call, and the copy of the 100-byte value
// into the output area (not decoded). Prints median ns/op over rounds as JSON.
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
const memory = c.wasmMemory();
const input = c.inputArea(64);
let view = new Uint8Array(memory.buffer, input, 64);
// Short ASCII keys are written by hand, as js/wasm-scratch.js does; the view
// is re-made only if a memory.grow detached it.
function putKey(k) {
  if (view.byteLength === 0) view = new Uint8Array(memory.buffer, input, 64);
  for (let i = 0; i < k.length; i++) view[i] = k.charCodeAt(i);
  return k.length;
}
const ids = uniformIds(OPS, 0, N, 7);
function pass() {
  let hits = 0;
  for (let i = 0; i < OPS; i++) if (c.getInto(0, putKey(keys[ids[i]]), Date.now()) >= 0) hits++;
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
