// cacheApi(cache, { baseUrl }): a Cache API cache (Workers `caches.default` or
// `await caches.open(name)`, Deno `await caches.open(name)`) as the L2.
//
// - Keys become GET requests under `baseUrl`, which the adapter owns: every
//   byte outside [A-Za-z0-9_-] is percent-encoded (uppercase) behind a fixed
//   'k', so no two keys share a URL and no key is a dot segment the URL
//   parser would resolve away.
// - Values are application/octet-stream bodies. `Cache-Control: max-age` is
//   only the garbage-collection hint (whole seconds, at least 1; a year when
//   the entry has no TTL): the envelope's logical expiry stays the truth.
// - delete is cache.delete. No listing (pattern deletes and namespace clears
//   are UNSUPPORTED; tags work through generations), no atomic writes (no
//   cross-isolate leases), no batch calls (the core sends single ones).
// - The platform's own limits: Workers keep Cache API writes per data
//   centre only, and not at all on *.workers.dev hosts; Deno's cache is
//   per process (a local directory).
// - Errors: TypeError/RangeError from put (a body or URL the cache refuses)
//   are permanent; anything else is transient.

import { BackendError, storeCall } from './errors.js';

const YEAR_S = 365 * 24 * 3600;
// An escaped key is at most 3 bytes per key byte: 2 000 key bytes keep the
// URL under the 8 KiB request-line limit of common front ends.
const CAPS = {
  preset: 'unlimited',
  minTtlMs: 1000,
  maxKeyBytes: 2000,
  maxValueBytes: 25 << 20,
  maxBatchGet: 1,
  maxBatchSet: 1,
  maxBatchDelete: 1,
  hasListing: false,
  hasAtomic: false,
};

/**
 * @param {{ match: Function, put: Function, delete: Function }} cache
 * @param {{ baseUrl?: string }} [options]
 */
export function cacheApi(cache, options = {}) {
  if (cache === null || typeof cache !== 'object' || typeof cache.match !== 'function'
    || typeof cache.put !== 'function' || typeof cache.delete !== 'function') {
    throw new TypeError('cacheApi needs a Cache (caches.default or await caches.open(name))');
  }
  const base = ownedBase(options.baseUrl ?? 'https://edgecache.invalid/');
  const request = (key) => new Request(base + escapeKey(key), { method: 'GET' });
  const guard = storeCall('cache api');
  return {
    name: 'cache-api',
    caps: CAPS,
    get: (key) => guard('match', async () => {
      const response = await cache.match(request(key));
      if (response === undefined || response === null) return undefined;
      // Nothing this adapter wrote is larger than one record: refuse more before reading it.
      const declared = Number(response.headers.get('content-length'));
      if (declared > CAPS.maxValueBytes) throw oversized(declared);
      const body = new Uint8Array(await response.arrayBuffer());
      if (body.length > CAPS.maxValueBytes) throw oversized(body.length);
      return body;
    }),
    set: (key, value, ttlMs) => guard('put', () => cache.put(request(key), new Response(value, {
      headers: {
        'content-type': 'application/octet-stream',
        'cache-control': `max-age=${ttlMs === undefined ? YEAR_S : Math.max(1, Math.ceil(ttlMs / 1000))}`,
      },
    }))),
    delete: (key) => guard('delete', async () => {
      await cache.delete(request(key));
    }),
  };
}

function oversized(bytes) {
  return new BackendError('permanent', `cache api match: a ${bytes}-byte body exceeds the ${CAPS.maxValueBytes}-byte record limit`);
}

/** The base URL as an http(s) directory the adapter alone writes under. */
function ownedBase(baseUrl) {
  let url;
  try {
    url = new URL(baseUrl);
  } catch (err) {
    throw new TypeError(`cacheApi: baseUrl is not a URL: ${String(baseUrl)}`, { cause: err });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('cacheApi: baseUrl must be an http(s) URL');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError('cacheApi: baseUrl must have no query, fragment or credentials');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

const SAFE = /[A-Za-z0-9_-]/;
const encoder = new TextEncoder();

/**
 * Injective: 'k' then each UTF-8 byte as itself when safe, else as %XX. (Keys
 * come from the core as valid UTF-8, so no lone surrogate meets TextEncoder.)
 */
export function escapeKey(key) {
  let out = 'k';
  for (const byte of encoder.encode(key)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
