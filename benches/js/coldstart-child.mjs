// One cold start, in a fresh process (run by coldstart.bench.mjs under Node
// or Deno): read the .wasm, compile it, instantiate it (wasm-bindgen initSync),
// build a cache and do the first get. Prints the phases in ms as JSON.
// The argument picks the build: `default` ('edgecache', memory tier only) or
// `tiered` ('edgecache/tiered'). The JS glue and API modules are imported
// first, outside the timed phases.
import { readFileSync } from 'node:fs';

const BUILDS = { default: 'edgecache', tiered: 'edgecache_tiered' };
const build = (globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0] ?? 'default';
const name = BUILDS[build];
if (name === undefined) throw new Error(`unknown build ${build}: default or tiered`);
const glue = await import(`../../pkg/${name}.js`);
const { makeApi } = await import('../../pkg/api.js');

const t0 = performance.now();
const bytes = readFileSync(new URL(`../../pkg/${name}_bg.wasm`, import.meta.url));
const t1 = performance.now();
const module = new WebAssembly.Module(bytes);
const t2 = performance.now();
glue.initSync({ module });
const t3 = performance.now();
const { createCache } = makeApi(glue);
const cache = createCache();
await cache.get('first');
const t4 = performance.now();
console.log(JSON.stringify({ read: t1 - t0, compile: t2 - t1, instantiate: t3 - t2, firstGet: t4 - t3, total: t4 - t1 }));
