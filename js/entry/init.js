/* @ts-self-types="../init.d.ts" */
// 'edgecache/init': the caller brings the memory build's .wasm (edgecache_bg.wasm)
// as a compiled WebAssembly.Module or as bytes, and calls init() once before
// createCache. For hosts and bundlers with their own way of loading wasm.
import { initSync } from '../edgecache.js';

export * from '../memory.js';
/** Which entry point the exports map chose. */
export const runtime = 'init';

/** Loads the wasm from `module` (a WebAssembly.Module or the .wasm's bytes); later calls do nothing. */
export function init(module) {
  initSync({ module });
}
