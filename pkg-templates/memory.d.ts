// Type definitions for edgecache: hand-written, covering everything the package exports.
// The types of memory.js (the 'edgecache' API); index.d.ts, tiered.d.ts and the
// entries point here. Relative imports name real .js files that carry
// @ts-self-types, so tsc (which prefers the .d.ts beside them) and Deno (which
// follows the .js) both resolve them.

/** Milliseconds, or a duration string such as '250ms', '90s', '5m', '1h30m', '2d'. */
export type Duration = number | string;

/** Values the cache stores losslessly (class instances, functions and symbols are refused). */
export type Storable = unknown;

/** Stable error codes (`err.code`); never renamed. */
export type ErrorCodeName =
  | 'INVALID_KEY' | 'VALUE_TOO_LARGE' | 'INVALID_TTL' | 'INVALID_OPTION' | 'NOT_AN_INTEGER'
  | 'OVERFLOW' | 'INVALID_PATTERN' | 'CORRUPT_DATA' | 'UNSUPPORTED_VERSION' | 'DECOMPRESSION_LIMIT'
  | 'LIMIT_EXCEEDED' | 'CLOSED' | 'BACKEND_ERROR' | 'BACKEND_TIMEOUT' | 'UNSUPPORTED_VALUE'
  | 'UNSUPPORTED'
  /** A getOrSet loader did not settle within `loaderTimeout`; its load was abandoned. */
  | 'LOADER_TIMEOUT'
  /** A getOrSet loader called getOrSet on its own key. */
  | 'LOADER_REENTRY';

export declare const ErrorCode: Readonly<{ [K in ErrorCodeName]: K }>;

/** The one error class: every failure rejects (or throws) with an EdgeCacheError. */
export declare class EdgeCacheError extends Error {
  constructor(code: ErrorCodeName | string, message: string, options?: { cause?: unknown });
  readonly code: ErrorCodeName | string;
}

/** True when `err` is an EdgeCacheError (optionally with `code`), also from another copy of the package. */
export declare function isEdgeCacheError(err: unknown, code?: ErrorCodeName | string): err is EdgeCacheError;

export interface CacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxValueBytes?: number;
  maxKeyBytes?: number;
  maxTagsPerEntry?: number;
  /** null: entries never expire unless a write says so. */
  defaultTtl?: Duration | null;
  defaultIdle?: Duration | null;
  policy?: 'lru' | 'lfu' | 'fifo' | 's3-fifo';
  /** Values whose encoding is at least this many bytes are deflated (default 512). */
  compressionThreshold?: number;
  /** 0 = off, 1 (fastest) to 10 (smallest); default 3. */
  compressionLevel?: number;
  /** The namespace of the returned view ('' by default). */
  namespace?: string;
  /** Epoch milliseconds (for tests); Date.now by default. */
  now?: () => number;
  /**
   * false: objects are kept by reference, not copied (get returns the stored
   * object itself: a mutation changes the cached value). Memory-only caches.
   */
  clone?: boolean;
  /** With clone: false, an object's weight in bytes (default: an estimate). */
  sizeOf?: (value: unknown) => number;

  // ---- with a backend (L2): tiered caching ----
  // Only through 'edgecache/tiered': the default 'edgecache' build holds the
  // memory tier alone, and its createCache throws INVALID_OPTION for `backend`.
  /**
   * An adapter from 'edgecache/adapters' (cloudflareKV, denoKV, redisHttp, memoryBackend, ...).
   * Import createCache from 'edgecache/tiered' to use one: 'edgecache' rejects it (INVALID_OPTION).
   */
  backend?: import('./adapters/index.js').BackendAdapter;
  /** Where write-behind writes go (a Worker's ctx.waitUntil, bound, or ctx). */
  waitUntil?: WaitUntil;
  /** Deadline of each backend call in ms (default 1000; 0 = none). */
  timeoutMs?: number;
  /** Retries of transient backend errors, with exponential backoff and jitter. */
  retries?: number | { count?: number; baseMs?: number; maxMs?: number };
  /** Open after `threshold` consecutive failures; probe again after `cooldownMs`. */
  breaker?: { threshold?: number; cooldownMs?: number };
  /** Prefix of every key this cache writes to the backend (default 'ec'). */
  prefix?: string;
  /** Longest time a value read from the backend stays in memory. */
  l1MaxTtl?: Duration;
  /** How long tag generations read from the backend are trusted in memory (default 1000 ms). */
  tagCacheMs?: number;
  /** Split values larger than the backend accepts into chunks (default true). */
  chunking?: boolean;
  maxChunks?: number;
}

