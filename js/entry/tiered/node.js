/* @ts-self-types="../../tiered.d.ts" */
// Node entry of 'edgecache/tiered': load the tiered build's .wasm from the package directory.
import { readFileSync } from 'node:fs';
import { initSync } from '../../edgecache_tiered.js';

initSync({ module: readFileSync(new URL('../../edgecache_tiered_bg.wasm', import.meta.url)) });
export * from '../../tiered.js';
/** Which entry point the exports map chose. */
export const runtime = 'node';
