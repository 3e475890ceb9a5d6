// edgecache/keyv: a Keyv store over an edgecache Cache (either entry), so
// Keyv, cache-manager 6+ and cacheable run on edgecache:
//   new Keyv({ store: new KeyvEdgecache(cache), namespace: 'users' })
//
// - Keyv's namespace is an edgecache namespace: Keyv sends `${namespace}:key`,
//   the store keeps `key` in cache.namespace(namespace), so clear() empties
//   only that namespace.
// - TTLs in ms become edgecache TTLs; Keyv's own expiry check stays too.
// - getMany / setMany / deleteMany are cut to the 10 000-item batch limit.
// - iterator(namespace) lists the namespace (memory-tier caches; a tiered
//   cache cannot list across isolates and rejects with UNSUPPORTED). Keyv 5
//   wires keyv.iterator() only for adapters on its own list: call
//   enableIterator(keyv) once to use it.
// - A value edgecache refuses rejects set(); the key's older value is dropped
//   first (Keyv reports the error through its 'error' event and returns false,
//   or throws with throwOnErrors).

import { batches, setOrDrop } from './store-adapter-support.js';

export class KeyvEdgecache {
  /** @param {import('./index.js').Cache} cache @param {{ namespace?: string }} [options] */
  constructor(cache, options = {}) {
    if (cache === null || typeof cache !== 'object' || typeof cache.namespace !== 'function') {
      throw new TypeError('KeyvEdgecache needs an edgecache Cache (createCache())');
    }
    this.cache = cache;
    // Keyv reads opts (and sets namespace below); no url: Keyv's iterable-adapter check reads it.
    this.opts = { dialect: 'edgecache', url: '', ...options };
    /** Set by Keyv to its namespace. */
    this.namespace = options.namespace;
  }

  /** The edgecache namespace of Keyv's namespace ('' without one). */
  view(namespace = this.namespace) {
    return this.cache.namespace(typeof namespace === 'string' ? namespace : '');
  }

  /** The key inside that namespace: Keyv's `${namespace}:` prefix removed. */
  inner(key) {
    const ns = this.namespace;
    return typeof ns === 'string' && ns !== '' && key.startsWith(`${ns}:`) ? key.slice(ns.length + 1) : key;
  }

  async get(key) {
    return this.view().get(this.inner(key));
  }

  async getMany(keys) {
    const view = this.view();
    const ks = keys.map((k) => this.inner(k));
    const out = [];
    for (const batch of batches(ks)) out.push(...(await view.getMany(batch)));
    return out;
  }

  async has(key) {
    return this.view().has(this.inner(key));
  }

  async hasMany(keys) {
    const view = this.view();
    const ks = keys.map((k) => this.inner(k));
    const out = [];
    for (const batch of batches(ks)) out.push(...(await view.hasMany(batch)));
    return out;
  }

  async set(key, value, ttl) {
    await setOrDrop(this.view(), this.inner(key), value, ttlOption(ttl));
    return true;
  }

  /** Keyv's entries ({ key, value, ttl }), stored per TTL in batches of the limit. */
  async setMany(entries) {
    const byTtl = new Map();
    for (const { key, value, ttl } of entries) {
      const t = ttlOption(ttl)?.ttl;
      if (!byTtl.has(t)) byTtl.set(t, []);
      byTtl.get(t).push([this.inner(key), value]);
    }
    const view = this.view();
    for (const [ttl, items] of byTtl) {
      for (const batch of batches(items)) {
        try {
          await view.setMany(batch, ttl === undefined ? undefined : { ttl });
        } catch (err) {
          // Refused: none of the batch may keep an older value.
          await view.deleteMany(batch.map(([key]) => key)).catch(() => {});
          throw err;
        }
      }
    }
    return entries.map(() => true);
  }

  async delete(key) {
    return this.view().delete(this.inner(key));
  }

  /** True when at least one key was there. */
  async deleteMany(keys) {
    const view = this.view();
    const ks = keys.map((k) => this.inner(k));
    let removed = 0;
    for (const batch of batches(ks)) removed += await view.deleteMany(batch);
    return removed > 0;
  }

  /** Empties this store's namespace (all of the default namespace without one). */
  async clear() {
    await this.view().clear();
  }

  /** Yields [key as Keyv sent it, value] for every live entry of the namespace. */
  async* iterator(namespace = this.namespace) {
    const prefixed = typeof namespace === 'string' && namespace !== '';
    const view = this.view(namespace);
    const keys = await view.keys('*');
    for (const batch of batches(keys)) {
      const values = await view.getMany(batch);
      for (const [i, key] of batch.entries()) {
        if (values[i] !== undefined) yield [prefixed ? `${namespace}:${key}` : key, values[i]];
      }
    }
  }

  /** The cache belongs to the caller: nothing to close. */
  async disconnect() {}

  /** Keyv subscribes to 'error'; this store reports through rejections instead. */
  on() {
    return this;
  }
}

/** Makes keyv.iterator() use this store's iterator (Keyv 5 wires only its own adapter list). */
export function enableIterator(keyv) {
  const store = keyv.opts?.store;
  if (!(store instanceof KeyvEdgecache)) throw new TypeError('enableIterator: this Keyv does not use a KeyvEdgecache store');
  keyv.iterator = keyv.generateIterator(store.iterator.bind(store));
  return keyv;
}

function ttlOption(ttl) {
  return typeof ttl === 'number' && ttl > 0 ? { ttl } : undefined;
}

export default KeyvEdgecache;