export interface WriteOptions {
  /** undefined: the cache default; null: never expires. */
  ttl?: Duration | null;
  /** Sliding expiry after the last read. */
  idle?: Duration | null;
  tags?: string | string[];
  /** How long the entry stays readable by getAllowingStale after it stops being fresh. */
  stale?: Duration | null;
  /** With a backend: write memory now and hand the backend write to `waitUntil`. */
  writeBehind?: boolean;
  waitUntil?: WaitUntil;
}

/** What a cache with a backend reports through onEvent (never as a rejection). */
export type BackendEvent =
  | { type: 'backend-error'; op: string; attempt: number; error: EdgeCacheError }
  | { type: 'corrupt-entry'; key: string; error: EdgeCacheError }
  /** Signing or encryption is on and an entry failed verification (unsealed, forged, moved, unknown key): a miss. */
  | { type: 'security-error'; key: string; error: EdgeCacheError }
  | { type: 'breaker-open' }
  | { type: 'breaker-close' }
  /** Any cache: a waitUntil refused a background promise (an unbound ctx.waitUntil, a call after the response). */
  | { type: 'wait-until-error'; error: EdgeCacheError };

export interface CacheStats {
  hits: number;
  /** Reads answered by a stale entry inside its stale window (getAllowingStale, getOrSet's staleWhileRevalidate). */
  staleHits: number;
  misses: number;
  sets: number;
  deletes: number;
  evictionsCapacity: number;
  evictionsExpired: number;
  evictionsExplicit: number;
  entries: number;
  bytes: number;
  hitRatio: number;
}

/** The second tier's counters: `stats().l2` of a cache with a backend. */
export interface L2Stats {
  hits: number;
  staleHits: number;
  misses: number;
  writes: number;
  /** Failed backend calls (each also an onEvent 'backend-error'). */
  errors: number;
  timeouts: number;
  /** Entries that failed to decode (a miss each). */
  corrupt: number;
  /** Entries that failed signature or decryption checks (a miss each). */
  security: number;
  retries: number;
  /** Calls skipped while the breaker was open. */
  rejected: number;
  /** Backend calls timed (for the latency figures). */
  calls: number;
  latencyAvgMs: number;
  latencyMaxMs: number;
}

/** `health()`: what a status endpoint shows. */
export interface CacheHealth {
  /** Entries and bytes in this isolate's memory tier now. */
  l1: { entries: number; bytes: number };
  /** `null` without a backend. */
  breaker: 'closed' | 'open' | 'half-open' | null;
  /** The last failed backend call: its operation, message and time (epoch ms, the cache's clock); `null` if none. */
  lastError: { op: string; message: string; at: number } | null;
  /** Only with `{ probe: true }` on a cache with a backend: one read's outcome and latency in ms. */
  probe?: { ok: boolean; latencyMs: number; error?: string };
}

/** `stats()` of a cache with a backend: the L1 counters, `l2` and the breaker state. */
export interface TieredCacheStats extends CacheStats {
  l2: L2Stats;
  breaker: 'closed' | 'open' | 'half-open';
}

export interface RemovalEvent {
  key: string;
  namespace: string;
  cause: 'capacity' | 'expired' | 'explicit';
}

/** A Workers ExecutionContext, or anything with its waitUntil. */
export type WaitUntil = ((promise: Promise<unknown>) => void) | { waitUntil(promise: Promise<unknown>): void };

export interface GetOrSetOptions<T> {
  ttl?: Duration | null;
  idle?: Duration | null;
  tags?: string | string[];
  /** Serve a value this far past its freshness at once, refreshing it in the background. */
  staleWhileRevalidate?: Duration;
  /** When the loader fails, serve a value up to this far past its freshness. */
  staleIfError?: Duration;
  /** Receives the background refresh, so it survives the response (Workers: ctx or ctx.waitUntil). */
  waitUntil?: WaitUntil;
  /** Cache loader failures for a short, explicit TTL (off by default). */
  cacheErrors?: false | { ttl: Duration };
  /** Store the loaded value only when this returns true. */
  shouldCache?: (value: T) => boolean;
  /**
   * With a backend that has atomic writes (Redis, Deno KV): one load at a time across
   * isolates. Others serve a stale value, or wait up to `wait` for the winner's value.
   */
  lease?: boolean | { ttl?: Duration; wait?: Duration; poll?: Duration };
  /**
   * Abandon a loader that has not settled after this long (default '10s'; 0 or null: never):
   * callers reject with LOADER_TIMEOUT (or get stale inside staleIfError), the next caller loads anew.
   */
  loaderTimeout?: Duration | null;
}

export type Loader<T> = () => Promise<T> | T;

export declare class Cache {
  private constructor();
  /** The namespace of this view ('' for the default). */
  readonly namespaceName: string;
  /** A view of the same cache on another namespace. */
  namespace(name: string): Cache;

