// Docs are code (ARCHITECTURE.md, convention 13): every code block of the repo
// README and the package README runs in the host it is written for, from the
// packed tarball installed into a fresh project (scripts/test-docs.sh makes it
// and sets EDGECACHE_FIXTURE). Blocks are found and classified by extract.mjs;
// hosts.mjs runs them. One test per block, named by file and line.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks } from './extract.mjs';
import { checkSyntax, projectDir, runDeno, runNode, runTsc, runWorker } from './hosts.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';
import { perRequestCaches } from './module-scope.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = ['README.md', 'pkg-templates/README.md'];
const project = projectDir(fixtureDir(), 'docs');

const RUNNERS = { node: runNode, deno: runDeno, worker: runWorker, tsc: runTsc, syntax: checkSyntax };

for (const doc of DOCS) {
  let blocks = [];
  let problems;
  try {
    blocks = extractBlocks(readFileSync(join(root, doc), 'utf8'), doc);
  } catch (err) {
    problems = err;
  }
  test(`${doc}: every code block has a docs-test marker`, () => {
    if (problems) throw problems;
  });
  for (const block of blocks) {
    const name = `${basename(dirname(join(root, doc)))}-${basename(doc, '.md')}-${block.line}`.replace(/[^\w-]/g, '_');
    test(`${doc}:${block.line} (${block.lang || 'text'}, ${block.host})`, async (t) => {
      if (block.host === 'worker') {
        const lines = perRequestCaches(block.code);
        if (lines.length > 0) throw new Error(`createCache per request (block lines ${lines}): create it at module scope`);
      }
      const sizes = await RUNNERS[block.host](block, project, name);
      if (sizes) {
        t.diagnostic(`bundle: worker.js ${sizes.js} B + wasm ${sizes.wasm.join(' + ')} B = ${sizes.raw} B, gzip ${sizes.gzip} B`);
      }
    });
  }
}

// The manual's Errors table names every code the package can reject with.
test('pkg-templates/README.md: the Errors section lists every ErrorCode', async () => {
  const { ErrorCode } = await import(join(root, 'js', 'errors.js'));
  const manual = readFileSync(join(root, 'pkg-templates', 'README.md'), 'utf8');
  const section = manual.slice(manual.indexOf('## Errors'));
  const missing = Object.keys(ErrorCode).filter((code) => !section.includes(`| \`${code}\` |`));
  if (missing.length > 0) throw new Error(`codes without a row in the Errors table: ${missing.join(', ')}`);
});
