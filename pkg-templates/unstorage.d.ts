// Types of 'edgecache/unstorage': an unstorage driver over an edgecache Cache.
import type { Cache } from './index.js';

export interface EdgecacheDriverOptions {
  cache: Cache;
  /** The edgecache namespace the driver keeps its keys in ('' by default). */
  namespace?: string;
}

/** The driver object createStorage({ driver }) takes (unstorage's Driver shape). */
export interface EdgecacheDriver {
  name: 'edgecache';
  options: EdgecacheDriverOptions;
  flags: { ttl: true };
  getInstance(): Cache;
  hasItem(key: string, opts?: unknown): Promise<boolean>;
  getItem(key: string, opts?: unknown): Promise<unknown>;
  getItemRaw(key: string, opts?: unknown): Promise<unknown>;
  getItems(items: Array<{ key: string; options?: unknown }>, opts?: unknown): Promise<Array<{ key: string; value: unknown }>>;
  /** `ttl` in seconds. Rejects when edgecache refuses the value (the older value is dropped first). */
  setItem(key: string, value: string, opts?: { ttl?: number }): Promise<void>;
  setItemRaw(key: string, value: unknown, opts?: { ttl?: number }): Promise<void>;
  removeItem(key: string, opts?: unknown): Promise<void>;
  /** `{ ttl }` in seconds left, `{}` without a TTL, null when absent. */
  getMeta(key: string, opts?: unknown): Promise<{ ttl?: number } | null>;
  getKeys(base?: string, opts?: unknown): Promise<string[]>;
  clear(base?: string, opts?: unknown): Promise<void>;
  dispose(): void;
}

export declare function edgecacheDriver(options: EdgecacheDriverOptions): EdgecacheDriver;
export default edgecacheDriver;
