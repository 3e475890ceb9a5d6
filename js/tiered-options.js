// The createCache options of a cache with a backend (see README):
//   backend     an adapter (edgecache/adapters): cloudflareKV, denoKV, redisHttp, ...
//   waitUntil   where write-behind writes go (a Worker's ctx, or ctx.waitUntil bound)
//   timeoutMs   deadline of each backend call (default 1000; 0 = none)
//   retries     retries of transient errors: a count, or { count, baseMs, maxMs }
//   breaker     { threshold, cooldownMs }: open after `threshold` failed calls
//   signingKeys     [Uint8Array|string, ...] HMAC-SHA256 keys (>= 32 bytes), newest first
//   encryptionKeys  [Uint8Array|string, ...] XChaCha20-Poly1305 keys (>= 32 bytes), newest first
//   prefix, l1MaxTtl, tagCacheMs, chunking, maxChunks, signingKeys, encryptionKeys: passed to
//   the core, which validates them strictly (nonces come from crypto.getRandomValues)
// They are turned here into the arguments of WasmTieredCache.

import { EdgeCacheError } from './errors.js';
import { withTimeout } from './adapters/timeout.js';

const PASSED = ['prefix', 'l1MaxTtl', 'tagCacheMs', 'chunking', 'maxChunks', 'signingKeys', 'encryptionKeys'];
export const TIERED_OPTIONS = ['backend', 'waitUntil', 'timeoutMs', 'retries', 'breaker', ...PASSED];
const DEFAULT_TIMEOUT_MS = 1000;

const invalid = (message) => new EdgeCacheError('INVALID_OPTION', message);

/** undefined without a backend; else { options, adapter, waitUntil } for WasmTieredCache. */
export function tieredArguments(options) {
  if (options.backend === undefined) {
    const stray = TIERED_OPTIONS.find((name) => options[name] !== undefined);
    if (stray !== undefined) throw invalid(`option \`${stray}\` needs a \`backend\``);
    return undefined;
  }
  const { backend } = options;
  if (backend === null || typeof backend !== 'object') throw invalid('backend must be an adapter object (see edgecache/adapters)');
  const tiered = {};
  for (const name of PASSED) if (options[name] !== undefined) tiered[name] = options[name];
  const { retries, breaker } = options;
  if (typeof retries === 'number') {
    tiered.retries = retries;
  } else if (retries !== undefined) {
    if (retries === null || typeof retries !== 'object') throw invalid('retries must be a number or { count, baseMs, maxMs }');
    tiered.retries = retries.count;
    tiered.retryBaseMs = retries.baseMs;
    tiered.retryMaxMs = retries.maxMs;
  }
  if (breaker !== undefined) {
    if (breaker === null || typeof breaker !== 'object') throw invalid('breaker must be { threshold, cooldownMs }');
    tiered.breakerThreshold = breaker.threshold;
    tiered.breakerCooldownMs = breaker.cooldownMs;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let adapter;
  try {
    adapter = withTimeout(backend, timeoutMs);
  } catch (err) {
    throw invalid(err.message);
  }
  return { options: tiered, adapter, waitUntil: waitUntilFunction(options.waitUntil) };
}

/** A Worker's ctx (an object with waitUntil) as the function the core takes, as getOrSet accepts it. */
function waitUntilFunction(waitUntil) {
  if (waitUntil !== null && typeof waitUntil === 'object' && typeof waitUntil.waitUntil === 'function') {
    return (promise) => waitUntil.waitUntil(promise);
  }
  return waitUntil;
}
