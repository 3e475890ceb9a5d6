// Speed from JS, side by side: edgecache (its async API, and separately the
// sync WasmCache core underneath) against lru-cache (with and without TTL),
// @isaacs/ttlcache, quick-lru, mnemonist's LRUCache and a plain Map.
//
//   node benches/js/speed.bench.mjs [--rounds 7] [--ops 50000] [--sizes 10000,100000,1000000] [--json FILE]
//
// Per size (entries) and value kind, all caches are built and prefilled, then
// each workload runs every cache once per round, order rotated; figures are
// median ns per operation. Keys are `user:<id>`: "fresh" builds a new string
// per operation (as a request handler does; V8 then has no cached hash),
// "reused" looks the same strings up again (flatters JS maps). Workloads:
// get-hit (resident keys), get-miss (never stored), getMany (100 resident
// keys per call, figure per key), set-evict (never-seen keys into a full
// cache: one insert and one eviction each), zipf-90/10 (Zipf 1.0 over 10 ×
// size keys; 90 % reads that store on a miss, 10 % writes).
//
// Trimmed to keep a run near 10 minutes on 2 shared cores (said in the output):
// other value kinds than the 100-byte string run get-hit and set-evict with fresh
// keys only; the 16 KB JSON object runs at 10k entries only (100k of them
// would be 1.6 GB in every copying cache); at 1M entries zipf-90/10 is left
// out (its 10M-key universe alone would be ~600 MB of key strings).

import { writeFileSync } from 'node:fs';
import {
  VALUE_KINDS, fmtNs, fmtRatio, markdownTable, sideBySide, uniformIds, zipfOps,
} from './harness.mjs';
import { edgecacheModules, entrants as allEntrants } from './peers.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', 7));
const OPS = Number(opt('ops', 50_000));
const SIZES = opt('sizes', '10000,100000,1000000').split(',').map(Number);
const JSON_OUT = opt('json', undefined);
const ONLY = opt('only', undefined); // an entrant name list, comma-separated
// An entrant slower than this per operation on a 1,000-op probe is measured on
// 1,000-op passes (flagged † in the tables): keeps the 1M tier to minutes.
const CAP_NS = Number(opt('cap-us', 50)) * 1000;

const AsyncFunction = (async () => {}).constructor;
const GROUPS = {
  10_000: ['str100', 'json16k'],
  100_000: ['str100', 'json1k', 'bytes4k'],
  1_000_000: ['str100'],
};

const modules = await edgecacheModules();
let entrants = allEntrants(modules);
if (ONLY) entrants = entrants.filter((e) => ONLY.split(',').includes(e.name));

function keyExpr(mode) {
  return mode === 'fresh' ? `'user:' + (ids[i] + base)` : 'keys[ids[i] + base]';
}

// One loop per entrant and workload, compiled from source text so every
// cache has its own call sites and type feedback.
function compile(e, kind, mode) {
  const key = keyExpr(mode);
  const bodies = {
    read: `let hits = 0; for (let i = 0; i < n; i++) { const k = ${key}; if (${e.get} !== undefined) hits++; } return hits;`,
    write: `for (let i = 0; i < n; i++) { const k = ${key}; ${e.set}; } return n;`,
    mix: `let hits = 0; for (let i = 0; i < n; i++) { const k = ${key};
      if (writes[i] === 1) { ${e.set}; } else if (${e.get} !== undefined) { hits++; } else { ${e.set}; } } return hits;`,
    many: `let out = new Array(100); const batch = new Array(100); let got = 0;
      for (let b = 0; b + 100 <= n; b += 100) {
        for (let j = 0; j < 100; j++) { const i = b + j; batch[j] = ${key}; }
        ${e.getMany}
        got += 100;
      } return got;`,
  };
  const F = e.isAsync ? AsyncFunction : Function;
  return new F('c', 'ids', 'base', 'keys', 'v', 'writes', 'n', bodies[kind]);
}

const results = [];
const tables = [];
const problems = [];

