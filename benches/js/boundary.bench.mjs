// How much crossing the JS <-> wasm boundary costs, and which batch shape is
// cheaper. Run after scripts/build.sh:  node benches/js/boundary.bench.mjs
// Plain timing loops (no dependencies); figures are ns per operation.
import { createCache } from '../../pkg/entry/node.js';
import { WasmCache } from '../../pkg/edgecache.js';

function bench(name, ops, fn) {
  for (let i = 0; i < 3; i++) fn(); // warm up
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - start) / ops);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} ${runs[3].toFixed(0).padStart(8)} ns/op (median of 7)`);
}

const N = 10_000;
const keys = Array.from({ length: N }, (_, i) => `user:${i}:profile`);
const value100 = new Uint8Array(100).fill(7);

const raw = new WasmCache({ maxEntries: 100_000, compressionThreshold: 1 << 30 });
const memory = raw.wasmMemory();
let mem = new Uint8Array(memory.buffer);
const inPtr = raw.inputArea(4096);
function putKey(k) {
  if (mem.byteLength === 0) mem = new Uint8Array(memory.buffer);
  for (let i = 0; i < k.length; i++) mem[inPtr + i] = k.charCodeAt(i);
  return k.length;
}
// A write of 100 bytes the core keeps (key and value written in place).
function rawSet(k, ttl, tags) {
  const n = putKey(k);
  mem.set(value100, inPtr + n);
  raw.writeSlot(0, 0, n, 100, -1, ttl, undefined, tags, undefined, Date.now());
}
for (const k of keys) rawSet(k);

console.log('-- single calls (raw WasmCache)');
bench('has (key string in, bool out)', N, () => { for (const k of keys) raw.has(0, k); });
bench('writeSlot 100 B (key + value written in place)', N, () => { for (const k of keys) rawSet(k); });
bench('writeSlot 100 B with ttl "5m" and one tag', N, () => { for (const k of keys) rawSet(k, '5m', ['t']); });
bench('writeSlot of a value JS holds (key only)', N, () => {
  for (const k of keys) raw.writeSlot(0, 0, putKey(k), 0, 216, undefined, undefined, undefined, undefined, Date.now());
});

console.log('-- the scratch lane (js/wasm-scratch.js: keys and answers in place in wasm memory)');
bench('readSlot (held values answer with their slot)', N, () => {
  for (const k of keys) raw.readSlot(0, putKey(k), false, Date.now());
});
bench('readSlot + subarray view of a bytes answer', N, () => {
  for (const k of keys) {
    const r = raw.readSlot(0, putKey(k), false, Date.now());
    const out = raw.outputArea();
    if (mem.byteLength === 0) mem = new Uint8Array(memory.buffer);
    mem.subarray(out, out - r - 2);
  }
});

console.log('-- batches of 100 keys, per key');
const batches = [];
for (let i = 0; i < N; i += 100) batches.push(keys.slice(i, i + 100));
bench('getManySlots (keys and the packed answer in place)', N, () => {
  for (const b of batches) {
    let at = b.length * 4;
    const dv = new DataView(memory.buffer);
    for (let i = 0; i < b.length; i++) {
      dv.setUint32(inPtr + i * 4, b[i].length, true);
      for (let j = 0; j < b[i].length; j++) dv.setUint8(inPtr + at + j, b[i].charCodeAt(j));
      at += b[i].length;
    }
    raw.getManySlots(0, b.length, at, Date.now());
  }
});
const lengths = new Uint32Array(100).fill(100);
const packed = new Uint8Array(100 * 100).fill(7);
const bytesCharge = new Float64Array(100).fill(-1);
bench('setManySlots packed (one buffer + lengths)', N, () => {
  for (const b of batches) raw.setManySlots(0, b, packed, lengths, bytesCharge, undefined, undefined, undefined, undefined);
});
bench('100 separate writeSlot calls', N, () => { for (const b of batches) for (const k of b) rawSet(k); });

console.log('-- the JS API (codec + async) for comparison');
const cache = createCache({ maxEntries: 100_000 });
const obj = { id: 1, name: 'Ada Lovelace', tags: ['math', 'poetry'], active: true };
for (const k of keys) await cache.set(k, obj);
async function benchAsync(name, ops, fn) {
  for (let i = 0; i < 3; i++) await fn();
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - start) / ops);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} ${runs[3].toFixed(0).padStart(8)} ns/op (median of 7)`);
}
await benchAsync('cache.get (small object)', N, async () => { for (const k of keys) await cache.get(k); });
await benchAsync('cache.set (small object)', N, async () => { for (const k of keys) await cache.set(k, obj); });
await benchAsync('cache.getMany, 100 per call', N, async () => { for (const b of batches) await cache.getMany(b); });
const map = new Map(keys.map((k) => [k, obj]));
bench('baseline: Map.get', N, () => { for (const k of keys) map.get(k); });
