// Request-scoped caching: memoise within one request, drop it when the request
// ends. Two reads of one key in one request agree (the same value, even if
// another request changes the cache meanwhile) and nothing leaks across
// requests.
//
// - Explicit: `const scope = requestScope(cache)` in the handler, reads and
//   writes through `scope`, `scope.end()` when the response is done (later
//   calls reject with CLOSED).
// - Automatic, through AsyncLocalStorage where the host has it (Node, Deno,
//   Workers with nodejs_compat; found through process.getBuiltinModule, or
//   handed in with useAsyncLocalStorage): wrap the handler in
//   `withRequestScope(fn)`; anywhere below it, `currentRequestScope(cache)` is
//   that request's scope for `cache` (created on first use, ended when fn
//   settles), and undefined outside any request.

import { EdgeCacheError } from './errors.js';

let storage; // an AsyncLocalStorage whose store is the request's Map(cache view -> RequestScope)

/** AsyncLocalStorage from the host, when it has one. */
function hostAsyncLocalStorage() {
  try {
    const hooks = globalThis.process?.getBuiltinModule?.('node:async_hooks');
    return hooks?.AsyncLocalStorage ?? globalThis.AsyncLocalStorage;
  } catch {
    return undefined; // a host that refuses the lookup has none for us
  }
}

function asyncStorage() {
  if (storage === undefined) {
    const Als = hostAsyncLocalStorage();
    if (typeof Als === 'function') storage = new Als();
  }
  return storage;
}

/** Uses this AsyncLocalStorage class (e.g. Workers with only the nodejs_als flag). */
export function useAsyncLocalStorage(AsyncLocalStorage) {
  if (typeof AsyncLocalStorage !== 'function') {
    throw new EdgeCacheError('INVALID_OPTION', 'useAsyncLocalStorage needs the AsyncLocalStorage class');
  }
  storage = new AsyncLocalStorage();
}

/** True when withRequestScope can run here (the host has AsyncLocalStorage). */
export function hasRequestContext() {
  return asyncStorage() !== undefined;
}

export class RequestScope {
  /** @param cache a Cache (or a namespace view of one) */
  constructor(cache) {
    if (cache === null || typeof cache !== 'object' || typeof cache.get !== 'function' || typeof cache.getOrSet !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'requestScope needs an edgecache Cache');
    }
    this.cache = cache;
    this.memo = new Map(); // key -> Promise of the value this request sees
    this.ended = false;
  }

  /** The remembered answer for `key`, or `read()`'s, remembered (a failed read is not). */
  remember(key, read) {
    if (this.ended) return Promise.reject(ended());
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const pending = Promise.resolve().then(read);
    this.memo.set(key, pending);
    pending.catch(() => {
      if (this.memo.get(key) === pending) this.memo.delete(key);
    });
    return pending;
  }

  get(key) {
    return this.remember(key, () => this.cache.get(key));
  }

  /** Whether get(key) answers a value in this request. */
  async has(key) {
    return (await this.get(key)) !== undefined;
  }

  getMany(keys) {
    return Promise.all([...keys].map((key) => this.get(key)));
  }

  /** A miss this request already saw does not stop the load: it replaces the miss. */
  async getOrSet(key, loader, options) {
    const known = this.memo.get(key);
    if (known !== undefined && (await known.catch(() => undefined)) === undefined && this.memo.get(key) === known) {
      this.memo.delete(key);
    }
    return this.remember(key, () => this.cache.getOrSet(key, loader, options));
  }

  /** Writes through to the cache; this request then reads `value` back. */
  async set(key, value, options) {
    if (this.ended) throw ended();
    this.memo.delete(key);
    const result = await this.cache.set(key, value, options);
    this.memo.set(key, Promise.resolve(value));
    return result;
  }

  /** Deletes from the cache; this request then reads undefined. */
  async delete(key) {
    if (this.ended) throw ended();
    this.memo.delete(key);
    const removed = await this.cache.delete(key);
    this.memo.set(key, Promise.resolve(undefined));
    return removed;
  }

  /** Forgets what this request read of `key` (the next read goes to the cache). */
  forget(key) {
    this.memo.delete(key);
  }

  /** Keys remembered now (for tests and diagnostics). */
  get size() {
    return this.memo.size;
  }

  /** Drops everything remembered; later calls reject with CLOSED. */
  end() {
    this.ended = true;
    this.memo.clear();
  }
}

function ended() {
  return new EdgeCacheError('CLOSED', 'this request scope has ended (its request is over)');
}

/** A new per-request handle over `cache`; call end() when the request is done. */
export function requestScope(cache) {
  return new RequestScope(cache);
}

/**
 * Runs `fn` as one request: currentRequestScope(cache) inside it (across
 * awaits) is this request's scope, ended when fn's promise settles.
 * Rejects with UNSUPPORTED (before running fn) where the host has no
 * AsyncLocalStorage.
 */
export async function withRequestScope(fn) {
  const als = asyncStorage();
  if (als === undefined) {
    throw new EdgeCacheError('UNSUPPORTED', 'no AsyncLocalStorage here: use requestScope(cache) '
      + '(on Workers, enable nodejs_compat; or call useAsyncLocalStorage)');
  }
  const scopes = new Map();
  try {
    return await als.run(scopes, fn);
  } finally {
    for (const scope of scopes.values()) scope.end();
    scopes.clear();
  }
}

/** This request's scope for `cache` (inside withRequestScope), else undefined. */
export function currentRequestScope(cache) {
  const scopes = asyncStorage()?.getStore();
  if (!(scopes instanceof Map)) return undefined;
  let scope = scopes.get(cache);
  if (scope === undefined) {
    scope = new RequestScope(cache);
    scopes.set(cache, scope);
  }
  return scope;
}
