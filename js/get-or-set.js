// getOrSet (alias wrap): read-through caching of one key with single-flight loads,
// stale-while-revalidate and stale-if-error. The memory tier keeps an entry for a
// stale window after it stops being fresh (the `stale` write option) and
// getAllowingStale reads it: this file only decides what to do with what it finds.
//
//   fresh hit                       -> the value
//   stale, younger than SWR window  -> the stale value now; one background refresh
//                                      (handed to waitUntil), its errors swallowed
//   miss (or staler than SWR)       -> one loader call per key at a time in the isolate
//   loader error                    -> a stale value younger than the staleIfError window,
//                                      else the loader's error (cached only with cacheErrors)
//   loader not settled in time      -> the same, with LOADER_TIMEOUT (never cached); the
//                                      flight is abandoned, so the next caller loads anew
//   getOrSet(key) inside key's own loader -> LOADER_REENTRY (js/loader-context.js)
//
// Entries are stored with stale = max(staleWhileRevalidate, staleIfError).

import { checkKey, checkTags, toEdgeCacheError, typeName } from './cache-support.js';
import { EdgeCacheError } from './errors.js';
import { toWaitUntil } from './wait-until.js';
import { didYouMean } from './did-you-mean.js';
import { insideLoad, runLoader } from './loader-context.js';

const OPTIONS = new Set([
  'ttl', 'idle', 'tags', 'staleWhileRevalidate', 'staleIfError', 'waitUntil', 'cacheErrors', 'shouldCache',
  'lease', 'loaderTimeout',
]);

// A loader that never settles must not hold its key forever: after this, its
// flight is abandoned (callers get LOADER_TIMEOUT, or stale within staleIfError).
const DEFAULT_LOADER_TIMEOUT_MS = 10_000;

// Lease defaults: held for up to 10 s; a caller that finds it busy and has no
// stale value polls for the other isolate's result for up to 2 s, then loads.
const LEASE_DEFAULTS = { ttl: 10_000, wait: 2_000, poll: 50 };

// Cached loader errors live in a namespace of their own, beside the values' namespace.
const ERROR_NAMESPACE_PREFIX = 'edgecache:loader-errors:';

const ignore = () => {};

function invalid(message) {
  return new EdgeCacheError('INVALID_OPTION', message);
}

/** A stale window in ms: undefined, null or 0 for none, else ms or a duration string. */
function windowMs(name, value, durationMs) {
  if (value === undefined || value === null || value === 0) return 0;
  try {
    return durationMs(value);
  } catch (err) {
    throw invalid(`invalid option \`${name}\`: ${err?.message ?? err}`);
  }
}

/**
 * Checks getOrSet options once, before anything is read or loaded. `report`
 * receives a waitUntil's refusals (js/wait-until.js).
 */
export function checkGetOrSetOptions(options, durationMs, report = ignore) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`getOrSet options must be an object, got ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) {
      const hint = didYouMean(name, OPTIONS) || ` (expected ${[...OPTIONS].join(', ')})`;
      throw invalid(`unknown getOrSet option \`${name}\`${hint}`);
    }
  }
  const { shouldCache, cacheErrors } = options;
  const waitUntil = toWaitUntil(options.waitUntil, report);
  if (shouldCache !== undefined && typeof shouldCache !== 'function') {
    throw invalid('`shouldCache` must be a function (value) => boolean');
  }
  let errorTtl;
  if (cacheErrors !== undefined && cacheErrors !== false) {
    if (cacheErrors === null || typeof cacheErrors !== 'object' || cacheErrors.ttl === undefined || cacheErrors.ttl === null) {
      throw invalid('`cacheErrors` must be { ttl } with an explicit, short TTL (ms or a duration string)');
    }
    errorTtl = windowMs('cacheErrors.ttl', cacheErrors.ttl, durationMs);
    if (errorTtl === 0) throw invalid('`cacheErrors.ttl` must be more than 0');
  }
  if (options.ttl !== undefined && options.ttl !== null) {
    // Checked now, so a bad TTL fails before the loader runs, not after.
    try {
      durationMs(options.ttl);
    } catch (err) {
      throw toEdgeCacheError(err);
    }
  }
  const swr = windowMs('staleWhileRevalidate', options.staleWhileRevalidate, durationMs);
  const lease = leaseOptions(options.lease, durationMs);
  const sie = windowMs('staleIfError', options.staleIfError, durationMs);
  const loaderTimeout = options.loaderTimeout === undefined
    ? DEFAULT_LOADER_TIMEOUT_MS
    : windowMs('loaderTimeout', options.loaderTimeout, durationMs);
  return {
    write: {
      ttl: options.ttl,
      idle: options.idle,
      tags: options.tags === undefined ? undefined : checkTags(options.tags),
      stale: Math.max(swr, sie),
    },
    swr,
    sie,
    waitUntil,
    shouldCache,
    errorTtl,
    lease,
    loaderTimeout,
  };
}

