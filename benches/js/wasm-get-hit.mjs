// Ours in wasm under Node, for the wasm-over-native ratio of benches/native.rs:
// the native get-hit workload (100k entries, keys `user:%08d`, 100-byte
// values, uniform random resident keys) timed as a tight JS loop over the
// fast lane the API uses (WasmCache.readSlot, js/wasm-scratch.js) with reused
// key strings. What it includes beyond the native loop: writing each key into
// wasm memory (UTF-8 encode) and the call; the value is one JS holds by slot
// (nothing to copy). Prints median ns/op over rounds as JSON.
//
//   node benches/js/wasm-get-hit.mjs [rounds]
import { WasmCache } from '../../pkg/edgecache.js';
import '../../pkg/entry/node.js';
import { quantile, uniformIds } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 15);
const N = 100_000;
const OPS = 200_000;
const keys = Array.from({ length: N }, (_, i) => `user:${String(i).padStart(8, '0')}`);
const c = new WasmCache({ maxEntries: N, maxBytes: 2 ** 30, compressionThreshold: 2 ** 30 });
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
// A 100-char string held by JS: its weight, as js/held-values.js charges it.
for (const k of keys) c.writeSlot(0, 0, putKey(k), 0, 216, undefined, undefined, undefined, undefined, Date.now());
const ids = uniformIds(OPS, 0, N, 7);
function pass() {
  let hits = 0;
  for (let i = 0; i < OPS; i++) if (c.readSlot(0, putKey(keys[ids[i]]), false, Date.now()) >= 0) hits++;
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
