// Types of 'edgecache/adapters': one factory per storage service.

/** What a backend can and cannot do; the core adapts to it (clamps TTLs, hashes keys, chunks). */
export interface BackendCaps {
  /** A core preset to start from. */
  preset?: 'workers-kv' | 'deno-kv' | 'redis-http' | 'unlimited';
  minTtlMs?: number;
  maxTtlMs?: number;
  maxKeyBytes?: number;
  maxValueBytes?: number;
  maxBatchGet?: number;
  maxBatchSet?: number;
  maxBatchDelete?: number;
  hasListing?: boolean;
  hasAtomic?: boolean;
}

/** The object createCache({ backend }) accepts. Every method returns a Promise. */
export interface BackendAdapter {
  caps: BackendCaps;
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  getMany?(keys: string[]): Promise<Array<Uint8Array | undefined>>;
  setMany?(items: Array<[string, Uint8Array]>, ttlMs?: number): Promise<void>;
  deleteMany?(keys: string[]): Promise<void>;
  listKeys?(prefix: string): Promise<string[]>;
  setIfAbsent?(key: string, value: Uint8Array, ttlMs: number): Promise<boolean>;
}

/** A failure an adapter reports: transient ones are retried, permanent ones are not. */
export declare class BackendError extends Error {
  constructor(kind: 'transient' | 'permanent' | 'timeout' | 'unsupported', message: string, options?: { cause?: unknown; afterMs?: number });
  readonly kind: 'transient' | 'permanent' | 'timeout' | 'unsupported';
}

/** A Workers KV namespace binding (env.CACHE). Minimum TTL 60 s, 512-byte keys, 25 MiB values. */
export declare function cloudflareKV(namespace: unknown, options?: Record<string, unknown>): BackendAdapter;
/** A Deno.Kv (await Deno.openKv()). Values over 63 KiB are chunked by the core; atomic leases. */
export declare function denoKV(kv: unknown, options?: { root?: string }): BackendAdapter;
/** Redis over HTTP (the Upstash REST protocol), or an existing @upstash/redis client. */
export declare function redisHttp(config: { url: string; token: string } | unknown, options?: Record<string, unknown>): BackendAdapter;
/**
 * A Cache API cache (Workers `caches.default` / `await caches.open(name)`, Deno `await caches.open(name)`).
 * Keys become GET requests under `baseUrl` (default https://edgecache.invalid/), escaped injectively;
 * no listing (pattern deletes and namespace clears reject UNSUPPORTED; tags use generations), no leases.
 * Workers keep writes per data centre and not at all on *.workers.dev hosts.
 */
export declare function cacheApi(cache: unknown, options?: { baseUrl?: string }): BackendAdapter;
/** An in-process backend (tests; sharing between caches in one process). */
export declare function memoryBackend(options?: Record<string, unknown>): BackendAdapter;
/** A backend that stores nothing (opting out of L2 without changing code). */
export declare function nullBackend(): BackendAdapter;
/** Races every call of `adapter` against a `ms` timer, reporting a timeout error. */
export declare function withTimeout(adapter: BackendAdapter, ms: number): BackendAdapter;
