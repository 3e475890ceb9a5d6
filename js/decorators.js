// Decorators and wrappers over getOrSet: cached, memoize, cacheAside, invalidates.
// Each works as a wrapper, `cached(fn, options)`, and as a TC39 method decorator,
// `@cached(options)`. Keys come from the core's stable argument hashing:
// argsKey(name, encodeCanonical(selectedArgs)), so BigInt, Date, Map, Set and
// typed-array arguments work, and equal arguments give equal keys in every host.
// `this` is never part of a key: use the `key` or `args` option to include it.

import { checkKeys, checkPattern, checkTags, typeName } from './cache-support.js';
import {
  argumentSelector, checkedKey, checkOptionNames, decorateOrWrap, invalid, isDecoratorContext, keyOfArgs,
} from './decorator-support.js';

// Options passed on to getOrSet unchanged (`tags` may also be a function of the arguments).
const GET_OR_SET = ['ttl', 'idle', 'staleWhileRevalidate', 'staleIfError', 'waitUntil', 'cacheErrors', 'shouldCache',
  'loaderTimeout'];
const CACHED = new Set([...GET_OR_SET, 'tags', 'cache', 'name', 'key', 'skipArgs', 'args']);
const MEMOIZE = new Set([...CACHED, 'max'].filter((n) => n !== 'cache'));
const CACHE_ASIDE = new Set([...GET_OR_SET, 'tags', 'cache']);
const INVALIDATES = new Set(['cache']);

/**
 * @param {{ createCache: Function, argsKey: (name: string, bytes: Uint8Array) => string }} deps
 */
