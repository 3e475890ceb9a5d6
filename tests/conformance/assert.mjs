// A tiny assert helper that runs unchanged in Node, Deno and workerd (no node:assert).

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function show(v) {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'string') return JSON.stringify(v);
    if (Object.is(v, -0)) return '-0';
    if (typeof v === 'symbol' || typeof v === 'function') return String(v);
    if (v instanceof Map) return `Map(${show([...v])})`;
    if (v instanceof Set) return `Set(${show([...v])})`;
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength} bytes)`;
    if (v instanceof Date || v instanceof RegExp) return `${v.constructor.name}(${String(v)})`;
    if (v !== null && typeof v === 'object') {
      return `{${Object.keys(v).map((k) => `${k}: ${show(v[k])}`).join(', ')}}`;
    }
    return String(v);
  } catch {
    return typeof v;
  }
}

function fail(message, label) {
  throw new AssertionError(label ? `${label}: ${message}` : message);
}

const tagOf = (v) => Object.prototype.toString.call(v);

function bytesOf(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

// Structural equality; returns a path to the first difference, or null.
function diff(a, b, path, seen) {
  if (Object.is(a, b)) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return `${path}: ${show(a)} !== ${show(b)}`;
  }
  if (seen.has(a)) return null;
  seen.add(a);
  if (tagOf(a) !== tagOf(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return `${path}: ${tagOf(a)} vs ${tagOf(b)} (or different prototypes)`;
  }
  if (a instanceof Date) {
    return Object.is(a.getTime(), b.getTime()) ? null : `${path}: ${show(a)} !== ${show(b)}`;
  }
  if (a instanceof RegExp) {
    return a.source === b.source && a.flags === b.flags ? null : `${path}: ${a} !== ${b}`;
  }
  if (a instanceof ArrayBuffer || ArrayBuffer.isView(a)) {
    const x = a instanceof ArrayBuffer ? new Uint8Array(a) : bytesOf(a);
    const y = b instanceof ArrayBuffer ? new Uint8Array(b) : bytesOf(b);
    if (x.length !== y.length) return `${path}: ${x.length} bytes vs ${y.length} bytes`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${path}: byte ${i} differs`;
    return null;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return `${path}: Map size ${a.size} vs ${b.size}`;
    const ea = [...a];
    const eb = [...b];
    for (let i = 0; i < ea.length; i++) {
      const d = diff(ea[i][0], eb[i][0], `${path}<key ${i}>`, seen) ?? diff(ea[i][1], eb[i][1], `${path}<value ${i}>`, seen);
      if (d) return d;
    }
    return null;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return `${path}: Set size ${a.size} vs ${b.size}`;
    const ea = [...a];
    const eb = [...b];
    for (let i = 0; i < ea.length; i++) {
      const d = diff(ea[i], eb[i], `${path}<${i}>`, seen);
      if (d) return d;
    }
    return null;
  }
  if (Array.isArray(a) && a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) {
    return `${path}: keys [${ka}] vs [${kb}]`;
  }
  for (const k of ka) {
    const d = diff(a[k], b[k], `${path}.${k}`, seen);
    if (d) return d;
  }
  return null;
}

export const t = {
  ok(value, label) {
    if (!value) fail(`expected a truthy value, got ${show(value)}`, label);
  },
  equal(actual, expected, label) {
    if (!Object.is(actual, expected)) fail(`${show(actual)} is not ${show(expected)}`, label);
  },
  deepEqual(actual, expected, label) {
    const d = diff(actual, expected, '$', new Set());
    if (d) fail(d, label);
  },
  /** Awaits `promiseOrFn` and checks it rejects with an EdgeCacheError of `code`. */
  async rejects(promiseOrFn, code, label) {
    let promise;
    try {
      promise = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
    } catch (err) {
      fail(`threw synchronously instead of rejecting: ${show(err?.message ?? err)}`, label);
    }
    if (!promise || typeof promise.then !== 'function') fail('did not return a Promise', label);
    try {
      await promise;
    } catch (err) {
      if (err?.name !== 'EdgeCacheError') fail(`rejected with ${err?.name}: ${err?.message}`, label);
      if (code !== undefined && err.code !== code) fail(`code ${err.code} (${err.message}), expected ${code}`, label);
      return err;
    }
    fail(`resolved, expected a rejection with ${code}`, label);
  },
  /** Checks a synchronous call throws an EdgeCacheError of `code`. */
  throws(fn, code, label) {
    try {
      fn();
    } catch (err) {
      if (err?.name !== 'EdgeCacheError') fail(`threw ${err?.name}: ${err?.message}`, label);
      if (code !== undefined && err.code !== code) fail(`code ${err.code} (${err.message}), expected ${code}`, label);
      return err;
    }
    fail(`did not throw, expected ${code}`, label);
  },
};
