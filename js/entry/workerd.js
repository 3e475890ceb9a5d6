/* @ts-self-types="../index.d.ts" */
// Workers (workerd) entry of 'edgecache': the bundler hands us the memory build's
// .wasm as a compiled WebAssembly.Module (compiling bytes at run time is forbidden there).
import wasm from '../edgecache_bg.wasm';
import { initSync } from '../edgecache.js';

initSync({ module: wasm });
export * from '../memory.js';
/** Which entry point the exports map chose. */
export const runtime = 'workerd';
