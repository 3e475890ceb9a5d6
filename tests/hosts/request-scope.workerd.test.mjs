// The request scope in workerd with nodejs_compat (AsyncLocalStorage found
// through process.getBuiltinModule): the shared request-scope cases, then real
// requests to one isolate: two overlapping requests keep their own reads, and
// nothing one request remembered leaks into the next.
import { test, after } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from './fixture.mjs';
import { bundleWorker, fetchJson, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = fixtureDir();
const workerSource = join(fixture, 'request-scope-worker.mjs');
writeFileSync(workerSource, `
import * as memory from 'edgecache';
import * as tiered from 'edgecache/tiered';
import { requestScopeCases } from ${JSON.stringify(join(here, '..', 'conformance', 'request-scope-cases.mjs'))};
import { t } from ${JSON.stringify(join(here, '..', 'conformance', 'assert.mjs'))};

const lib = { ...memory, tiered };
const cache = memory.createCache(); // module scope: shared by every request of the isolate
// Workers cancel a request that awaits a promise another request resolves:
// the two requests meet through plain flags instead, each polling on its own timers.
const flags = { aRead: false, bWrote: false };
const until = async (flag) => {
  for (let i = 0; !flags[flag] && i < 10_000; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  if (!flags[flag]) throw new Error('the other request never got to ' + flag);
};

// What a handler does: read through the current request's scope.
const read = () => memory.currentRequestScope(cache).get('k');

const routes = {
  async '/cases'() {
    const results = [];
    for (const c of requestScopeCases({ asyncContext: true })) {
      try {
        await c.run(lib, t);
        results.push({ name: c.name, ok: true });
      } catch (err) {
        results.push({ name: c.name, ok: false, error: String((err && err.stack) || err) });
      }
    }
    return results;
  },
  async '/seed'() { await cache.set('k', 'v1'); return 'seeded'; },
  // Request A: reads k, waits until request B has written, reads k again.
  async '/a'() { const first = await read(); flags.aRead = true; await until('bWrote'); return [first, await read()]; },
  // Request B: writes k through its own scope, then lets A go on.
  async '/b'() {
    await until('aRead');
    await memory.currentRequestScope(cache).set('k', 'v2');
    const mine = await read();
    flags.bWrote = true;
    return mine;
  },
  async '/c'() { return [await read(), memory.currentRequestScope(cache).size]; },
};

export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    // The shared cases start their own requests (withRequestScope): run them outside one.
    if (path === '/cases') return Response.json(await routes[path]());
    return Response.json(await memory.withRequestScope(routes[path]));
  },
};
`);

const scriptPath = await bundleWorker({ entry: workerSource, outdir: join(fixture, 'request-scope-worker-dist') });
const mf = startWorker({ scriptPath, compatibilityFlags: ['nodejs_compat'] });
after(() => mf.dispose());

// Every request is made before any test is registered (the after hook stops miniflare).
const cases = await fetchJson(mf, 'http://localhost/cases');
await fetchJson(mf, 'http://localhost/seed');
const a = fetchJson(mf, 'http://localhost/a');
const b = fetchJson(mf, 'http://localhost/b');
const [aSaw, bSaw] = await Promise.all([a, b]);
const cSaw = await fetchJson(mf, 'http://localhost/c');

// The package README's request-scope example, as written, as a Worker.
const readme = readFileSync(join(here, '..', '..', 'pkg-templates', 'README.md'), 'utf8');
const example = readme.split('\n## A request-scoped cache\n')[1].split('\n## ')[0].match(/```js\n([\s\S]*?)```/)[1];
writeFileSync(join(fixture, 'readme-scope.mjs'), example);
writeFileSync(join(fixture, 'readme-scope-worker.mjs'), `
import worker, { handle } from './readme-scope.mjs';
export default {
  async fetch(request) {
    const explicit = await (await handle(request)).json();
    const automatic = await (await worker.fetch(request)).json();
    return Response.json({ explicit, automatic });
  },
};
`);
const readmePath = await bundleWorker({ entry: join(fixture, 'readme-scope-worker.mjs'), outdir: join(fixture, 'readme-scope-dist') });
const readmeWorker = startWorker({ scriptPath: readmePath, compatibilityFlags: ['nodejs_compat'] });
after(() => readmeWorker.dispose());
const readmeSaw = await fetchJson(readmeWorker, 'http://localhost/');

for (const r of cases) {
  test(`workerd + nodejs_compat: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.error);
    t.ok(r.ok);
  });
}

test('workerd + nodejs_compat: overlapping requests keep their own reads; the next request starts afresh', () => {
  t.deepEqual(aSaw, ['v1', 'v1'], 'request A agrees with itself while B writes');
  t.equal(bSaw, 'v2', 'request B reads its own write');
  t.deepEqual(cSaw, ['v2', 1], 'request C sees the cache, with only its own read remembered');
});

test('workerd + nodejs_compat: the README example runs', () => {
  t.deepEqual(readmeSaw, { explicit: { user: { name: 'Ada' }, again: { name: 'Ada' } }, automatic: { beta: true } });
});
