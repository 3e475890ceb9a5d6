// Deno type-checks the installed package (issue 16: the generated JS pointed at
// .d.ts files the package did not ship, so `deno check` failed with TS2307):
// through an import map onto the entry files, and by direct import of every
// entry file and of the wasm-bindgen glue.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureDir } from '../hosts/fixture.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deno = join(root, 'scripts', 'node_modules', '.bin', 'deno');
const dir = join(fixtureDir(), 'deno-check');
mkdirSync(dir, { recursive: true });
const pkg = '../node_modules/edgecache';

const USE = `
const cache = createCache({ maxEntries: 10 });
const n: number | bigint = await cache.incr('n');
const tiered = createTiered({ backend: memoryBackend() });
const writes: number = (await tiered.stats()).l2.writes;
// @ts-expect-error the stats are typed
const wrong: string = (await tiered.stats()).l2.writes;
console.log(n, writes, wrong);
`;

function check(file, args = []) {
  try {
    execFileSync(deno, ['check', ...args, file], { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
  } catch (err) {
    throw new Error(`deno check ${file}:\n${err.stdout}${err.stderr}`);
  }
}

test('deno check with an import map onto the entry files', () => {
  writeFileSync(join(dir, 'deno.json'), JSON.stringify({
    imports: {
      edgecache: `${pkg}/entry/deno.js`,
      'edgecache/tiered': `${pkg}/entry/tiered/deno.js`,
      'edgecache/adapters': `${pkg}/adapters/index.js`,
    },
  }));
  writeFileSync(join(dir, 'mapped.ts'), `import { createCache } from 'edgecache';
import { createCache as createTiered } from 'edgecache/tiered';
import { memoryBackend } from 'edgecache/adapters';
${USE}`);
  check('mapped.ts');
});

test('deno check with direct imports of every entry file and the glue', () => {
  const entries = ['deno', 'node', 'workerd', 'inline', 'init'];
  writeFileSync(join(dir, 'direct.ts'), `import { createCache } from '${pkg}/entry/deno.js';
import { createCache as createTiered } from '${pkg}/entry/tiered/deno.js';
import { memoryBackend } from '${pkg}/adapters/index.js';
import { initSync } from '${pkg}/edgecache.js';
import { initSync as initTiered } from '${pkg}/edgecache_tiered.js';
${entries.map((e, i) => `import * as e${i} from '${pkg}/entry/${e}.js';\nimport * as t${i} from '${pkg}/entry/tiered/${e}.js';`).join('\n')}
const runtimes: string[] = [${entries.map((_, i) => `e${i}.runtime, t${i}.runtime`).join(', ')}];
void [initSync, initTiered, runtimes, e4.init, t4.init];
${USE}`);
  check('direct.ts', ['--config', 'deno.json']);
});

// The manual's claim: `edgecache/inline` needs no Deno permission at all.
test('deno run with no permission flags through edgecache/inline', () => {
  const project = dirname(dir); // the fixture project, whose package.json lists edgecache
  writeFileSync(join(project, 'inline-deno.js'), `import { createCache, runtime } from 'edgecache/inline';
const cache = createCache();
await cache.set('k', 1n);
console.log(runtime, await cache.incr('k'));
`);
  const out = execFileSync(deno, ['run', '--no-prompt', 'inline-deno.js'], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (out.trim() !== 'inline 2') throw new Error(out);
});
