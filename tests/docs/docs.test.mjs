// Docs are code (ARCHITECTURE.md, convention 13): every code block of the repo
// README and the package README runs in the host it is written for, from the
// packed tarball installed into a fresh project (scripts/test-docs.sh makes it
// and sets EDGECACHE_FIXTURE). Blocks are found and classified by extract.mjs;
// hosts.mjs runs them. One test per block, named by file and line.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

// The example Worker (examples/worker, run by scripts/main.sh) keeps its cache at module scope too.
test('examples/worker creates its cache at module scope', () => {
  const lines = perRequestCaches(readFileSync(join(root, 'examples', 'worker', 'src', 'index.js'), 'utf8'));
  if (lines.length > 0) throw new Error(`createCache per request at lines ${lines}`);
});

// The README lists what `npm pack` puts in the tarball: the names must match.
test('README.md: the tarball listing is what npm packs', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', join(root, 'pkg')], { encoding: 'utf8', cwd: project }));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const listing = extractBlocks(readme, 'README.md').find((b) => /npm pack --dry-run/.test(b.options.why ?? ''));
  if (!listing) throw new Error('no tarball listing in README.md');
  const listed = listing.code.split('\n').map((l) => l.trim().split(/\s+/).pop()).filter(Boolean).sort();
  const actual = packed.files.map((f) => f.path).sort();
  const missing = actual.filter((f) => !listed.includes(f));
  const extra = listed.filter((f) => !actual.includes(f));
  if (missing.length || extra.length) throw new Error(`README listing out of date: not listed ${missing}; not packed ${extra}`);
});

// The manual is complete: every method of a cache, every createCache option
// and every limit the repository README states appear in it.
test('pkg-templates/README.md names every Cache method and createCache option', async () => {
  const manual = readFileSync(join(root, 'pkg-templates', 'README.md'), 'utf8');
  const lib = await import(pathToFileURL(join(fixtureDir(), 'node_modules', 'edgecache', 'entry', 'node.js')).href);
  const methods = Object.getOwnPropertyNames(lib.Cache.prototype).filter((m) => m !== 'constructor');
  const { KNOWN_OPTIONS } = await import(join(root, 'js', 'api.js'));
  const missing = [
    ...methods.filter((m) => !manual.includes(`\`${m}(`) && !manual.includes(`\`${m}\``) && !manual.includes(`/ \`${m}`)),
    ...KNOWN_OPTIONS.filter((o) => !manual.includes(`\`${o}\``)),
  ];
  if (missing.length > 0) throw new Error(`not in the manual: ${missing.join(', ')}`);
});

test('pkg-templates/README.md states the key rules, TTL cap, batch limit and expiry boundary', () => {
  const manual = readFileSync(join(root, 'pkg-templates', 'README.md'), 'utf8');
  for (const fact of ['non-empty', 'control characters', '10 years', '10 000 items', 'gone at exactly', 'Node Buffers', '--allow-read', '--allow-net', '--unstable-kv']) {
    if (!manual.includes(fact)) throw new Error(`the manual does not say: ${fact}`);
  }
});

// What a published package needs beside the code (issue 16: no licence file, no repository).
test('the tarball carries the licences and changelog, and package.json its links', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', join(root, 'pkg')], { encoding: 'utf8', cwd: project }));
  const files = packed.files.map((f) => f.path);
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md', 'README.md']) if (!files.includes(f)) throw new Error(`${f} not packed`);
  const pkg = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  for (const field of ['repository', 'homepage', 'bugs', 'license']) if (!pkg[field]) throw new Error(`package.json has no ${field}`);
});
