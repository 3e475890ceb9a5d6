// The newcomer path (issue 16), as a first-time user walks it: a new app,
// `npm install` of the packed tarball, then the package README's first
// Worker, Deno and Node examples copied into it and run (the Worker bundled
// as wrangler does and run in workerd, the Deno one under `deno run` with the
// permissions the README states). Usage: node tests/docs/newcomer.mjs WORKDIR
// (WORKDIR holds the tarball, as scripts/lib/fixture.sh leaves it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks } from './extract.mjs';
import { runDeno, runNode, runWorker } from './hosts.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = process.argv[2];
const tarball = readdirSync(work).find((f) => /^edgecache-.*\.tgz$/.test(f));
if (!tarball) throw new Error(`no edgecache-*.tgz in ${work}`);

const app = join(work, 'newcomer-app');
mkdirSync(app, { recursive: true });
const npm = (...args) => execFileSync('npm', args, { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
npm('init', '-y');
npm('pkg', 'set', 'type=module');
npm('install', '--no-audit', '--no-fund', '--offline', join(work, tarball));

const blocks = extractBlocks(readFileSync(join(root, 'pkg-templates', 'README.md'), 'utf8'), 'pkg-templates/README.md');
const first = (host) => {
  const block = blocks.find((b) => b.host === host && !b.options.prelude);
  if (!block) throw new Error(`the package README has no self-contained ${host} example`);
  return block;
};

let failed = 0;
for (const [host, runner] of [['worker', runWorker], ['deno', runDeno], ['node', runNode]]) {
  const block = first(host);
  try {
    const sizes = await runner(block, app, `newcomer-${host}`);
    const extra = sizes ? ` (bundle ${sizes.raw} B, gzip ${sizes.gzip} B)` : '';
    console.log(`ok   ${host}: pkg-templates/README.md:${block.line}${extra}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${host}: pkg-templates/README.md:${block.line}\n${err.message}`);
  }
}
if (failed > 0) process.exit(1);
