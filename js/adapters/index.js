/* @ts-self-types="./index.d.ts" */
// Backend adapters: `import { cloudflareKV, denoKV, redisHttp } from 'edgecache/adapters'`,
// then createCache({ backend: cloudflareKV(env.CACHE), ... }) from 'edgecache/tiered'. Each adapter knows
// one service: its limits (`caps`) and how its failures are classified.
export { cloudflareKV } from './cloudflare-kv.js';
export { denoKV } from './deno-kv.js';
export { redisHttp } from './redis-http.js';
export { cacheApi } from './cache-api.js';
export { memoryBackend, nullBackend } from './memory.js';
export { withTimeout } from './timeout.js';
export { BackendError } from './errors.js';
