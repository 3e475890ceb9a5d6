// Runs the example Worker locally the way wrangler would: bundles src/index.js with
// esbuild (conditions workerd/worker/browser, the .wasm kept as a CompiledWasm module),
// serves it with miniflare (workerd), makes a few requests and prints what happened.
//   node examples/worker/run.mjs            (after scripts/build.sh; uses pkg/)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const tools = createRequire(join(root, 'scripts', 'package.json'));
const esbuild = tools('esbuild');
const { Miniflare } = tools('miniflare');

// `import 'edgecache'` resolves to the built package, through its exports map.
const work = mkdtempSync(join(tmpdir(), 'edgecache-worker-'));
mkdirSync(join(work, 'node_modules'));
symlinkSync(join(root, 'pkg'), join(work, 'node_modules', 'edgecache'), 'dir');
const outdir = join(work, 'dist');
mkdirSync(outdir);

const wasmModules = {
  name: 'wasm-modules',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => {
      const source = resolve(args.resolveDir, args.path);
      copyFileSync(source, join(outdir, basename(source)));
      return { path: `./${basename(source)}`, external: true };
    });
  },
};
await esbuild.build({
  entryPoints: [join(here, 'src', 'index.js')],
  outfile: join(outdir, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  nodePaths: [join(work, 'node_modules')],
  plugins: [wasmModules],
  logLevel: 'warning',
});

const mf = new Miniflare({
  modules: true,
  scriptPath: join(outdir, 'worker.js'),
  modulesRoot: outdir,
  modulesRules: [
    { type: 'ESModule', include: ['**/*.js'] },
    { type: 'CompiledWasm', include: ['**/*.wasm'] },
  ],
  compatibilityDate: '2025-01-01',
});

async function show(path) {
  const started = performance.now();
  const res = await mf.dispatchFetch(`http://localhost${path}`);
  const body = await res.text();
  const ms = (performance.now() - started).toFixed(1);
  const cache = res.headers.get('x-cache') ?? '-';
  console.log(`GET ${path.padEnd(12)} ${res.status} ${cache.padEnd(5)} ${ms.padStart(7)} ms  ${body}`);
}

try {
  console.log('example Worker in workerd (miniflare); origin takes 200 ms');
  await show('/item/42'); // miss: waits for the origin
  await show('/item/42'); // hit
  await show('/item/7'); // another miss
  await Promise.all([show('/item/9'), show('/item/9'), show('/item/9')]); // one origin call for three
  await new Promise((r) => setTimeout(r, 2_100)); // item 42 is now stale
  await show('/item/42'); // stale at once; ctx.waitUntil keeps the refresh going
  await new Promise((r) => setTimeout(r, 300));
  await show('/item/42'); // the refreshed value
  await show('/stats');
} finally {
  await mf.dispose();
  rmSync(work, { recursive: true, force: true });
}
