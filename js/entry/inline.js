/* @ts-self-types="../index.d.ts" */
// Inline entry of 'edgecache' (conditions `browser`, `bun` and `default`, and
// 'edgecache/inline'): the memory build's .wasm is inlined as base64, so
// browsers, esbuild/Vite/Bun bundles (including single-file Node bundles) and
// any host that can compile wasm from bytes load it with no file access.
import { initSync } from '../edgecache.js';
import { wasmBase64 } from '../edgecache_bg.inline.js';
import { bytesOfBase64 } from '../inline-wasm.js';

initSync({ module: bytesOfBase64(wasmBase64) });
export * from '../memory.js';
/** Which entry point the exports map chose. */
export const runtime = 'inline';
