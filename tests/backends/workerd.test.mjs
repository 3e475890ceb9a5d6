// The backend conformance suite in workerd against a real local KV namespace
// (miniflare `kvNamespaces: ['CACHE']`): a fixture Worker importing
// 'edgecache/tiered' and 'edgecache/adapters' is bundled like wrangler bundles, and
// runs every case with cloudflareKV(env.CACHE) (GET /kv) and with
// cacheApi(caches.default) plus its own cases (GET /cache-api); one node test per case.
import { test, after } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';
import { bundleWorker, fetchJson, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const fixture = fixtureDir();
const workerSource = join(fixture, 'kv-worker.mjs');
writeFileSync(workerSource, `
import * as core from 'edgecache/tiered';
import * as adapters from 'edgecache/adapters';
import { cases } from ${JSON.stringify(join(here, 'cases.mjs'))};
import { cacheApiCases } from ${JSON.stringify(join(here, 'cache-api-cases.mjs'))};
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
    const cacheApi = new URL(request.url).pathname === '/cache-api';
    const factory = cacheApi
      ? Object.assign(() => adapters.cacheApi(caches.default, { baseUrl: 'https://edgecache.invalid/suite/' }), { atomic: false })
      : Object.assign(() => adapters.cloudflareKV(env.CACHE), { atomic: false }); // no atomic writes
    const own = cacheApi ? cacheApiCases.map((c) => ({ name: c.name, run: (l, _f, tt) => c.run(l, caches.default, tt) })) : [];
    for (const c of [...cases, ...own]) {
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

const scriptPath = await bundleWorker({ entry: workerSource, outdir: join(fixture, 'kv-worker-dist') });
const mf = startWorker({ scriptPath, kvNamespaces: ['CACHE'], kvPersist: false });
after(() => mf.dispose());

// Both runs finish before any test is registered (the after hook could stop miniflare between them).
const runs = [];
for (const [label, path] of [['workers-kv', '/kv'], ['cache-api', '/cache-api']]) {
  runs.push([label, await fetchJson(mf, `http://localhost${path}`)]);
}
// The package README's Cache API example, as written, as a Worker.
const readme = readFileSync(join(here, '..', '..', 'pkg-templates', 'README.md'), 'utf8');
const example = readme.split('**The Cache API as the second tier**')[1].match(/```js\n([\s\S]*?)```/)[1];
writeFileSync(join(fixture, 'readme-cache-api.mjs'), example);
const readmePath = await bundleWorker({ entry: join(fixture, 'readme-cache-api.mjs'), outdir: join(fixture, 'readme-cache-api-dist') });
const readmeWorker = startWorker({ scriptPath: readmePath });
after(() => readmeWorker.dispose());
const readmeAnswers = [await fetchJson(readmeWorker, 'http://localhost/'), await fetchJson(readmeWorker, 'http://localhost/')];
test('cache-api: the README example runs', () => {
  t.deepEqual(readmeAnswers, [{ region: 'eu' }, { region: 'eu' }]);
});

for (const [label, results] of runs) {
  for (const r of results) {
    test(`${label}: ${r.name}`, () => {
      if (!r.ok) throw new Error(r.error);
      t.ok(r.ok);
    });
  }
}
