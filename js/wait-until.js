// `waitUntil`, wherever an option accepts it (createCache, set's write-behind,
// getOrSet and the decorators): a Worker's execution context `ctx`, or a
// function given each background Promise. Both become one function that
//   - calls ctx.waitUntil with `this` bound to ctx (an unbound ctx.waitUntil
//     throws "Illegal invocation" in workerd), and
//   - never throws into the cache: a host that refuses the Promise (an unbound
//     method, a call after the response ended) is reported, not swallowed:
//     `report(err)` sends a 'wait-until-error' event to the cache's onEvent
//     listeners (js/cache.js), and warns on the console once per cache when
//     nobody listens. The background work itself still runs to its end.

import { EdgeCacheError } from './errors.js';

const HINT = 'pass the execution context (`waitUntil: ctx`) or `(p) => ctx.waitUntil(p)`';

/**
 * undefined when `value` is undefined or null; else a function (promise) => void
 * that never throws. Throws INVALID_OPTION for anything else.
 * @param {unknown} value what the user passed
 * @param {(err: EdgeCacheError) => void} report where a refusing host is reported
 */
export function toWaitUntil(value, report) {
  if (value === undefined || value === null) return undefined;
  let hand;
  if (typeof value === 'function') {
    hand = (promise) => value(promise);
  } else if (typeof value === 'object' && typeof value.waitUntil === 'function') {
    hand = (promise) => value.waitUntil(promise);
  } else {
    throw new EdgeCacheError('INVALID_OPTION', `invalid option \`waitUntil\`: ${HINT}`);
  }
  return (promise) => {
    try {
      hand(promise);
    } catch (cause) {
      report(new EdgeCacheError('INVALID_OPTION',
        `waitUntil refused a background promise (${describe(cause)}); ${HINT}; the work still ran, `
        + 'but the host may end it early', { cause }));
    }
  };
}

/** Checks `value` the way toWaitUntil does, without building anything. */
export function checkWaitUntil(value) {
  toWaitUntil(value, () => {});
}

function describe(err) {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    return typeof err;
  }
}
