// cloudflareKV(binding): a Workers KV namespace binding (env.CACHE).
//
// - get with type 'arrayBuffer'; put with expirationTtl in whole seconds, at
//   least 60 (KV's minimum; the core already raises hints to 60 000 ms);
//   delete; list({ prefix, cursor }) paged until list_complete.
// - No atomic operations (no cross-isolate leases); reads are eventually
//   consistent across locations (about 60 s), which the tag generations'
//   short L1 trust window already assumes.
// - Errors: KV reports failures as exceptions whose message names the
//   status; 429/5xx, rate limits and network trouble are transient; argument
//   errors (TypeError/RangeError, e.g. a key too long) are permanent.

import { BackendError } from './errors.js';

const CAPS = { preset: 'workers-kv' };

export function cloudflareKV(binding) {
  if (binding === null || typeof binding !== 'object' || typeof binding.get !== 'function' || typeof binding.put !== 'function') {
    throw new TypeError('cloudflareKV needs a KV namespace binding (env.MY_KV)');
  }
  const guard = async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      throw kvError(what, err);
    }
  };
  return {
    name: 'cloudflare-kv',
    caps: CAPS,
    get: (key) => guard('get', async () => {
      const buffer = await binding.get(key, { type: 'arrayBuffer' });
      return buffer === null ? undefined : new Uint8Array(buffer);
    }),
    set: (key, value, ttlMs) => guard('put', () => binding.put(key, value, ttlMs === undefined
      ? undefined
      : { expirationTtl: Math.max(60, Math.ceil(ttlMs / 1000)) })),
    delete: (key) => guard('delete', () => binding.delete(key)),
    // KV's bulk get has no arrayBuffer type: parallel single gets instead.
    getMany(keys) {
      return Promise.all(keys.map((k) => this.get(k)));
    },
    listKeys: (prefix) => guard('list', async () => {
      const keys = [];
      let cursor;
      for (;;) {
        const page = await binding.list({ prefix, cursor });
        for (const k of page.keys) keys.push(k.name);
        if (page.list_complete || !page.cursor) return keys;
        cursor = page.cursor;
      }
    }),
  };
}

function kvError(what, err) {
  if (err instanceof BackendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const permanent = (err instanceof TypeError || err instanceof RangeError) && !/network|fetch/i.test(message);
  const transient = /\b(429|5\d\d)\b|too many|rate limit|network|timed? ?out|unavailable/i.test(message);
  const kind = transient || !permanent ? 'transient' : 'permanent';
  return new BackendError(kind, `workers kv ${what}: ${message}`, { cause: err });
}