  get<T = unknown>(key: string): Promise<T | undefined>;
  peek<T = unknown>(key: string): Promise<T | undefined>;
  /** Also returns a stale entry (stored with `stale`) less than `maxStale` past its freshness. */
  getAllowingStale<T = unknown>(key: string, maxStale: Duration): Promise<{ value: T; stale: boolean } | undefined>;
  has(key: string): Promise<boolean>;
  getMany<T = unknown>(keys: Iterable<string>): Promise<Array<T | undefined>>;
  hasMany(keys: Iterable<string>): Promise<boolean[]>;

  /**
   * Stores the value. With a backend, resolves to where it landed: 'written' (L2 has it),
   * 'skipped' (breaker open: memory only) or 'failed' (reported through onEvent); else undefined.
   */
  set<T = unknown>(key: string, value: T, options?: WriteOptions): Promise<void | 'written' | 'skipped' | 'failed'>;
  add<T = unknown>(key: string, value: T, options?: WriteOptions): Promise<boolean>;
  replace<T = unknown>(key: string, value: T, options?: WriteOptions): Promise<boolean>;
  setMany<T = unknown>(
    entries: Map<string, T> | Iterable<readonly [string, T]> | Record<string, T>,
    options?: WriteOptions,
  ): Promise<void>;

  /** The cached value, or the loader's (stored, then returned); one loader call per key at a time. */
  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions<Awaited<T>>): Promise<Awaited<T>>;
  /** getOrSet under its other name. */
  wrap<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions<Awaited<T>>): Promise<Awaited<T>>;

  delete(key: string): Promise<boolean>;
  deleteMany(keys: Iterable<string>): Promise<number>;
  clear(): Promise<number>;
  clearAll(): Promise<number>;
  invalidateTags(tags: string | string[]): Promise<number>;
  purgeExpired(): Promise<number>;

  /** Milliseconds left; Infinity if it never expires; undefined if missing. */
  ttl(key: string): Promise<number | undefined>;
  expire(key: string, ttl: Duration): Promise<boolean>;
  persist(key: string): Promise<boolean>;
  touch(key: string): Promise<boolean>;

  incr(key: string, delta?: number | bigint): Promise<number | bigint>;
  decr(key: string, delta?: number | bigint): Promise<number | bigint>;

  keys(pattern?: string): Promise<string[]>;
  countMatching(pattern?: string): Promise<number>;
  deleteMatching(pattern: string): Promise<number>;

  stats(): Promise<CacheStats>;
  /**
   * L1 size, the breaker state and the last backend failure (`null` for a
   * memory-only cache); with `{ probe: true }` (default false) also one timed
   * backend read of a key no entry uses, made even while the breaker is open.
   */
  health(options?: { probe?: boolean }): Promise<CacheHealth>;
  /** Frees the cache (and its namespace views); later calls reject with CLOSED. */
  close(): Promise<void>;
  /** True once close() was called on this cache or any of its views. */
  readonly closed: boolean;
  /** Resolves to an unsubscribe function. */
  onRemoval(listener: (event: RemovalEvent) => void): Promise<() => void>;
  /** Backend failures, corrupt entries and breaker changes (caches with a backend); waitUntil refusals (any cache). */
  onEvent(listener: (event: BackendEvent) => void): Promise<() => void>;

  /** A lease on `key` across isolates: 'unavailable' without a backend with atomic writes. */
  tryLease(key: string, ttl: Duration): Promise<'acquired' | 'busy' | 'unavailable'>;
  releaseLease(key: string): Promise<void>;
}

/** Bytes of the package's wasm linear memory now (it grows, never shrinks). */
export declare function wasmMemoryBytes(): number;
export declare function createCache(options?: CacheOptions): Cache;

// ---- decorators and wrappers ---------------------------------------------------

type AnyFunction = (...args: any[]) => any;
type Async<F extends AnyFunction> = (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;

/** A wrapped function: async, with the key a call reads and writes. */
export type CachedFunction<F extends AnyFunction> = Async<F> & {
  keyFor(...args: Parameters<F>): string;
};

/** A TC39 (TypeScript 5) method decorator. */
export type MethodDecorator = <This, F extends (this: This, ...args: any[]) => any>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
) => F;

/** Works as a wrapper, `x(fn)`, and as a method decorator, `@x`. */
export interface WrapperOrDecorator {
  <F extends AnyFunction>(fn: F): CachedFunction<F>;
  <This, F extends (this: This, ...args: any[]) => any>(method: F, context: ClassMethodDecoratorContext<This, F>): F;
}

