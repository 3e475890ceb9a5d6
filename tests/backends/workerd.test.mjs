// The backend conformance suite in workerd against a real local KV namespace
// (miniflare `kvNamespaces: ['CACHE']`): a fixture Worker importing
// 'edgecache/tiered' and 'edgecache/adapters' is bundled like wrangler bundles, and
// runs every case with cloudflareKV(env.CACHE); one node test per case.
import { test, after } from 'node:test';
import { writeFileSync } from 'node:fs';
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
    const factory = Object.assign(() => adapters.cloudflareKV(env.CACHE), { atomic: false }); // no atomic writes
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

const scriptPath = await bundleWorker({ entry: workerSource, outdir: join(fixture, 'kv-worker-dist') });
const mf = startWorker({ scriptPath, kvNamespaces: ['CACHE'], kvPersist: false });
after(() => mf.dispose());

const results = await fetchJson(mf, 'http://localhost/');
for (const r of results) {
  test(`workers-kv: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.error);
    t.ok(r.ok);
  });
}
