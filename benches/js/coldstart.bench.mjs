// Size of the shipped .wasm files and cold start in Node, Deno and workerd.
//
//   node benches/js/coldstart.bench.mjs [--runs 21] [--json FILE]
//
// Each for both npm builds: the default entry ('edgecache', memory tier only)
// and 'edgecache/tiered' (with backends).
// Node and Deno: `runs` fresh processes each run coldstart-child.mjs, which
// times compile (new WebAssembly.Module), instantiate (initSync) and the first
// get (createCache + get); medians per phase. Fresh processes, because V8
// caches a compiled module by its bytes inside one process.
// workerd (through miniflare): compiling wasm at run time is forbidden there
// and its clocks stand still during a request, so the figure is taken from
// outside: wall time from `new Miniflare()` to the first response of a fresh
// Worker that imports edgecache (either entry) and does createCache + set + get, against
// the same for a Worker that only returns a Response; alternated, medians.
// The difference is edgecache's cost at Worker start-up (module compile,
// instantiate, first call), plus the larger bundle workerd has to load.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { markdownTable, quantile } from './harness.mjs';
import { requireTool, startWorker } from '../../scripts/lib/workerd.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const RUNS = Number(opt('runs', 21));
const root = new URL('../../', import.meta.url);
const scripts = fileURLToPath(new URL('scripts/', root));
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);
const out = { sizes: [], cold: [] };

// ---- sizes -------------------------------------------------------------------
const sizeRows = [];
for (const [label, rel] of [['npm default entry (pkg/edgecache_bg.wasm)', 'pkg/edgecache_bg.wasm'],
  ['npm edgecache/tiered (pkg/edgecache_tiered_bg.wasm)', 'pkg/edgecache_tiered_bg.wasm'],
  ['component (pkg/component/edgecache.wasm)', 'pkg/component/edgecache.wasm']]) {
  const path = fileURLToPath(new URL(rel, root));
  if (!existsSync(path)) { sizeRows.push([label, 'not built', '-']); continue; }
  const raw = statSync(path).size;
  const gz = gzipSync(readFileSync(path), { level: 9 }).length;
  out.sizes.push({ label, raw, gz });
  sizeRows.push([label, `${raw} (${(raw / 1024).toFixed(1)} KiB)`, `${gz} (${(gz / 1024).toFixed(1)} KiB)`]);
}
console.log('### Size of the shipped .wasm\n');
console.log(markdownTable(['file', 'raw bytes', 'gzip -9 bytes'], sizeRows));

// ---- Node and Deno -----------------------------------------------------------
const child = fileURLToPath(new URL('coldstart-child.mjs', import.meta.url));
const BUILDS = [['default', 'edgecache'], ['tiered', 'edgecache/tiered']];
const hosts = [];
const deno = join(scripts, 'node_modules/.bin/deno');
const denoVersion = existsSync(deno) ? spawnSync(deno, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] : null;
for (const [build, entry] of BUILDS) {
  hosts.push([`Node ${process.version}, ${entry}`, process.execPath, [child, build]]);
  if (denoVersion) hosts.push([`${denoVersion}, ${entry}`, deno, ['run', '--allow-read', child, build]]);
}
const coldRows = [];
for (const [label, bin, argv] of hosts) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(bin, argv, { encoding: 'utf8' });
    try { samples.push(JSON.parse(r.stdout.trim().split('\n').pop())); } catch { /* counted below */ }
  }
  if (samples.length === 0) { coldRows.push([label, 'failed', '', '', '', '']); continue; }
  const m = (f) => median(samples.map((s) => s[f]));
  out.cold.push({ host: label, runs: samples.length, compile: m('compile'), instantiate: m('instantiate'), firstGet: m('firstGet'), total: m('total') });
  coldRows.push([label, String(samples.length), m('compile').toFixed(2), m('instantiate').toFixed(2),
    m('firstGet').toFixed(2), m('total').toFixed(2), (m('compile') + m('instantiate')).toFixed(2)]);
}

// ---- workerd through miniflare -------------------------------------------------
try {
  const dir = mkdtempSync(join(tmpdir(), 'edgecache-cold-'));
  cpSync(fileURLToPath(new URL('pkg/', root)), dir, { recursive: true });
  const worker = (entry) => `import { createCache } from './entry/${entry}';
export default { async fetch() { const c = createCache(); await c.set('k', 1); return new Response(String(await c.get('k'))); } };\n`;
  writeFileSync(join(dir, 'with.js'), worker('workerd.js'));
  writeFileSync(join(dir, 'with-tiered.js'), worker('tiered/workerd.js'));
  writeFileSync(join(dir, 'without.js'), 'export default { async fetch() { return new Response(String(1)); } };\n');
  const start = async (script) => {
    const t0 = performance.now();
    const mf = startWorker({ scriptPath: join(dir, script), modulesRoot: dir });
    const res = await mf.dispatchFetch('http://localhost/');
    const body = await res.text();
    const t = performance.now() - t0;
    await mf.dispose();
    if (body !== '1') throw new Error(`worker ${script} answered ${body}`);
    return t;
  };
  // Alternated (with, without, tiered; then rotated), so drift hits all three alike.
  const scriptsToRun = ['with.js', 'without.js', 'with-tiered.js'];
  const times = Object.fromEntries(scriptsToRun.map((s) => [s, []]));
  const n = Math.max(5, Math.floor(RUNS / 2));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < scriptsToRun.length; k++) {
      const script = scriptsToRun[(i + k) % scriptsToRun.length];
      times[script].push(await start(script));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const mw = median(times['with.js']), mwo = median(times['without.js']), mwt = median(times['with-tiered.js']);
  out.cold.push({ host: 'workerd', runs: n, withEdgecache: mw, withTiered: mwt, without: mwo });
  const mfv = requireTool('miniflare/package.json').version;
  coldRows.push([`workerd (miniflare ${mfv}): start + first response, with edgecache`, String(n), '', '', '', mw.toFixed(1), '']);
  coldRows.push(['workerd: same, with edgecache/tiered', String(n), '', '', '', mwt.toFixed(1), '']);
  coldRows.push(['workerd: same, Worker without edgecache', String(n), '', '', '', mwo.toFixed(1), '']);
  coldRows.push(['workerd: difference (edgecache at Worker start)', '', '', '', '', (mw - mwo).toFixed(1), '']);
  coldRows.push(['workerd: difference (edgecache/tiered at Worker start)', '', '', '', '', (mwt - mwo).toFixed(1), '']);
} catch (err) {
  coldRows.push([`workerd: failed (${err.message.split('\n')[0]})`, '', '', '', '', '', '']);
}
console.log(`\n### Cold start, median ms (fresh process per run)\n`);
console.log(markdownTable(['host', 'runs', 'compile', 'instantiate', 'createCache + first get', 'total', 'compile + instantiate (target < 5 ms in Node)'], coldRows));
const jsonOut = opt('json', undefined);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 1));
