// The last wrapper around a backend adapter before the wasm core calls it:
// whatever the adapter returns or throws becomes a plain answer or a rejected
// Promise, never an exception thrown through wasm. Bytes come back as a fresh
// Uint8Array view read through the built-in getters (a Proxy, a subclass with
// throwing getters or a detached buffer is a permanent backend error), so the
// binding can check their size before it copies anything into wasm memory.

import { BackendError } from './errors.js';

const METHODS = ['get', 'set', 'delete', 'getMany', 'setMany', 'deleteMany', 'listKeys', 'setIfAbsent'];

const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const typedArrayName = getter(TypedArray, Symbol.toStringTag); // undefined for non-views, never throws
const viewBuffer = getter(TypedArray, 'buffer');
const viewOffset = getter(TypedArray, 'byteOffset');
const viewLength = getter(TypedArray, 'byteLength');
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength'); // throws unless an ArrayBuffer

const garbage = (method, what) => new BackendError('permanent', `${method}: the adapter returned ${what}`);

/** undefined, or a fresh Uint8Array over the same bytes; throws a BackendError otherwise. */
function bytesOf(value, method) {
  if (value === undefined || value === null) return undefined;
  try {
    if (typedArrayName.call(value) === 'Uint8Array') {
      return new Uint8Array(viewBuffer.call(value), viewOffset.call(value), viewLength.call(value));
    }
    bufferLength.call(value);
    return new Uint8Array(value);
  } catch {
    // A detached buffer, a Proxy, a SharedArrayBuffer, a string, a number...
    throw garbage(method, 'something other than a Uint8Array, an ArrayBuffer or undefined (or a detached buffer)');
  }
}

function valuesOf(values, count, method) {
  let length;
  try {
    length = Array.isArray(values) ? values.length : -1;
  } catch {
    length = -1;
  }
  if (length !== count) throw garbage(method, `no array of ${count} values`);
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    let value;
    try {
      value = values[i];
    } catch {
      throw garbage(method, 'an array whose elements cannot be read');
    }
    out[i] = bytesOf(value, method);
  }
  return out;
}

function keysOf(keys, method) {
  const out = [];
  try {
    if (!Array.isArray(keys)) throw new TypeError();
    for (let i = 0; i < keys.length; i++) {
      if (typeof keys[i] !== 'string') throw new TypeError();
      out.push(keys[i]);
    }
  } catch {
    throw garbage(method, 'something other than an array of strings');
  }
  return out;
}

const CHECKS = {
  get: (v) => bytesOf(v, 'get'),
  getMany: (v, args) => valuesOf(v, args[0].length, 'getMany'),
  listKeys: (v) => keysOf(v, 'listKeys'),
};

/**
 * @param {object} adapter a backend adapter (see js_backend.rs for the contract)
 * @returns {object} an adapter with the same methods and caps whose answers are safe to read
 */
export function guardAdapter(adapter) {
  const guarded = { caps: adapter.caps, name: adapter.name };
  for (const method of METHODS) {
    const f = adapter[method];
    if (typeof f !== 'function') continue;
    const check = CHECKS[method];
    guarded[method] = async (...args) => {
      const answer = await f.apply(adapter, args);
      return check === undefined ? answer : check(answer, args);
    };
  }
  return guarded;
}
