// Helpers of js/decorators.js: option checks, argument keys, and the one
// dispatch that lets every helper work both as a wrapper, `cached(fn, options)`,
// and as a TC39 method decorator, `@cached(options)` (TypeScript 5, Deno):
// a decorator is called as (method, context) with context.kind === 'method'.

import { encodeCanonical } from './codec.js';
import { toEdgeCacheError, typeName } from './cache-support.js';
import { EdgeCacheError } from './errors.js';
import { didYouMean } from './did-you-mean.js';

export function invalid(message) {
  return new EdgeCacheError('INVALID_OPTION', message);
}

/** True for the second argument a TC39 decorator receives. */
export function isDecoratorContext(value) {
  return value !== null && typeof value === 'object' && typeof value.kind === 'string' && 'name' in value;
}

/** Refuses option names outside `allowed` (a typo must not silently disable caching). */
export function checkOptionNames(what, options, allowed) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`${what} options must be an object, got ${typeName(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.has(name)) {
      const hint = didYouMean(name, allowed) || ` (expected ${[...allowed].join(', ')})`;
      throw invalid(`unknown ${what} option \`${name}\`${hint}`);
    }
  }
  return options;
}

/**
 * Applies `wrap(fn, nameOf)` as a decorator or a wrapper. `nameOf(self)` names the
 * function for keys: a wrapped function's own name; a decorated method's
 * `Class.method`, read from `this` at call time (decorators do not see the class).
 */
export function decorateOrWrap(what, target, context, wrap) {
  if (typeof target !== 'function') {
    throw invalid(`${what} needs a function to wrap, got ${typeName(target)}`);
  }
  if (context === undefined) return wrap(target, () => target.name);
  if (!isDecoratorContext(context) || context.kind !== 'method') {
    throw invalid(`@${what} decorates class methods only, not a ${context?.kind ?? typeName(context)}`);
  }
  const method = typeof context.name === 'symbol' ? (context.name.description ?? '') : String(context.name);
  return wrap(target, (self) => {
    const owner = context.static ? self?.name : self?.constructor?.name;
    return owner ? `${owner}.${method}` : method;
  });
}

/**
 * The arguments that make up a key: all of them, without the `skipArgs`
 * indexes, or what `args(...a)` selects.
 */
export function argumentSelector(options) {
  const { skipArgs, args } = options;
  if (skipArgs !== undefined && args !== undefined) throw invalid('give `skipArgs` or `args`, not both');
  if (args !== undefined) {
    if (typeof args !== 'function') throw invalid('`args` must be a function (...args) => selected');
    return args;
  }
  if (skipArgs !== undefined) {
    if (!Array.isArray(skipArgs) || !skipArgs.every((i) => Number.isSafeInteger(i) && i >= 0)) {
      throw invalid('`skipArgs` must be an array of argument indexes (integers >= 0)');
    }
    const skipped = new Set(skipArgs);
    return (...a) => a.filter((_, i) => !skipped.has(i));
  }
  return (...a) => a;
}

/** `argsKey(name, encodeCanonical(selected))`, with errors as EdgeCacheError. */
export function keyOfArgs(rawArgsKey, name, selected) {
  if (typeof name !== 'string' || name === '') {
    throw invalid('cannot build a key for an anonymous function: give the `name` or `key` option');
  }
  let bytes;
  try {
    bytes = encodeCanonical(selected);
  } catch (err) {
    throw toEdgeCacheError(err);
  }
  return rawArgsKey(name, bytes);
}

/** The key a `key(...args)` option returned, checked. */
export function checkedKey(key) {
  if (typeof key !== 'string') {
    throw new EdgeCacheError('INVALID_KEY', `the key function must return a string, got ${typeName(key)}`);
  }
  return key;
}
