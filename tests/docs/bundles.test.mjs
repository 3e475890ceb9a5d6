// The bundling commands the package README documents (its ```sh block under
// "Bundling") are run as written against an app that uses both builds, and the
// bundles they make are executed where they are meant to run: the browser
// bundle in Node and in Deno with no permission at all (no file or network
// access: the .wasm is inside), the single-file Node bundle from another
// folder. Also esbuild --platform=neutral, a Vite browser build, Bun, and which entry
// each host's export conditions resolve to. Sizes are printed for the report.
import { test } from 'node:test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { extractBlocks } from './extract.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(root, 'scripts', 'node_modules', '.bin');
const project = join(fixtureDir(), 'bundles');
mkdirSync(join(project, 'elsewhere'), { recursive: true });

const APP = `
import { createCache, runtime } from 'edgecache';
import { createCache as createTiered } from 'edgecache/tiered';
import { memoryBackend } from 'edgecache/adapters';

const cache = createCache({ maxEntries: 10 });
await cache.set('k', { n: 1n, at: new Date(0) });
const tiered = createTiered({ backend: memoryBackend() });
await tiered.set('t', 'v');
const got = await cache.get('k');
console.log(JSON.stringify({ runtime, n: String(got.n), t: await tiered.get('t'), writes: (await tiered.stats()).l2.writes }));
`;
const EXPECTED = JSON.stringify({ runtime: 'inline', n: '1', t: 'v', writes: 1 });
writeFileSync(join(project, 'app.js'), APP);

const manual = readFileSync(join(root, 'pkg-templates', 'README.md'), 'utf8');
const commands = extractBlocks(manual, 'pkg-templates/README.md')
  .find((b) => b.lang === 'sh' && /bundles\.test\.mjs/.test(b.options.why ?? ''))
  ?.code.split('\n').filter((line) => line.trim() !== '');

const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, NO_COLOR: '1' };
const sh = (command, cwd = project) => execFileSync('bash', ['-c', command], { cwd, env, encoding: 'utf8' });
const size = (file) => {
  const bytes = readFileSync(file);
  return `${bytes.length} B (gzip ${gzipSync(bytes).length} B)`;
};

test('the README documents the bundling commands this test runs', () => {
  if (!commands || commands.length < 2) throw new Error('no ```sh block citing bundles.test.mjs under Bundling');
});

for (const command of commands ?? []) {
  test(`as documented: ${command}`, (t) => {
    sh(command);
    const out = join(project, /--outfile=(\S+)/.exec(command)[1]);
    t.diagnostic(`${out.slice(project.length + 1)}: ${size(out)}`);
    // Run from a folder with no node_modules: the bundle must carry everything.
    const copy = join(project, 'elsewhere', out.endsWith('.mjs') ? 'run.mjs' : 'run-browser.mjs');
    copyFileSync(out, copy);
    const fromNode = execFileSync(process.execPath, [copy], { encoding: 'utf8' }).trim();
    if (fromNode !== EXPECTED) throw new Error(`node: ${fromNode}`);
    if (/--platform=browser/.test(command)) {
      const fromDeno = execFileSync(join(BIN, 'deno'), ['run', '--no-prompt', copy], { encoding: 'utf8', env }).trim();
      if (fromDeno !== EXPECTED) throw new Error(`deno without permissions: ${fromDeno}`);
    }
  });
}

test('esbuild --platform=neutral bundles and runs', (t) => {
  sh('esbuild app.js --bundle --format=esm --platform=neutral --outfile=dist/neutral.mjs --log-level=warning');
  t.diagnostic(`dist/neutral.mjs: ${size(join(project, 'dist', 'neutral.mjs'))}`);
  const copy = join(project, 'elsewhere', 'neutral.mjs');
  copyFileSync(join(project, 'dist', 'neutral.mjs'), copy);
  const out = execFileSync(process.execPath, [copy], { encoding: 'utf8' }).trim();
  if (out !== EXPECTED) throw new Error(out);
  if (!statSync(copy).isFile()) throw new Error('no bundle');
});

