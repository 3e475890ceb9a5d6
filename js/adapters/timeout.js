// A per-operation deadline around any adapter: each call races a timer that
// is always cleared, and a call that loses rejects with kind 'timeout' (the
// core counts it and feeds the circuit breaker, but does not retry it: the
// time is already spent). The late answer of a timed-out call is ignored.

import { BackendError } from './errors.js';

const METHODS = ['get', 'set', 'delete', 'getMany', 'setMany', 'deleteMany', 'listKeys', 'setIfAbsent'];

/**
 * @param {object} adapter a backend adapter
 * @param {number} ms deadline per call (0 or undefined: no deadline, the adapter is returned)
 */
export function withTimeout(adapter, ms) {
  if (ms === undefined || ms === 0) return adapter;
  if (!(Number.isFinite(ms) && ms > 0)) throw new TypeError('timeoutMs must be a positive number of milliseconds');
  const wrapped = { caps: adapter.caps, name: adapter.name };
  for (const method of METHODS) {
    if (typeof adapter[method] !== 'function') continue;
    wrapped[method] = (...args) => race(() => adapter[method](...args), ms, method);
  }
  return wrapped;
}

function race(call, ms, method) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BackendError('timeout', `${method}: no answer within ${ms} ms`, { afterMs: ms })), ms);
  });
  let work;
  try {
    work = Promise.resolve(call());
  } catch (err) {
    work = Promise.reject(err);
  }
  // The loser must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
