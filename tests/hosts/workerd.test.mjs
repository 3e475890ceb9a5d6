// The conformance suite in workerd: a fixture Worker that imports 'edgecache'
// is bundled the way wrangler bundles (esbuild, conditions workerd/worker/browser,
// the .wasm kept as a separate CompiledWasm module), run in miniflare, and
// asked to run every case; one node test per case reports its result.
import { test, after } from 'node:test';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from './fixture.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const tools = createRequire(join(here, '..', '..', 'scripts', 'package.json'));
const esbuild = tools('esbuild');
const { Miniflare } = tools('miniflare');

const fixture = fixtureDir();
const outdir = join(fixture, 'worker-dist');
mkdirSync(outdir, { recursive: true });

const workerSource = join(fixture, 'worker.mjs');
writeFileSync(workerSource, `
import * as lib from 'edgecache';
import { cases } from ${JSON.stringify(join(here, '..', 'conformance', 'cases.mjs'))};
import { t } from ${JSON.stringify(join(here, '..', 'conformance', 'assert.mjs'))};

export default {
  async fetch() {
    const results = [{ name: 'the workerd condition is the one loaded', ok: lib.runtime === 'workerd', error: 'runtime ' + lib.runtime }];
    for (const c of cases) {
      try {
        await c.run(lib, t);
        results.push({ name: c.name, ok: true });
      } catch (err) {
        results.push({ name: c.name, ok: false, error: String((err && err.stack) || err) });
      }
    }
    return Response.json(results);
  },
};
`);

// Like wrangler: .wasm imports stay separate modules next to the bundle,
// which workerd hands to the code as compiled WebAssembly.Module objects.
const wasmModules = {
  name: 'wasm-modules',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => {
      const source = resolve(args.resolveDir, args.path);
      const name = basename(source);
      copyFileSync(source, join(outdir, name));
      return { path: `./${name}`, external: true };
    });
  },
};

await esbuild.build({
  entryPoints: [workerSource],
  outfile: join(outdir, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
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
after(() => mf.dispose());

const response = await mf.dispatchFetch('http://localhost/');
const body = await response.text();
let results;
try {
  results = JSON.parse(body);
} catch {
  throw new Error(`the Worker did not answer with JSON (status ${response.status}): ${body.slice(0, 2000)}`);
}

for (const r of results) {
  test(r.name, () => {
    if (!r.ok) throw new Error(r.error);
    t.ok(r.ok);
  });
}
