// The conformance suite in Node, against the package installed from its
// tarball into the fixture project: `import 'edgecache'` resolves there
// through the exports map exactly as in a user's project (condition `node`).
import { test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cases } from '../conformance/cases.mjs';
import { hostileCases } from '../hostile/cases.mjs';
import { requestScopeCases } from '../conformance/request-scope-cases.mjs';
import { semanticCases } from '../semantic/cases.mjs';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from './fixture.mjs';

const fixture = fixtureDir();
const { default: lib } = await import(pathToFileURL(join(fixture, 'load.mjs')).href);

test('the node condition is the one loaded', () => {
  t.equal(lib.runtime, 'node');
});

for (const c of [...cases, ...hostileCases, ...requestScopeCases({ asyncContext: true })]) {
  test(c.name, () => c.run(lib, t));
}

// 'edgecache/semantic' (lib.semantic): the semantic cache over its own build.
test('the semantic entry is loaded under the node condition', () => {
  t.equal(lib.semantic.runtime, 'node');
});
for (const c of semanticCases) {
  test(c.name, () => c.run(lib.semantic, t));
}
