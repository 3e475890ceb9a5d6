// memoryBackend(): a JS Map with TTLs, for tests and for sharing one store
// between several caches in one process (two caches on one memoryBackend
// behave like two isolates on one KV namespace). nullBackend(): stores
// nothing (every read misses), to run the tiered code path without storage.

/** @param {{ now?: () => number }} [options] a clock for tests (default Date.now) */
export function memoryBackend(options = {}) {
  const now = options.now ?? Date.now;
  const map = new Map(); // key -> { value: Uint8Array, expiresAt: number | undefined }
  const live = (key) => {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && now() >= entry.expiresAt) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key, value, ttlMs) => {
    // Copy: the caller's buffer is not ours to keep.
    map.set(key, { value: value.slice(), expiresAt: ttlMs === undefined ? undefined : now() + ttlMs });
  };
  return {
    name: 'memory',
    caps: { preset: 'unlimited' },
    async get(key) {
      return live(key)?.value.slice();
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async delete(key) {
      map.delete(key);
    },
    async listKeys(prefix) {
      return [...map.keys()].filter((k) => k.startsWith(prefix) && live(k) !== undefined);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key) !== undefined) return false;
      put(key, value, ttlMs);
      return true;
    },
    /** Test helper: the raw stored bytes (undefined if absent). */
    raw(key) {
      return live(key)?.value;
    },
    /** Test helper: every stored key. */
    keys() {
      return [...map.keys()];
    },
  };
}

export function nullBackend() {
  return {
    name: 'null',
    caps: { preset: 'unlimited', hasListing: true, hasAtomic: false },
    async get() {
      return undefined;
    },
    async set() {},
    async delete() {},
    async listKeys() {
      return [];
    },
  };
}