/** `lease: true | { ttl, wait, poll }` -> ms values, or undefined when off. */
function leaseOptions(lease, durationMs) {
  if (lease === undefined || lease === false) return undefined;
  if (lease === true) return LEASE_DEFAULTS;
  if (lease === null || typeof lease !== 'object') {
    throw invalid('`lease` must be true or { ttl, wait, poll } (ms or duration strings)');
  }
  const pick = (name) => {
    const value = lease[name] ?? LEASE_DEFAULTS[name];
    const ms = windowMs(`lease.${name}`, value, durationMs);
    return ms === 0 && name !== 'wait' ? LEASE_DEFAULTS[name] : ms;
  };
  return { ttl: pick('ttl'), wait: pick('wait'), poll: pick('poll') };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * With `lease`, only one isolate at a time loads a key: the others serve a
 * stale value, or wait a little for the winner's value to appear in the
 * backend. Returns { value } when another isolate's result (or a stale
 * value) answers, else { leased } to go on loading.
 */
async function takeLease(cache, key, o) {
  const state = await cache.tryLease(key, o.lease.ttl);
  if (state !== 'busy') return { leased: state === 'acquired' };
  const stale = await cache.getAllowingStale(key, Math.max(o.swr, o.sie));
  if (stale !== undefined) return { value: stale.value };
  const deadline = Date.now() + o.lease.wait;
  while (Date.now() < deadline) {
    await sleep(o.lease.poll);
    const fresh = await cache.getAllowingStale(key, 0);
    if (fresh !== undefined) return { value: fresh.value };
  }
  return { leased: false };
}

/** The error a cached loader error is rebuilt as: what was stored, marked `cached`. */
function rebuildError(stored) {
  const err = new Error(String(stored?.message ?? 'loader failed'));
  if (typeof stored?.name === 'string') err.name = stored.name;
  if (stored?.code !== undefined) err.code = stored.code;
  err.cached = true;
  return err;
}

/** What survives of a loader error in the cache (only plain data does). */
function errorRecord(err) {
  if (err !== null && typeof err === 'object') {
    const code = err.code;
    return {
      name: typeof err.name === 'string' ? err.name : 'Error',
      message: String(err.message ?? ''),
      code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    };
  }
  return { name: 'Error', message: String(err), code: undefined };
}

// Background refreshes in flight, per SingleFlight: load key -> its flight.
// A caller arriving during a refresh reads (and is served the stale value);
// a caller arriving during a blocking load joins it without reading.
const refreshes = new WeakMap();

function refreshing(flights, loadKey) {
  return refreshes.get(flights)?.has(loadKey) === true;
}

/** Starts (or joins) the one background refresh of `loadKey`; never rejects. */
function refresh(flights, loadKey, load) {
  if (flights.inFlight(loadKey)) return flights.run(loadKey, load).then(ignore, ignore);
  let running = refreshes.get(flights);
  if (running === undefined) {
    running = new Map();
    refreshes.set(flights, running);
  }
  const flight = flights.run(loadKey, load);
  running.set(loadKey, flight);
  const done = () => {
    if (running.get(loadKey) === flight) running.delete(loadKey);
  };
  return flight.then(done, done);
}

/**
 * The one read of a getOrSet: the entry within the SWR window, else the
 * cached loader error (with cacheErrors), else a miss. Concurrent callers
 * share it (a flight of its own), so a stampede costs one backend read.
 */
async function lookUp(cache, errors, key, swr) {
  const found = await cache.getAllowingStale(key, swr);
  if (found !== undefined) return found;
  if (errors !== undefined) {
    const failed = await errors.getAllowingStale(key, 0);
    if (failed !== undefined) return { failed: failed.value };
  }
  return undefined;
}

