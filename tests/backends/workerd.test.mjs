// The backend conformance suite in workerd against a real local KV namespace
// (miniflare `kvNamespaces: ['CACHE']`): a fixture Worker importing
// 'edgecache' and 'edgecache/adapters' is bundled like wrangler bundles, and
// runs every case with cloudflareKV(env.CACHE); one node test per case.
import { test, after } from 'node:test';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const tools = createRequire(join(here, '..', '..', 'scripts', 'package.json'));
const esbuild = tools('esbuild');
const { Miniflare } = tools('miniflare');

const fixture = fixtureDir();
const outdir = join(fixture, 'kv-worker-dist');
mkdirSync(outdir, { recursive: true });
const workerSource = join(fixture, 'kv-worker.mjs');
writeFileSync(workerSource, `
import * as core from 'edgecache';
import * as adapters from 'edgecache/adapters';
import { cases } from ${JSON.stringify(join(here, 'cases.mjs'))};
import { t } from ${JSON.stringify(join(here, '..', 'conformance', 'assert.mjs'))};

const lib = { ...core, ...adapters };
globalThis.__edgecacheUnhandled = [];
addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  globalThis.__edgecacheUnhandled.push(event.reason);
});

export default {
  async fetch(request, env) {
    const results = [];
    const factory = () => adapters.cloudflareKV(env.CACHE);
    for (const c of cases) {
      try {
        await c.run(lib, factory, t);
        results.push({ name: c.name, ok: true });
      } catch (err) {
        results.push({ name: c.name, ok: false, error: String((err && err.stack) || err) });
      }
    }
    return Response.json(results);
  },
};
`);

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
  kvNamespaces: ['CACHE'],
  kvPersist: false,
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
  test(`workers-kv: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.error);
    t.ok(r.ok);
  });
}
