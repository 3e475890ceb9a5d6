// edgecache/unstorage: an unstorage driver over an edgecache Cache (either
// entry), for Nitro, Nuxt and anything on createStorage:
//   createStorage({ driver: edgecacheDriver({ cache, namespace: 'pages' }) })
//
// - Keys are unstorage's ':'-joined keys, kept in one edgecache namespace.
// - setItem / setItemRaw take `{ ttl }` in seconds (unstorage's unit);
//   getMeta answers `{ ttl }` in seconds left (memory-tier caches).
// - getKeys(base) and clear(base) match the base as a literal prefix (glob
//   characters in it are escaped); clear without a base empties the namespace.
//   A tiered cache cannot list across isolates: both reject with UNSUPPORTED.
// - A value edgecache refuses rejects setItem, and the key's older value is
//   dropped first, so nobody reads the value the caller meant to replace.

import { batches, setOrDrop } from './store-adapter-support.js';

const DRIVER_NAME = 'edgecache';

/** @param {{ cache: import('./index.js').Cache, namespace?: string }} options */
export default function edgecacheDriver(options = {}) {
  const { cache, namespace = '' } = options;
  if (cache === null || typeof cache !== 'object' || typeof cache.namespace !== 'function') {
    throw new TypeError('edgecacheDriver needs { cache } (an edgecache Cache from createCache())');
  }
  const view = cache.namespace(namespace);
  const write = (key, value, opts) => setOrDrop(view, key, value, ttlOption(opts));
  const read = async (key) => {
    const value = await view.get(key);
    return value === undefined ? null : value;
  };
  return {
    name: DRIVER_NAME,
    options,
    flags: { ttl: true },
    getInstance: () => cache,
    hasItem: (key) => view.has(key),
    getItem: read,
    getItemRaw: read,
    async getItems(items) {
      const keys = items.map((item) => item.key);
      const out = [];
      for (const batch of batches(keys)) {
        const values = await view.getMany(batch);
        for (const [i, key] of batch.entries()) out.push({ key, value: values[i] === undefined ? null : values[i] });
      }
      return out;
    },
    setItem: write,
    setItemRaw: write,
    async removeItem(key) {
      await view.delete(key);
    },
    async getMeta(key) {
      if (!(await view.has(key))) return null;
      const ms = await view.ttl(key);
      return Number.isFinite(ms) ? { ttl: Math.ceil(ms / 1000) } : {};
    },
    getKeys: (base) => view.keys(`${escapeGlob(base ?? '')}*`),
    async clear(base) {
      if (base) await view.deleteMatching(`${escapeGlob(base)}*`);
      else await view.clear();
    },
    /** The cache belongs to the caller: nothing to close. */
    dispose() {},
  };
}

/** unstorage's ttl (seconds) as an edgecache write option. */
function ttlOption(opts) {
  const seconds = opts?.ttl;
  return typeof seconds === 'number' && seconds > 0 ? { ttl: seconds * 1000 } : undefined;
}

/** A literal prefix as a Redis-style glob: every glob character escaped. */
function escapeGlob(text) {
  return text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}

export { edgecacheDriver };
