// Deno entry of 'edgecache/semantic': load the semantic build's .wasm from the package directory.
import { initSync } from '../../edgecache_semantic.js';

initSync({ module: Deno.readFileSync(new URL('../../edgecache_semantic_bg.wasm', import.meta.url)) });
export * from '../../semantic.js';
/** Which entry point the exports map chose. */
export const runtime = 'deno';
