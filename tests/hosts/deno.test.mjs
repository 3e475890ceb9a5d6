// The conformance suite in Deno (deno test), against the package installed
// from its tarball into the fixture project's node_modules. Run with the
// fixture as the working directory and --node-modules-dir=manual, so
// `import 'edgecache'` resolves through the exports map (condition `deno`).
import { cases } from '../conformance/cases.mjs';
import { hostileCases } from '../hostile/cases.mjs';
import { requestScopeCases } from '../conformance/request-scope-cases.mjs';
import { semanticCases } from '../semantic/cases.mjs';
import { t } from '../conformance/assert.mjs';

const fixture = Deno.env.get('EDGECACHE_FIXTURE');
if (!fixture) throw new Error('EDGECACHE_FIXTURE is not set: run scripts/test-js.sh');
const { default: lib } = await import(new URL(`file://${fixture}/load.mjs`).href);

Deno.test('the deno condition is the one loaded', () => {
  t.equal(lib.runtime, 'deno');
});

for (const c of [...cases, ...hostileCases, ...requestScopeCases({ asyncContext: true })]) {
  Deno.test(c.name, () => c.run(lib, t));
}

// 'edgecache/semantic' (lib.semantic): the semantic cache over its own build.
Deno.test('the semantic entry is loaded under the deno condition', () => {
  t.equal(lib.semantic.runtime, 'deno');
});
for (const c of semanticCases) {
  Deno.test(c.name, () => c.run(lib.semantic, t));
}