/**
 * @param cache the Cache (namespace view) to read and write
 * @param {{ flights, flightKey: string, durationMs, reportWaitUntil, copy }} ctx shared single-flight
 *   state and the copy a joining caller gets
 * @param {string} key
 * @param {() => unknown} loader
 * @param options see OPTIONS above and the README
 */
export async function getOrSet(cache, ctx, key, loader, options) {
  checkKey(key, ctx.limits);
  if (typeof loader !== 'function') {
    throw invalid(`getOrSet needs a loader function, got ${typeName(loader)}`);
  }
  const o = checkGetOrSetOptions(options, ctx.durationMs, ctx.reportWaitUntil);
  const { flights, flightKey } = ctx;

  const errors = o.errorTtl === undefined ? undefined : cache.namespace(ERROR_NAMESPACE_PREFIX + cache.namespaceName);
  const marked = () => runLoader(flights, flightKey, loader);
  const load = () => loadAndStore(cache, errors, key, marked, o);
  const join = async () => {
    if (insideLoad(flights, flightKey)) {
      // Joining would wait for the very load this code is part of.
      throw new EdgeCacheError('LOADER_REENTRY', 'getOrSet was called on a key inside that key\'s own loader');
    }
    // A caller joining a load gets its own copy of its value (see below).
    const joined = flights.inFlight(flightKey);
    const value = await flights.run(flightKey, load);
    return joined ? ctx.copy(value) : value;
  };

  // A blocking load of this key is running: its value is what a read would find next.
  if (flights.inFlight(flightKey) && !refreshing(flights, flightKey)) return join();

  // Callers with the same windows share one read.
  const readKey = `read:${o.swr}:${errors === undefined ? 0 : 1}:${flightKey}`;
  const sharedRead = flights.inFlight(readKey);
  const found = await flights.run(readKey, () => lookUp(cache, errors, key, o.swr));
  if (found === undefined) return join();
  if ('failed' in found) throw rebuildError(found.failed);
  if (found.stale) {
    // Stale within the SWR window: serve it, refresh once in the background.
    o.waitUntil?.(refresh(flights, flightKey, load)); // never throws: a refusal is reported (js/wait-until.js)
  }
  // A caller that joined the shared read gets its own copy: callers never share
  // one mutable object (unless the cache keeps objects by reference).
  return sharedRead ? ctx.copy(found.value) : found.value;
}

// One flight: call the loader, store its value, fall back to stale on failure.
// No read first: the caller's read (shared by concurrent callers) found no
// fresh value, and a load running meanwhile is joined, not repeated.
async function loadAndStore(cache, errors, key, loader, o) {
  let leased = false;
  if (o.lease !== undefined) {
    const taken = await takeLease(cache, key, o);
    if ('value' in taken) return taken.value;
    leased = taken.leased;
  }
  try {
    return await loadStoring(cache, errors, key, loader, o);
  } finally {
    if (leased) await cache.releaseLease(key).catch(ignore);
  }
}

async function loadStoring(cache, errors, key, loader, o) {
  let value;
  try {
    value = await settledWithin(loader, o.loaderTimeout);
  } catch (err) {
    if (o.sie > 0) {
      const stale = await cache.getAllowingStale(key, o.sie);
      if (stale !== undefined) return stale.value;
    }
    if (errors !== undefined && err?.code !== 'LOADER_TIMEOUT') {
      // Best effort: an error that cannot be recorded is still thrown as is.
      await errors.set(key, errorRecord(err), { ttl: o.errorTtl }).catch(ignore);
    }
    throw err;
  }
  if (o.shouldCache === undefined || o.shouldCache(value)) {
    await cache.set(key, value, o.write);
  }
  return value;
}

// The loader's result, or LOADER_TIMEOUT once `ms` pass (0: no limit). The
// loader keeps running (JS cannot stop it), but nothing waits for it any more.
function settledWithin(loader, ms) {
  let result;
  try {
    result = Promise.resolve(loader());
  } catch (err) {
    result = Promise.reject(err);
  }
  if (ms === 0) return result;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(new EdgeCacheError('LOADER_TIMEOUT', `the loader did not settle within ${ms} ms; its load was abandoned`));
    }, ms);
  });
  return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
}
