// denoKV(kv): a Deno.Kv (Deno.openKv()).
//
// - Keys are ["edgecache", key]; values Uint8Array; TTL hints as `expireIn`.
// - Deno KV refuses values over 64 KiB and keys over 2 KiB *after
//   serialisation*, so the limits given to the core leave room for that
//   framing (larger entries are chunked, longer keys hashed by the core).
//   getMany reads up to 10 keys, as KV allows.
// - set_if_absent: atomic().check({ key, versionstamp: null }).set().commit().
// - Listing: list({ prefix: ["edgecache"], start: ["edgecache", prefix] }),
//   stopping at the first key outside the string prefix.
// - Errors: TypeError/RangeError (a value or key KV refuses) are permanent;
//   anything else (database busy, I/O) transient.

import { BackendError, storeCall } from './errors.js';

const ROOT = 'edgecache';
// Both limits apply to the serialised form: leave room for the framing.
const CAPS = { preset: 'deno-kv' };

export function denoKV(kv, options = {}) {
  if (kv === null || typeof kv !== 'object' || typeof kv.atomic !== 'function') {
    throw new TypeError('denoKV needs a Deno.Kv (await Deno.openKv())');
  }
  const root = options.root ?? ROOT;
  const k = (key) => [root, key];
  const ttl = (ttlMs) => (ttlMs === undefined ? undefined : { expireIn: ttlMs });
  const guard = storeCall('deno kv');
  const bytes = (value) => (value === null || value === undefined ? undefined
    : value instanceof Uint8Array ? value
      : garbage(value));
  return {
    name: 'deno-kv',
    caps: CAPS,
    get: (key) => guard('get', async () => bytes((await kv.get(k(key))).value)),
    set: (key, value, ttlMs) => guard('set', () => kv.set(k(key), value, ttl(ttlMs))),
    delete: (key) => guard('delete', () => kv.delete(k(key))),
    getMany: (keys) => guard('getMany', async () => (await kv.getMany(keys.map(k))).map((e) => bytes(e.value))),
    setMany: (items, ttlMs) => guard('setMany', () => Promise.all(items.map(([key, value]) => kv.set(k(key), value, ttl(ttlMs))))),
    deleteMany: (keys) => guard('deleteMany', async () => {
      const op = kv.atomic();
      for (const key of keys) op.delete(k(key));
      await op.commit();
    }),
    listKeys: (prefix) => guard('list', async () => {
      const keys = [];
      for await (const entry of kv.list({ prefix: [root], start: [root, prefix] })) {
        const name = entry.key[1];
        if (typeof name !== 'string' || !name.startsWith(prefix)) break;
        keys.push(name);
      }
      return keys;
    }),
    setIfAbsent: (key, value, ttlMs) => guard('setIfAbsent', async () => {
      const result = await kv.atomic().check({ key: k(key), versionstamp: null }).set(k(key), value, ttl(ttlMs)).commit();
      return result.ok === true;
    }),
  };
}

function garbage(value) {
  throw new BackendError('permanent', `deno kv holds a ${typeof value} where edgecache expects bytes`);
}
