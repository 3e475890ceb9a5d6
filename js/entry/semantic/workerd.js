// Workers (workerd) entry of 'edgecache/semantic': the bundler hands us the semantic
// build's .wasm as a compiled WebAssembly.Module (no compiling at run time there).
import wasm from '../../edgecache_semantic_bg.wasm';
import { initSync } from '../../edgecache_semantic.js';

initSync({ module: wasm });
export * from '../../semantic.js';
/** Which entry point the exports map chose. */
export const runtime = 'workerd';
