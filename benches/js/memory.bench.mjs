// Memory per entry after a forced GC: JS heap + array buffers + wasm memory,
// each cache filled with distinct values (a fresh object per entry, as a
// cache of parsed responses holds), one child process per measurement so no
// cache sees another's garbage.
//
//   node benches/js/memory.bench.mjs [--sizes 100000,1000000] [--json FILE]
//
// Figure: (after fill − before fill) / entries, in bytes, where each side is
// heapUsed + arrayBuffers (process.memoryUsage()) + the wasm memory's size,
// after two gc() calls. Wasm memory only grows, so ours is its high-water mark.
// edgecache runs with compression at its default (values ≥ 1 KB deflated)
// and with compression off. The 16 KB JSON object runs at 10k entries only
// (100k distinct 16 KB objects do not fit the default Node heap in lru-cache).

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VALUE_KINDS, fmtRatio, markdownTable } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};

async function child([name, kindName, sizeText, compressText]) {
  const { edgecacheModules, entrants, ourOptions } = await import('./peers.mjs');
  const modules = await edgecacheModules();
  const wasmExports = modules.glue.initSync({
    module: readFileSync(new URL('../../pkg/edgecache_bg.wasm', import.meta.url)),
  });
  const size = Number(sizeText);
  const e = entrants(modules).find((x) => x.name === name);
  const kind = VALUE_KINDS[kindName];
  const measure = () => {
    globalThis.gc(); globalThis.gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, buffers: m.arrayBuffers, wasm: wasmExports.memory.buffer.byteLength };
  };
  const before = measure();
  const c = e.ours && compressText === 'off'
    ? modules.api.createCache(ourOptions(size, false))
    : e.make(size);
  const set = new (e.isAsync ? (async () => {}).constructor : Function)('c', 'k', 'v', e.set);
  for (let i = 0; i < size; i++) await set(c, `user:${i}`, e.prepare(kind.make(i)));
  const after = measure();
  const per = (f) => (after[f] - before[f]) / size;
  globalThis.keep = c; // the cache stays reachable until measured
  process.stdout.write(JSON.stringify({ heap: per('heap'), buffers: per('buffers'), wasm: per('wasm') }));
}

function parent() {
  const sizes = opt('sizes', '100000,1000000').split(',').map(Number);
  const jsonOut = opt('json', undefined);
  const script = fileURLToPath(import.meta.url);
  const subjects = [
    ['edgecache', 'on'], ['edgecache', 'off'], ['lru-cache', ''], ['lru-cache+ttl', ''],
    ['ttlcache', ''], ['quick-lru', ''], ['mnemonist', ''], ['Map', ''],
  ];
  const plan = [];
  for (const size of sizes) {
    for (const kind of Object.keys(VALUE_KINDS)) {
      if (kind === 'json16k' && size > 10_000) continue;
      if (size > 100_000 && kind !== 'str100' && kind !== 'json1k') continue; // 1M: the two small kinds
      plan.push({ size, kind });
    }
  }
  if (plan.some((p) => p.kind === 'json16k') === false) plan.push({ size: 10_000, kind: 'json16k' });
  const raw = [];
  const tables = [];
  for (const { size, kind } of plan) {
    const rows = [];
    let lru;
    let ours;
    for (const [name, compress] of subjects) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, '--child', name, kind, String(size), compress],
        { encoding: 'utf8', maxBuffer: 1 << 20 });
      let m;
      try { m = JSON.parse(r.stdout); } catch { m = undefined; }
      const label = compress ? `${name} (compression ${compress})` : name;
      if (!m) {
        rows.push([label, '-', '-', '-', `failed: ${(r.stderr || '').split('\n').find((l) => l.trim()) ?? r.status}`, '-']);
        continue;
      }
      const total = m.heap + m.buffers + m.wasm;
      if (name === 'lru-cache') lru = total;
      if (name === 'edgecache' && compress === 'on') ours = total;
      raw.push({ size, kind, subject: label, ...m, total });
      rows.push([label, m.heap.toFixed(0), m.buffers.toFixed(0), m.wasm.toFixed(0), total.toFixed(0), undefined]);
      console.error(`  memory ${size} ${kind} ${label}: ${total.toFixed(0)} B/entry`);
    }
    for (const row of rows) if (row[5] === undefined) row[5] = fmtRatio(Number(row[4]) / ours);
    rows.push(['lru-cache ÷ edgecache (compression on)', '', '', '', fmtRatio(lru / ours), '']);
    tables.push(`#### ${size.toLocaleString('en-US')} entries, ${VALUE_KINDS[kind].label}\n\n${markdownTable(
      ['cache', 'JS heap B/entry', 'array buffers B/entry', 'wasm memory B/entry', 'total B/entry', 'total ÷ edgecache'], rows)}`);
  }
  console.log('### Memory per entry after forced GC (distinct value per entry)\n');
  console.log(tables.join('\n\n'));
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(raw, null, 1));
}

const childAt = args.indexOf('--child');
if (childAt >= 0) await child(args.slice(childAt + 1));
else parent();
