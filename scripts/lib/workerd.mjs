// Running a Worker locally the way `wrangler dev` does, in one place for every
// test, example and benchmark that needs workerd:
// - bundleWorker: esbuild with the conditions wrangler uses (workerd, worker,
//   browser), .wasm imports kept as separate files next to the bundle;
// - startWorker: miniflare (workerd) with module rules that hand those .wasm
//   files to the code as compiled WebAssembly.Module objects (compiling wasm
//   from bytes at run time is forbidden in workerd);
// - fetchJson: one request whose answer must be JSON, with the body in the
//   error when it is not (a Worker that threw answers with an HTML page).
// esbuild and miniflare come from scripts/node_modules (scripts/setup.sh).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const scripts = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Resolves packages from scripts/node_modules (the dev tools), whoever imports this. */
export const requireTool = createRequire(join(scripts, 'package.json'));

/** The compatibility date every local Worker runs with. */
export const COMPATIBILITY_DATE = '2025-01-01';

// Like wrangler: a .wasm import becomes an external `./name.wasm` beside the bundle.
function wasmModulesPlugin(outdir) {
  return {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        const source = resolve(args.resolveDir, args.path);
        const name = basename(source);
        copyFileSync(source, join(outdir, name));
        return { path: `./${name}`, external: true };
      });
    },
  };
}

/**
 * Bundles `entry` into `outdir/worker.js` (the .wasm files it imports are copied
 * beside it) and returns that path. `nodePaths` adds folders to look for bare
 * imports in, for an entry outside any project that has the package installed.
 */
export async function bundleWorker({ entry, outdir, nodePaths = [] }) {
  const esbuild = requireTool('esbuild');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'worker.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    nodePaths,
    plugins: [wasmModulesPlugin(outdir)],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Starts `scriptPath` (an ES module Worker, e.g. from bundleWorker) in miniflare
 * and returns the Miniflare instance (the caller disposes it). Every module under
 * `modulesRoot` (default: the script's folder) is loadable: .js as ES modules,
 * .wasm as compiled modules. Other Miniflare options (kvNamespaces, kvPersist, ...)
 * pass through unchanged.
 */
export function startWorker({ scriptPath, modulesRoot = dirname(scriptPath), ...options }) {
  const { Miniflare } = requireTool('miniflare');
  return new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    ...options,
  });
}

/** Dispatches one request to the Worker and parses its answer as JSON. */
export async function fetchJson(mf, url, init) {
  const response = await mf.dispatchFetch(url, init);
  const body = await response.text();
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`${url}: the Worker did not answer with JSON (status ${response.status}): ${body.slice(0, 2000)}`);
  }
}