export function makeDecorators({ createCache, argsKey: rawArgsKey }) {
  let fallbackCache;

  /** The cache decorators use when no `cache` option is given (created on first use). */
  function defaultCache() {
    fallbackCache ??= createCache();
    return fallbackCache;
  }

  /** Replaces the default cache (e.g. one with a namespace, or a fresh one in tests). */
  function setDefaultCache(cache) {
    checkCache(cache);
    fallbackCache = cache;
  }

  function checkCache(cache) {
    if (cache === null || typeof cache !== 'object' || typeof cache.getOrSet !== 'function') {
      throw invalid(`\`cache\` must be a cache from createCache(), got ${typeName(cache)}`);
    }
    return cache;
  }

  /** The stable key of calling `name` with `args` (an array). */
  function argsKey(name, args) {
    if (!Array.isArray(args)) throw invalid(`argsKey needs an array of arguments, got ${typeName(args)}`);
    return keyOfArgs(rawArgsKey, name, args);
  }

  // getOrSet options for one call: the static ones, plus tags computed from the arguments.
  function loadOptions(options, self, args) {
    const out = {};
    for (const name of GET_OR_SET) if (options[name] !== undefined) out[name] = options[name];
    if (typeof options.tags === 'function') out.tags = checkTags(options.tags.apply(self, args));
    else if (options.tags !== undefined) out.tags = options.tags;
    return out;
  }

  // The one wrapper behind cached, memoize and cacheAside.
  function readThrough(fn, nameOf, options, keyOf, cacheOf) {
    const wrapped = async function (...args) {
      const key = keyOf(this, nameOf(this), args);
      return cacheOf().getOrSet(key, () => fn.apply(this, args), loadOptions(options, this, args));
    };
    /** The key a call with `args` reads and writes (wrapper form; `this` is the function's). */
    wrapped.keyFor = function (...args) {
      return keyOf(this, nameOf(this), args);
    };
    return wrapped;
  }

  function argsKeyOf(options) {
    const select = argumentSelector(options);
    if (options.key !== undefined) {
      if (typeof options.key !== 'function') throw invalid('`key` must be a function (...args) => string');
      return (self, _name, args) => checkedKey(options.key.apply(self, args));
    }
    return (self, name, args) => {
      const selected = select.apply(self, args);
      return keyOfArgs(rawArgsKey, options.name ?? name, Array.isArray(selected) ? selected : [selected]);
    };
  }

  function cachedWith(options, cacheOf) {
    const keyOf = argsKeyOf(options);
    return (target, context) => {
      // Keys start with the function's name; an inline arrow has none, and no
      // other source is stable across deploys: refused now, not at the first call.
      if (context === undefined && typeof target === 'function' && target.name === ''
        && options.name === undefined && options.key === undefined) {
        throw invalid('cannot build a key for an anonymous function: give the `name` or `key` option '
          + "(cached(async (id) => ..., { name: 'getUser' }))");
      }
      return decorateOrWrap('cached', target, context, (fn, nameOf) => readThrough(fn, nameOf, options, keyOf, cacheOf));
    };
  }

  /**
   * `cached(fn, options)`: an async function caching fn's results by its arguments.
   * `@cached(options)` or `@cached` on a class method does the same for the method.
   */
  function cached(a, b) {
    if (typeof a === 'function' && isDecoratorContext(b)) return cached()(a, b);
    if (typeof a === 'function') return cached(b)(a);
    const options = checkOptionNames('cached', a, CACHED);
    if (options.cache !== undefined) checkCache(options.cache);
    return cachedWith(options, () => options.cache ?? defaultCache());
  }

  /**
   * `memoize(fn, { max, ttl })`: like cached, but in a cache of its own holding at
   * most `max` results (exposed as `.cache`). `@memoize(options)` on methods.
   */
  function memoize(a, b) {
    if (typeof a === 'function' && isDecoratorContext(b)) return memoize()(a, b);
    if (typeof a === 'function') return memoize(b)(a);
    const options = checkOptionNames('memoize', a, MEMOIZE);
    const cacheOptions = {};
    if (options.max !== undefined) cacheOptions.maxEntries = options.max;
    if (options.ttl !== undefined) cacheOptions.defaultTtl = options.ttl;
    return (target, context) => {
      const own = createCache(cacheOptions);
      // A cache of its own: an anonymous function cannot collide with another.
      const decorate = cachedWith({ name: 'memoize', ...options, ttl: undefined }, () => own);
      const wrapped = decorate(target, context);
      wrapped.cache = own;
      return wrapped;
    };
  }

  /**
   * `cacheAside(keyFn, options)(fn)`: read-through caching under the key
   * keyFn(...args) returns (e.g. (id) => `user:${id}`); also a method decorator.
   */
  function cacheAside(keyFn, options) {
    if (typeof keyFn !== 'function') throw invalid(`cacheAside needs a key function, got ${typeName(keyFn)}`);
    const o = checkOptionNames('cacheAside', options, CACHE_ASIDE);
    if (o.cache !== undefined) checkCache(o.cache);
    const keyOf = (self, _name, args) => checkedKey(keyFn.apply(self, args));
    const cacheOf = () => o.cache ?? defaultCache();
    return (target, context) => decorateOrWrap('cacheAside', target, context,
      (fn, nameOf) => readThrough(fn, nameOf, o, keyOf, cacheOf));
  }

  /**
   * `invalidates(spec, { cache })(fn)`: after fn resolves, removes what `spec` names;
   * nothing when fn throws. spec: a glob pattern, an array of patterns,
   * `{ keys, tags, patterns }`, or a function of fn's arguments returning one of those.
   */
  function invalidates(spec, options) {
    const o = checkOptionNames('invalidates', options, INVALIDATES);
    if (o.cache !== undefined) checkCache(o.cache);
    if (typeof spec !== 'function') targetsOf(spec); // a static spec is checked up front
    return (target, context) => decorateOrWrap('invalidates', target, context, (fn) => async function (...args) {
      const result = await fn.apply(this, args);
      const targets = targetsOf(typeof spec === 'function' ? spec.apply(this, args) : spec);
      const cache = o.cache ?? defaultCache();
      for (const key of targets.keys) await cache.delete(key);
      if (targets.tags.length > 0) await cache.invalidateTags(targets.tags);
      for (const pattern of targets.patterns) await cache.deleteMatching(pattern);
      return result;
    });
  }

  return { cached, memoize, cacheAside, invalidates, argsKey, defaultCache, setDefaultCache };
}

/** What an invalidates spec names, as { keys, tags, patterns }. */
function targetsOf(spec) {
  if (typeof spec === 'string') return { keys: [], tags: [], patterns: [checkPattern(spec)] };
  if (Array.isArray(spec)) return { keys: [], tags: [], patterns: spec.map(checkPattern) };
  if (spec !== null && typeof spec === 'object') {
    checkOptionNames('invalidates target', spec, new Set(['keys', 'tags', 'patterns']));
    return {
      keys: spec.keys === undefined ? [] : checkKeys(spec.keys),
      tags: spec.tags === undefined ? [] : checkTags(spec.tags),
      patterns: spec.patterns === undefined ? [] : [].concat(spec.patterns).map(checkPattern),
    };
  }
  throw invalid(`invalidates needs a pattern, patterns, { keys, tags, patterns } or a function returning one, got ${typeName(spec)}`);
}
