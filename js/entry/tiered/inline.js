/* @ts-self-types="../../tiered.d.ts" */
// Inline entry of 'edgecache/tiered' (conditions `browser`, `bun`, `default`, and
// 'edgecache/tiered/inline'): the tiered build's .wasm inlined as base64 (see entry/inline.js).
import { initSync } from '../../edgecache_tiered.js';
import { wasmBase64 } from '../../edgecache_tiered_bg.inline.js';
import { bytesOfBase64 } from '../../inline-wasm.js';

initSync({ module: bytesOfBase64(wasmBase64) });
export * from '../../tiered.js';
/** Which entry point the exports map chose. */
export const runtime = 'inline';
