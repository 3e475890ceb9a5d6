/* @ts-self-types="../index.d.ts" */
// Deno entry of 'edgecache': load the memory build's .wasm from the package directory.
import { initSync } from '../edgecache.js';

initSync({ module: Deno.readFileSync(new URL('../edgecache_bg.wasm', import.meta.url)) });
export * from '../memory.js';
/** Which entry point the exports map chose. */
export const runtime = 'deno';
