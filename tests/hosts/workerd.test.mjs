// The conformance suite in workerd: a fixture Worker that imports 'edgecache'
// (and 'edgecache/tiered')
// is bundled the way wrangler bundles (esbuild, conditions workerd/worker/browser,
// the .wasm kept as a separate CompiledWasm module), run in miniflare, and
// asked to run every case; one node test per case reports its result.
import { test, after } from 'node:test';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from './fixture.mjs';
import { bundleWorker, fetchJson, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const fixture = fixtureDir();
const workerSource = join(fixture, 'worker.mjs');
writeFileSync(workerSource, `
import * as memory from 'edgecache';
import * as tiered from 'edgecache/tiered';
import * as semantic from 'edgecache/semantic';
import { cases } from ${JSON.stringify(join(here, '..', 'conformance', 'cases.mjs'))};
import { hostileCases } from ${JSON.stringify(join(here, '..', 'hostile', 'cases.mjs'))};
import { requestScopeCases } from ${JSON.stringify(join(here, '..', 'conformance', 'request-scope-cases.mjs'))};
import { semanticCases } from ${JSON.stringify(join(here, '..', 'semantic', 'cases.mjs'))};
import { t } from ${JSON.stringify(join(here, '..', 'conformance', 'assert.mjs'))};

// The default entry, with the tiered one as lib.tiered (as load.mjs in Node and Deno).
const lib = { ...memory, tiered };

export default {
  async fetch() {
    const results = [{ name: 'the workerd condition is the one loaded', ok: lib.runtime === 'workerd', error: 'runtime ' + lib.runtime }];
    // No nodejs_compat here: no AsyncLocalStorage (request-scope.workerd.test.mjs runs with it).
    for (const c of [...cases, ...hostileCases, ...requestScopeCases({ asyncContext: false })]) {
      try {
        await c.run(lib, t);
        results.push({ name: c.name, ok: true });
      } catch (err) {
        results.push({ name: c.name, ok: false, error: String((err && err.stack) || err) });
      }
    }
    // 'edgecache/semantic': the semantic cache over its own build.
    results.push({ name: 'the semantic entry is loaded under the workerd condition', ok: semantic.runtime === 'workerd', error: 'runtime ' + semantic.runtime });
    for (const c of semanticCases) {
      try {
        await c.run(semantic, t);
        results.push({ name: c.name, ok: true });
      } catch (err) {
        results.push({ name: c.name, ok: false, error: String((err && err.stack) || err) });
      }
    }
    return Response.json(results);
  },
};
`);

const scriptPath = await bundleWorker({ entry: workerSource, outdir: join(fixture, 'worker-dist') });
const mf = startWorker({ scriptPath });
after(() => mf.dispose());

const results = await fetchJson(mf, 'http://localhost/');
for (const r of results) {
  test(r.name, () => {
    if (!r.ok) throw new Error(r.error);
    t.ok(r.ok);
  });
}

// Named imports only, as in a typical Worker: the bundler may skip a module
// whose exports are all re-exports, so this checks that each entry still runs
// its wasm initialisation (package.json `sideEffects` lists the entries).
const namedSource = join(fixture, 'named-imports-worker.mjs');
writeFileSync(namedSource, `
import { createCache } from 'edgecache';
import { createCache as createTiered } from 'edgecache/tiered';

export default {
  async fetch() {
    const memory = createCache();
    await memory.set('k', 1);
    const map = new Map();
    const backend = {
      caps: {},
      async get(key) { return map.get(key)?.slice(); },
      async set(key, value) { map.set(key, value.slice()); },
      async delete(key) { map.delete(key); },
      async listKeys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
    };
    await createTiered({ backend, timeoutMs: 0 }).set('k', 2);
    const fromL2 = await createTiered({ backend, timeoutMs: 0 }).get('k');
    return Response.json({ memory: await memory.get('k'), fromL2 });
  },
};
`);
test('named imports of both entries initialise their wasm in a bundled Worker', async () => {
  const namedScript = await bundleWorker({ entry: namedSource, outdir: join(fixture, 'named-imports-dist') });
  const named = startWorker({ scriptPath: namedScript });
  try {
    t.deepEqual(await fetchJson(named, 'http://localhost/'), { memory: 1, fromL2: 2 });
  } finally {
    await named.dispose();
  }
});

// workerd's own ExecutionContext (issue 16): `waitUntil: ctx` is accepted and
// bound everywhere; an unbound `ctx.waitUntil` throws "Illegal invocation"
// there, which the cache reports as a 'wait-until-error' event instead of
// swallowing it, and the write still happens.
const waitUntilSource = join(fixture, 'wait-until-worker.mjs');
writeFileSync(waitUntilSource, `
import { createCache } from 'edgecache/tiered';
import { memoryBackend } from 'edgecache/adapters';

const backend = memoryBackend();
let bound;
let unbound;

export default {
  async fetch(request, env, ctx) {
    bound ??= createCache({ backend, timeoutMs: 0 });
    unbound ??= createCache({ backend, timeoutMs: 0, prefix: 'u' });
    const events = [];
    const stop = await unbound.onEvent((e) => events.push({ type: e.type, code: e.error?.code, cause: String(e.error?.cause) }));
    const out = {};
    out.ctx = await bound.set('a', 1, { writeBehind: true, waitUntil: ctx });
    out.getOrSet = await bound.getOrSet('b', () => 2, { waitUntil: ctx });
    out.unbound = await unbound.set('c', 3, { writeBehind: true, waitUntil: ctx.waitUntil });
    stop();
    out.events = events;
    return Response.json(out);
  },
};
`);
test('workerd: waitUntil takes ctx; an unbound ctx.waitUntil is reported, not swallowed', async () => {
  const script = await bundleWorker({ entry: waitUntilSource, outdir: join(fixture, 'wait-until-dist') });
  const mf = startWorker({ scriptPath: script });
  try {
    const out = await fetchJson(mf, 'http://localhost/');
    t.equal(out.ctx, undefined);
    t.equal(out.getOrSet, 2);
    t.equal(out.unbound, undefined, 'the write itself succeeded');
    t.equal(out.events.length, 1, JSON.stringify(out.events));
    t.equal(out.events[0].type, 'wait-until-error');
    t.equal(out.events[0].code, 'INVALID_OPTION');
    t.ok(/Illegal invocation/.test(out.events[0].cause), out.events[0].cause);
  } finally {
    await mf.dispose();
  }
});
