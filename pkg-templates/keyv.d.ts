// Types of 'edgecache/keyv': a Keyv store over an edgecache Cache.
import type { Cache } from './index.js';

/** Keyv's namespace maps to an edgecache namespace; TTLs in ms; batches cut to 10 000 items. */
export declare class KeyvEdgecache {
  constructor(cache: Cache, options?: { namespace?: string });
  readonly cache: Cache;
  opts: Record<string, unknown>;
  /** Set by Keyv. */
  namespace: string | undefined;
  get(key: string): Promise<unknown>;
  getMany(keys: string[]): Promise<unknown[]>;
  has(key: string): Promise<boolean>;
  hasMany(keys: string[]): Promise<boolean[]>;
  /** Rejects when edgecache refuses the value (the older value is dropped first). */
  set(key: string, value: unknown, ttl?: number): Promise<boolean>;
  setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<boolean[]>;
  delete(key: string): Promise<boolean>;
  deleteMany(keys: string[]): Promise<boolean>;
  /** Empties this store's namespace. */
  clear(): Promise<void>;
  /** Live entries of the namespace (memory-tier caches; a tiered cache rejects with UNSUPPORTED). */
  iterator(namespace?: string): AsyncGenerator<[string, unknown], void>;
  disconnect(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): this;
}

/** Wires keyv.iterator() to the store's iterator (Keyv 5 does so only for its own adapter list). */
export declare function enableIterator<K extends { iterator?: unknown }>(keyv: K): K;

export default KeyvEdgecache;