// Vite (a browser app build, no edgecache-specific configuration): the bundle
// runs without file or network access, in Node and in Deno with no permission.
test('vite build of a browser app runs', (t) => {
  writeFileSync(join(project, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>\n');
  // Only the preload polyfill is turned off: it touches `document`, which Node and Deno lack.
  writeFileSync(join(project, 'vite.config.js'), 'export default { build: { modulePreload: { polyfill: false }, outDir: "vite-dist" } };\n');
  sh('vite build --logLevel error');
  const assets = join(project, 'vite-dist', 'assets');
  const script = readdirSync(assets).find((f) => f.endsWith('.js'));
  t.diagnostic(`vite-dist/assets/${script}: ${size(join(assets, script))}`);
  const copy = join(project, 'elsewhere', 'vite.mjs');
  copyFileSync(join(assets, script), copy);
  const fromNode = execFileSync(process.execPath, [copy], { encoding: 'utf8' }).trim();
  if (fromNode !== EXPECTED) throw new Error(`node: ${fromNode}`);
  const fromDeno = execFileSync(join(BIN, 'deno'), ['run', '--no-prompt', copy], { encoding: 'utf8', env }).trim();
  if (fromDeno !== EXPECTED) throw new Error(`deno without permissions: ${fromDeno}`);
});

// Bun (issue 16: `bun build` for Node built, then died with ENOENT): run
// directly (the `bun` condition), and bundled for bun, for browsers and, with
// the documented condition, for Node; each bundle run from a folder without
// node_modules.
test('bun runs the app, and its bundles run (bun, browser, node with edgecache-inline)', (t) => {
  const direct = sh('bun run app.js').trim();
  if (direct !== EXPECTED) throw new Error(`bun run: ${direct}`);
  const builds = [
    ['bun build app.js --target=bun --outfile=dist/bun.js', 'bun.js', ['bun', 'run']],
    ['bun build app.js --target=browser --outfile=dist/bun-browser.mjs', 'bun-browser.mjs', [process.execPath]],
    ['bun build app.js --target=node --conditions=edgecache-inline --outfile=dist/bun-node.mjs', 'bun-node.mjs', [process.execPath]],
  ];
  for (const [command, file, runner] of builds) {
    sh(`${command} >/dev/null`);
    t.diagnostic(`${file}: ${size(join(project, 'dist', file))}`);
    const copy = join(project, 'elsewhere', file);
    copyFileSync(join(project, 'dist', file), copy);
    const [bin, ...args] = runner;
    const out = execFileSync(bin === 'bun' ? join(BIN, 'bun') : bin, [...args, copy], { encoding: 'utf8', env }).trim();
    if (out !== EXPECTED) throw new Error(`${command}: ${out}`);
  }
});

// Which entry each host's resolver gets (issue 16: no `browser` condition, and
// `edge-light` alone fell through to the Node entry): esbuild resolves both
// builds under each condition set, as that host's bundler or loader would.
const RESOLUTION = [
  [['workerd', 'worker', 'browser'], 'workerd'], // wrangler
  [['edge-light', 'browser'], 'workerd'], // Vercel Edge
  [['edge-light'], 'workerd'],
  [['deno', 'node'], 'deno'],
  [['bun', 'node'], 'inline'],
  [['node'], 'node'],
  [['edgecache-inline', 'node'], 'inline'],
  [['browser'], 'inline'],
  [[], 'inline'], // default
];
for (const [conditions, entry] of RESOLUTION) {
  test(`conditions [${conditions.join(', ')}] resolve to entry/${entry}.js and entry/tiered/${entry}.js`, async () => {
    const { requireTool } = await import('../../scripts/lib/workerd.mjs');
    const result = await requireTool('esbuild').build({
      stdin: { contents: "import 'edgecache'; import 'edgecache/tiered';", resolveDir: project },
      bundle: true, write: false, metafile: true, format: 'esm', platform: 'neutral', conditions,
      external: ['*.wasm', 'node:*'], logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((p) => /edgecache\/entry\//.test(p)).map((p) => p.replace(/.*edgecache\//, '')).sort();
    const expected = [`entry/${entry}.js`, `entry/tiered/${entry}.js`].sort();
    if (JSON.stringify(inputs) !== JSON.stringify(expected)) throw new Error(`resolved ${inputs.join(', ')}`);
  });
}

// edgecache/init and edgecache/tiered/init: the caller brings the wasm, as a
// compiled WebAssembly.Module or as bytes (both exported by the package).
test('the init entries take a WebAssembly.Module or bytes from the caller', () => {
  writeFileSync(join(project, 'init.mjs'), `
import { readFileSync } from 'node:fs';
import * as memory from 'edgecache/init';
import * as tiered from 'edgecache/tiered/init';
import { memoryBackend } from 'edgecache/adapters';
const bytes = (name) => readFileSync(new URL(import.meta.resolve('edgecache/' + name)));
memory.init(new WebAssembly.Module(bytes('edgecache_bg.wasm')));
tiered.init(bytes('edgecache_tiered_bg.wasm'));
const a = memory.createCache();
await a.set('k', 1);
const b = tiered.createCache({ backend: memoryBackend() });
await b.set('k', 2);
console.log(memory.runtime, tiered.runtime, await a.get('k'), await b.get('k'), (await b.stats()).l2.writes);
`);
  const out = execFileSync(process.execPath, ['init.mjs'], { cwd: project, encoding: 'utf8' }).trim();
  if (out !== 'init init 1 2 1') throw new Error(out);
});
