/* @ts-self-types="../../tiered.d.ts" */
// Workers (workerd) entry of 'edgecache/tiered': the bundler hands us the tiered
// build's .wasm as a compiled WebAssembly.Module (no compiling at run time there).
import wasm from '../../edgecache_tiered_bg.wasm';
import { initSync } from '../../edgecache_tiered.js';

initSync({ module: wasm });
export * from '../../tiered.js';
/** Which entry point the exports map chose. */
export const runtime = 'workerd';