export interface CachedOptions<F extends AnyFunction = AnyFunction>
  extends Omit<GetOrSetOptions<Awaited<ReturnType<F>>>, 'tags'> {
  /** Where results go: the default cache unless given. */
  cache?: Cache;
  /** The name in keys: the function's name (a method: 'Class.method') unless given. */
  name?: string;
  /** The whole key, instead of one built from the arguments. */
  key?: (...args: Parameters<F>) => string;
  /** Argument indexes left out of the key. */
  skipArgs?: number[];
  /** What of the arguments makes the key. */
  args?: (...args: Parameters<F>) => unknown;
  tags?: string | string[] | ((...args: Parameters<F>) => string | string[]);
}

/** Caches fn's results by its arguments. */
export declare function cached<F extends AnyFunction>(fn: F, options?: CachedOptions<F>): CachedFunction<F>;
/** `@cached(options)`, or `cached(options)(fn)`. */
export declare function cached(options?: CachedOptions): WrapperOrDecorator;
/** `@cached` with no options. */
export declare function cached<This, F extends (this: This, ...args: any[]) => any>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
): F;

export interface MemoizeOptions<F extends AnyFunction = AnyFunction> extends Omit<CachedOptions<F>, 'cache' | 'ttl'> {
  /** Most results kept. */
  max?: number;
  ttl?: Duration | null;
}

/** A memoized function: in a cache of its own, exposed as `.cache`. */
export type MemoizedFunction<F extends AnyFunction> = CachedFunction<F> & { readonly cache: Cache };

export declare function memoize<F extends AnyFunction>(fn: F, options?: MemoizeOptions<F>): MemoizedFunction<F>;
export declare function memoize(options?: MemoizeOptions): WrapperOrDecorator;

export interface CacheAsideOptions<T = unknown> extends GetOrSetOptions<T> {
  cache?: Cache;
}

/** Read-through caching under the key keyFn returns: `cacheAside(keyFn, options)(fn)` or `@cacheAside(...)`. */
export declare function cacheAside<A extends any[]>(
  keyFn: (...args: A) => string,
  options?: CacheAsideOptions,
): WrapperOrDecorator;

/** What invalidates removes. */
export type InvalidationTargets =
  | string
  | string[]
  | { keys?: Iterable<string>; tags?: string | string[]; patterns?: string | string[] };

/** After the function resolves, removes the targets; nothing when it throws. */
export declare function invalidates<A extends any[] = any[]>(
  targets: InvalidationTargets | ((...args: A) => InvalidationTargets),
  options?: { cache?: Cache },
): WrapperOrDecorator;

/** The stable key of calling `name` with `args`: the same in every host. */
export declare function argsKey(name: string, args: unknown[]): string;

/** The cache decorators use when no `cache` option is given. */
export declare function defaultCache(): Cache;
export declare function setDefaultCache(cache: Cache): void;

/**
 * Which entry point loaded the package: the exports map's choice ('node', 'deno', 'workerd'),
 * 'inline' (the .wasm inlined: browsers, Bun, bundles) or 'init' (edgecache/init).
 */
export declare const runtime: 'node' | 'deno' | 'workerd' | 'inline' | 'init';

// ---- request scope: memoise within one request, dropped when it ends ----

/** Reads and writes of one request: two reads of a key agree; end() drops them. */
export declare class RequestScope {
  constructor(cache: Cache);
  readonly cache: Cache;
  readonly ended: boolean;
  /** Keys remembered now. */
  readonly size: number;
  get<T = unknown>(key: string): Promise<T | undefined>;
  has(key: string): Promise<boolean>;
  getMany<T = unknown>(keys: Iterable<string>): Promise<Array<T | undefined>>;
  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions<Awaited<T>>): Promise<Awaited<T>>;
  /** Writes through to the cache; this request then reads `value` back. */
  set<T = unknown>(key: string, value: T, options?: WriteOptions): Promise<void | 'written' | 'skipped' | 'failed'>;
  delete(key: string): Promise<boolean>;
  /** The next read of `key` goes to the cache again. */
  forget(key: string): void;
  /** Drops what was remembered; later calls reject with CLOSED. */
  end(): void;
}

/** An explicit per-request handle over `cache` (call end() when the request is done). */
export declare function requestScope(cache: Cache): RequestScope;
/**
 * Runs `fn` as one request (AsyncLocalStorage): currentRequestScope(cache) inside it is
 * this request's scope, ended when fn settles. Rejects with UNSUPPORTED where the host
 * has no AsyncLocalStorage (Workers: enable nodejs_compat).
 */
export declare function withRequestScope<T>(fn: () => T | Promise<T>): Promise<Awaited<T>>;
/** The current request's scope for `cache` inside withRequestScope; undefined outside. */
export declare function currentRequestScope(cache: Cache): RequestScope | undefined;
/** True when withRequestScope can run here. */
export declare function hasRequestContext(): boolean;
/** Hands in the AsyncLocalStorage class where process.getBuiltinModule cannot find it. */
export declare function useAsyncLocalStorage(AsyncLocalStorage: new () => unknown): void;
