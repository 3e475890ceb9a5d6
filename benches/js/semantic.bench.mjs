// The semantic index, measured: search time per lookup at 1k, 10k and 50k
// cached vectors of 384 and 768 dimensions, in wasm with SIMD, in wasm with
// the scalar loops, int8 rows (SIMD), and a plain JS loop over Float32Arrays,
// all in the same process on the same vectors; memory per cached vector;
// recall@1 of int8 rows against exact f32 search on a seeded set.
//
//   node benches/js/semantic.bench.mjs [--sizes 1000,10000,50000] [--dims 384,768] [--rounds 7]
//
// Needs pkg/ (scripts/build.sh). Each (size, dims) runs in a child process, so
// the wasm memory figure of one does not include another's.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rng } from './harness.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));

/** Unit-length random vectors, seeded: a cached query's embedding. */
function unitVectors(n, dims, seed) {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const v = new Float32Array(dims);
    let norm = 0;
    for (let d = 0; d < dims; d++) { v[d] = r() * 2 - 1; norm += v[d] * v[d]; }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dims; d++) v[d] /= norm;
    return v;
  });
}

/** A paraphrase of `v`: v plus noise, at a cosine of about 0.9 to it. */
function paraphrase(v, r, amount = 0.5) {
  return Float32Array.from(v, (x) => x + (r() * 2 - 1) * amount / Math.sqrt(v.length) * 1.7);
}

/** The plain-JS baseline: top-1 by dot product over an array of Float32Array rows. */
function jsTop1(rows, q) {
  let best = -Infinity, at = -1;
  const dims = q.length;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let s = 0;
    for (let d = 0; d < dims; d++) s += row[d] * q[d];
    if (s > best) { best = s; at = i; }
  }
  return at;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function child(size, dims, rounds) {
  const lib = await import(new URL('../../pkg/entry/semantic/node.js', import.meta.url).href);
  const vectors = unitVectors(size, dims, 1234 + dims);
  const embedOf = (text) => vectors[Number(text.slice(1))];
  const embed = async (texts) => texts.map(embedOf);
  const make = async (precision) => {
    const before = lib.wasmMemoryBytes();
    const cache = lib.createCache({ maxBytes: 2 ** 31, maxEntries: size + 1 });
    const sc = lib.semanticCache({ cache, embed, threshold: -1, precision, dimensions: dims });
    for (let i = 0; i < size; i++) await sc.store(`v${i}`, i);
    const { bytes } = await cache.stats();
    return { sc, cache, wasmGrowth: lib.wasmMemoryBytes() - before, entryBytes: bytes };
  };
  const f32 = await make('f32');
  const int8 = await make('int8');
  const r = rng(99);
  const queries = Array.from({ length: 64 }, (_, i) => paraphrase(vectors[(i * 7919) % size], r));
  const perLookup = Math.max(8, Math.min(64, Math.round(2e6 / size / dims * 64)));
  const qs = queries.slice(0, perLookup);
  const subjects = {
    'wasm SIMD (f32)': () => { f32.sc.index.setKernel('simd'); return (q) => f32.sc.index.search('', q, 1, -1); },
    'wasm scalar (f32)': () => { f32.sc.index.setKernel('scalar'); return (q) => f32.sc.index.search('', q, 1, -1); },
    'wasm SIMD (int8)': () => { int8.sc.index.setKernel('simd'); return (q) => int8.sc.index.search('', q, 1, -1); },
    'plain JS loop (f32)': () => (q) => jsTop1(vectors, q),
  };
  const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  const names = Object.keys(subjects);
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + round) % names.length];
      const run = subjects[name]();
      for (const q of qs.slice(0, 2)) await run(q); // warm
      const t0 = performance.now();
      for (const q of qs) await run(q);
      times[name].push((performance.now() - t0) / qs.length);
    }
  }
  f32.sc.index.setKernel('simd');
  // recall@1: int8 against exact f32, on paraphrases of stored vectors and on random queries.
  let agreeP = 0, agreeR = 0;
  const randomQs = unitVectors(200, dims, 777);
  const rp = rng(4242);
  for (let i = 0; i < 200; i++) {
    const p = paraphrase(vectors[(i * 104729) % size], rp);
    agreeP += (await f32.sc.index.search('', p, 1, -1))[0].key === (await int8.sc.index.search('', p, 1, -1))[0].key ? 1 : 0;
    const q = randomQs[i];
    agreeR += (await f32.sc.index.search('', q, 1, -1))[0].key === (await int8.sc.index.search('', q, 1, -1))[0].key ? 1 : 0;
  }
  const f32Stats = f32.sc.stats();
  const int8Stats = int8.sc.stats();
  return {
    size, dims,
    ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
    vectorBytes: { f32: f32Stats.vectorBytes / size, int8: int8Stats.vectorBytes / size },
    entryBytes: { f32: f32.entryBytes / size, int8: int8.entryBytes / size },
    wasmGrowth: { f32: f32.wasmGrowth / size, int8: int8.wasmGrowth / size },
    recallParaphrase: agreeP / 200,
    recallRandom: agreeR / 200,
    simd: lib.simdAvailable(),
  };
}

if (args.child) {
  const [size, dims, rounds] = args.child.split(',').map(Number);
  console.log(JSON.stringify(await child(size, dims, rounds)));
} else {
  const sizes = (args.sizes ?? '1000,10000,50000').split(',').map(Number);
  const dimsList = (args.dims ?? '384,768').split(',').map(Number);
  const rounds = Number(args.rounds ?? 7);
  const rows = [];
  for (const dims of dimsList) {
    for (const size of sizes) {
      const out = spawnSync(process.execPath, ['--max-old-space-size=4096', fileURLToPath(import.meta.url), '--child', `${size},${dims},${rounds}`], { encoding: 'utf8' });
      if (out.status !== 0) { console.error(out.stderr); process.exit(1); }
      rows.push(JSON.parse(out.stdout.trim().split('\n').pop()));
    }
  }
  const f = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
  console.log('### Semantic index: search time per lookup (top-1, median of rounds; node ' + process.version + ')');
  console.log();
  console.log('| vectors × dims | wasm SIMD f32 | wasm scalar f32 | wasm SIMD int8 | plain JS loop | SIMD vs JS | bytes/vector f32 (int8) | recall@1 int8: paraphrase / random |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const m = r.ms;
    console.log(`| ${r.size} × ${r.dims} | ${f(m['wasm SIMD (f32)'])} | ${f(m['wasm scalar (f32)'])} | ${f(m['wasm SIMD (int8)'])} | ${f(m['plain JS loop (f32)'])} | ${(m['plain JS loop (f32)'] / m['wasm SIMD (f32)']).toFixed(1)}x | ${r.vectorBytes.f32.toFixed(0)} (${r.vectorBytes.int8.toFixed(0)}) | ${r.recallParaphrase.toFixed(3)} / ${r.recallRandom.toFixed(3)} |`);
  }
  console.log();
  console.log('Memory per cached answer: its entry weight (vector, key, a small answer, overheads: what the byte bound counts),');
  console.log('and the growth of wasm memory per vector while the f32 index (built first, in a fresh instance) filled');
  console.log('(the int8 index is built second, into memory the first left free, so its growth is not shown):');
  console.log();
  for (const r of rows) {
    console.log(`- ${r.size} × ${r.dims}: weight f32 ${r.entryBytes.f32.toFixed(0)} B, int8 ${r.entryBytes.int8.toFixed(0)} B; wasm memory +${r.wasmGrowth.f32.toFixed(0)} B per f32 vector`);
  }
}
