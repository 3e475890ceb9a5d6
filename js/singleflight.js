// Single-flight: concurrent callers asking for the same key share one in-flight call.
// A cache miss under load (a thundering herd) then costs one origin request, not N.
//
// - Keys are compared like Map keys (SameValueZero): use strings for cache keys.
// - fn runs synchronously inside run(); its result (value, Promise or thenable) settles
//   the shared Promise. A synchronous throw becomes a rejection; run() itself never throws.
// - The key is freed before callers' continuations run, so a caller reacting to the
//   result (e.g. retrying after an error) starts a fresh flight.
// - The shared Promise is marked handled: callers that drop it cause no unhandled
//   rejection; callers that await it see the error.
// - A fn whose Promise never settles holds its key forever: put a timeout inside fn.

import { EdgeCacheError } from './errors.js';

const ignore = () => {};

export class SingleFlight {
  #flights = new Map();

  /**
   * Run fn() unless a call for `key` is already in flight; either way return the
   * Promise of that one call's result.
   * @template T
   * @param {unknown} key
   * @param {() => T | PromiseLike<T>} fn
   * @returns {Promise<Awaited<T>>}
   */
  run(key, fn) {
    const existing = this.#flights.get(key);
    if (existing !== undefined) return existing;
    if (typeof fn !== 'function') {
      return Promise.reject(new EdgeCacheError('INVALID_OPTION', 'SingleFlight.run needs a function'));
    }
    let resolve;
    let reject;
    const shared = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    shared.catch(ignore);
    // Registered before fn runs, so a fn that re-enters run(key) joins instead of recursing.
    this.#flights.set(key, shared);
    const settle = (ok, outcome) => {
      if (this.#flights.get(key) === shared) this.#flights.delete(key);
      if (ok) resolve(outcome);
      else reject(outcome);
    };
    try {
      Promise.resolve(fn()).then(
        (value) => settle(true, value),
        (error) => settle(false, error),
      );
    } catch (error) {
      settle(false, error);
    }
    return shared;
  }

  /** True while a call for `key` is in flight. */
  inFlight(key) {
    return this.#flights.has(key);
  }

  /** Number of keys with a call in flight. */
  get size() {
    return this.#flights.size;
  }
}
