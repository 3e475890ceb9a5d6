import { EdgeCacheError } from './errors.js';

// Encoder failures and the `$.user.tags[2]` paths in their messages.
// Failures carry no path while thrown; each container frame adds its segment as the
// failure unwinds (try/catch costs nothing until something throws).
export const SEG_INDEX = 0;
export const SEG_KEY = 1;
export const SEG_MAP_KEY = 2;
export const SEG_MAP_VALUE = 3;
export const SEG_SET = 4;

export class EncodeFailure {
  constructor(message, value, tooDeep = false, cause = undefined) {
    this.message = message;
    this.value = value;
    this.tooDeep = tooDeep;
    this.cause = cause; // what a getter, Proxy trap or detached buffer threw
    this.segments = []; // leaf first
    this.containers = []; // leaf first
  }

  toError() {
    const segs = this.segments.slice().reverse();
    if (this.tooDeep) {
      // Depth overflow is usually a cycle: find the first container that repeats an ancestor.
      const chain = this.containers.slice().reverse();
      chain.push(this.value);
      const seen = new Map();
      for (let k = 0; k < chain.length; k++) {
        const first = seen.get(chain[k]);
        if (first !== undefined) {
          return unsupported(`cycle at ${formatPath(segs.slice(0, k))} refers to ${formatPath(segs.slice(0, first))}`);
        }
        seen.set(chain[k], k);
      }
    }
    return unsupported(`${this.message} at ${formatPath(segs)}`, this.cause);
  }
}

/**
 * Adds a container's path segment to a failure unwinding through it. Anything
 * else thrown while reading the value (a getter, a Proxy trap, a detached
 * buffer) becomes a failure here, so it is UNSUPPORTED_VALUE with its path;
 * an EdgeCacheError (VALUE_TOO_LARGE) passes unchanged. No container: the top.
 */
export function annotate(err, container, kind, key, mapKey) {
  if (err instanceof EdgeCacheError) return err;
  if (!(err instanceof EncodeFailure)) {
    err = new EncodeFailure(`reading the value threw ${describe(err)}`, container, false, err);
  }
  if (container !== undefined) {
    err.segments.push({ kind, key, mapKey });
    err.containers.push(container);
  }
  return err;
}

function describe(err) {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    return 'an exception';
  }
}

function unsupported(message, cause) {
  return new EdgeCacheError('UNSUPPORTED_VALUE', message, cause === undefined ? undefined : { cause });
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(segs) {
  const parts = segs.map(formatSegment);
  if (parts.length > 24) {
    return `$${parts.slice(0, 10).join('')}…(${parts.length - 20} more)…${parts.slice(-10).join('')}`;
  }
  return '$' + parts.join('');
}

function formatSegment({ kind, key, mapKey }) {
  switch (kind) {
    case SEG_INDEX:
      return `[${key}]`;
    case SEG_KEY:
      return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    case SEG_MAP_KEY:
      return `.keys()[${key}]`;
    case SEG_MAP_VALUE:
      return isShowable(mapKey) ? `.get(${showKey(mapKey)})` : `.values()[${key}]`;
    default:
      return `.values()[${key}]`;
  }
}

function isShowable(k) {
  const t = typeof k;
  return k === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' || t === 'bigint';
}

function showKey(k) {
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'bigint') return `${k}n`;
  if (Object.is(k, -0)) return '-0';
  return String(k);
}