for (const size of SIZES) {
  const universe = size <= 100_000 ? 10 * size : 0;
  const setBase = Math.max(2 * size, universe);
  const setSpan = (ROUNDS + 3) * OPS; // probe, warm-up and the rounds
  // Reused key strings, built once: every id any workload touches.
  const keys = new Array(setBase + setSpan);
  for (let id = 0; id < keys.length; id++) keys[id] = `user:${id}`;
  const hitIds = uniformIds(OPS, 0, size, 1);
  const missIds = uniformIds(OPS, size, size, 2);
  const setIds = Int32Array.from({ length: OPS }, (_, i) => i);
  const zipf = universe > 0 ? zipfOps(OPS * 5, universe, 1.0, 0.1, 3) : undefined;

  for (const kindName of GROUPS[size] ?? ['str100']) {
    const kind = VALUE_KINDS[kindName];
    const value = kind.make(0);
    const full = kindName === 'str100';
    console.error(`# ${size} entries, ${kind.label}: building and prefilling ${entrants.length} caches`);
    const caches = [];
    for (const e of entrants) {
      const c = e.make(size);
      const v = e.prepare(value);
      const prefill = compile(e, 'write', 'fresh');
      await prefill(c, Int32Array.from({ length: size }, (_, i) => i), 0, keys, v, undefined, size);
      caches.push({ e, c, v });
    }
    const workloads = [
      { name: 'get-hit', kind: 'read', ids: hitIds, expect: 1 },
      { name: 'get-miss', kind: 'read', ids: missIds, expect: 0, full: true },
      { name: 'getMany ×100 (per key)', kind: 'many', ids: hitIds, full: true },
      { name: 'set-evict', kind: 'write', ids: setIds, setBase: true },
      ...(zipf ? [{ name: 'zipf-90/10', kind: 'mix', ids: zipf.ids, writes: zipf.writes, full: true }] : []),
    ];
    const rows = [];
    for (const w of workloads) {
      if (w.full && !full) continue;
      for (const mode of full ? ['fresh', 'reused'] : ['fresh']) {
        const n = w.ids.length;
        const hits = caches.map(() => 0);
        const done = caches.map(() => 0);
        const runs = caches.map(({ e, c, v }, idx) => {
          const loop = compile(e, w.kind, mode);
          return {
            run: async (round, limit) => {
              // set-evict: every pass (probe -2, warm-up -1, rounds) writes ids never written before.
              const base = w.setBase ? setBase + (round + 2) * OPS : 0;
              const ops = Math.min(limit ?? n, n);
              const h = await loop(c, w.ids, base, keys, v, w.writes, ops);
              if (round >= 0) { hits[idx] += h; done[idx] += ops; }
              return ops;
            },
          };
        });
        const measured = await sideBySide(runs, ROUNDS, { capNsPerOp: CAP_NS });
        if (w.expect !== undefined) {
          caches.forEach(({ e }, idx) => {
            const ratio = hits[idx] / done[idx];
            if (Math.abs(ratio - w.expect) > 1e-9) {
              problems.push(`${e.name} ${w.name} ${mode} at ${size}: hit ratio ${ratio.toFixed(4)}, expected ${w.expect}`);
            }
          });
        }
        const label = `${w.name} (${mode} keys)`;
        results.push({ size, value: kindName, workload: w.name, keys: mode, rounds: ROUNDS, ops: n,
          figures: Object.fromEntries(caches.map(({ e }, i) => [e.name, measured[i]])) });
        const med = (name) => measured[caches.findIndex(({ e }) => e.name === name)]?.median;
        rows.push([
          label,
          ...measured.map((m) => `${fmtNs(m.median)}${m.capped ? ' †' : ''}`),
          fmtRatio(med('edgecache') / med('lru-cache')),
          fmtRatio(med('edgecache core') / med('lru-cache')),
        ]);
        console.error(`  ${label}: ${measured.map((m, i) => `${caches[i].e.name}=${fmtNs(m.median)}`).join(' ')}`);
      }
    }
    const header = ['workload', ...caches.map(({ e }) => `${e.name} ns/op`), 'edgecache ÷ lru-cache', 'core ÷ lru-cache'];
    tables.push(`#### ${size.toLocaleString('en-US')} entries, ${kind.label}\n\n${markdownTable(header, rows)}`);
  }
}

console.log(`### Speed from JS (median ns/op over ${ROUNDS} rounds of ${OPS.toLocaleString('en-US')} ops; zipf ${(OPS * 5).toLocaleString('en-US')})\n`);
console.log(tables.join('\n\n'));
console.log('\nEntrants:', allEntrants(modules).map((e) => (e.note ? `${e.name} (${e.note})` : e.name)).join('; '));
console.log(`† slower than ${CAP_NS / 1000} µs/op on a 1,000-op probe: measured on 1,000-op passes (a full pass would take minutes).`);
console.log('Trimmed: see the header of benches/js/speed.bench.mjs (other value kinds: get-hit and set-evict with fresh keys; 16 KB JSON at 10k only; no zipf at 1M).');
for (const p of problems) console.log(`problem: ${p}`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 1));
