/* @ts-self-types="../../tiered-init.d.ts" */
// 'edgecache/tiered/init': as 'edgecache/init', for the tiered build
// (edgecache_tiered_bg.wasm): init(moduleOrBytes) once, then createCache.
import { initSync } from '../../edgecache_tiered.js';

export * from '../../tiered.js';
/** Which entry point the exports map chose. */
export const runtime = 'init';

/** Loads the wasm from `module` (a WebAssembly.Module or the .wasm's bytes); later calls do nothing. */
export function init(module) {
  initSync({ module });
}
