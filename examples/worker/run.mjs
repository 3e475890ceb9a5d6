// Runs the example Worker locally the way wrangler would: bundles src/index.js with
// esbuild (conditions workerd/worker/browser, the .wasm kept as a CompiledWasm module),
// serves it with miniflare (workerd), makes a few requests and prints what happened.
//   node examples/worker/run.mjs            (after scripts/build.sh; uses pkg/)
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

// `import 'edgecache'` resolves to the built package, through its exports map.
const work = mkdtempSync(join(tmpdir(), 'edgecache-worker-'));
mkdirSync(join(work, 'node_modules'));
symlinkSync(join(root, 'pkg'), join(work, 'node_modules', 'edgecache'), 'dir');
const scriptPath = await bundleWorker({
  entry: join(here, 'src', 'index.js'),
  outdir: join(work, 'dist'),
  nodePaths: [join(work, 'node_modules')],
});
const mf = startWorker({ scriptPath });

async function show(path) {
  const started = performance.now();
  const res = await mf.dispatchFetch(`http://localhost${path}`);
  const body = await res.text();
  const ms = (performance.now() - started).toFixed(1);
  const cache = res.headers.get('x-cache') ?? '-';
  console.log(`GET ${path.padEnd(12)} ${res.status} ${cache.padEnd(5)} ${ms.padStart(7)} ms  ${body}`);
  return body;
}

try {
  console.log('example Worker in workerd (miniflare); origin takes 200 ms');
  await show('/item/42'); // miss: waits for the origin
  await show('/item/42'); // hit
  await show('/item/7'); // another miss
  // Three at once: one origin call; the two that joined it wait for it too and
  // report 'hit' (their own loader never ran).
  await Promise.all([show('/item/9'), show('/item/9'), show('/item/9')]);
  await new Promise((r) => setTimeout(r, 2_100)); // item 42 is now stale
  await show('/item/42'); // stale at once; ctx.waitUntil keeps the refresh going
  await new Promise((r) => setTimeout(r, 300));
  await show('/item/42'); // the refreshed value
  // The counters match the requests: 3 cold keys (one read each, the three
  // concurrent /item/9 share theirs), 2 fresh hits, 1 stale serve.
  const stats = JSON.parse(await show('/stats'));
  const expected = { misses: 3, hits: 2, staleHits: 1 };
  for (const [name, want] of Object.entries(expected)) {
    if (stats[name] !== want) throw new Error(`stats().${name} is ${stats[name]}, the requests made ${want}`);
  }
} finally {
  await mf.dispose();
  rmSync(work, { recursive: true, force: true });
}
