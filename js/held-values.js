// Which values the memory driver keeps in JS by slot (convention 12), and the
// weight in bytes it declares for each to the core's byte bound.
//
// The rule:
// - strings, numbers that are not counters, booleans, BigInts, null and
//   undefined are immutable: JS keeps them as they are, nothing is copied;
// - a safe integer, or a BigInt in the signed 64-bit range, is a counter: the
//   core keeps it as decimal text, so incr/decr work on it where the core
//   decides (js/cache-support.js);
// - an object is copied (a mutation of what get returned never reaches the
//   cache): a JSON-safe one is kept as its JSON text and parsed per get,
//   anything JSON cannot carry (Map, Date, typed arrays, -0, undefined
//   members, cycles, ...) goes to the core through the lossless codec;
// - with `clone: false` an object is kept by reference (no copy either way:
//   whoever mutates it mutates the cached value), weighed by the user's
//   `sizeOf(value)` or by estimateSize.
//
// Weights (charged on top of the key and the core's per-entry overhead):
// a string 2 bytes per UTF-16 unit + 16 (a V8 string header, two-byte
// strings: a bound for one-byte ones), a non-counter number 16, a BigInt 16 +
// 8 per 64 bits, true/false/null/undefined 0 (shared constants), JSON text as
// a string + 16 for its box.

import { tooLarge } from './input-limits.js';
import { MAX_DEPTH } from './value-format.js';

export const STRING_BASE = 16;
export const NUMBER_CHARGE = 16;
export const BOX_CHARGE = 16;

/** JSON text kept for an object: each get parses a fresh copy. */
export class JsonCopy {
  constructor(text) {
    this.text = text;
  }
}

/** An object kept by reference (`clone: false`). */
export class Reference {
  constructor(value) {
    this.value = value;
  }
}

/** What a held slot answers: primitives as they are, boxes unwrapped. */
export function unhold(held) {
  if (typeof held !== 'object' || held === null) return held;
  return held instanceof JsonCopy ? JSON.parse(held.text) : held.value;
}

/**
 * The weight of a primitive JS keeps, or -1 when the core keeps its bytes
 * (counters, objects, and what the codec refuses: symbols, functions).
 */
export function primitiveCharge(value) {
  switch (typeof value) {
    case 'string':
      return STRING_BASE + 2 * value.length;
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? -1 : NUMBER_CHARGE;
    case 'boolean':
    case 'undefined':
      return 0;
    case 'bigint':
      // One in the signed 64-bit range is a counter the core keeps ("123n").
      if (BigInt.asIntN(64, value) === value) return -1;
      return NUMBER_CHARGE + 8 * Math.ceil((value < 0n ? -value : value).toString(16).length / 16);
    case 'object':
      return value === null ? 0 : -1;
    default:
      return -1;
  }
}

/**
 * The JSON text of `value` if JSON.parse of it gives an equal value back, else
 * undefined (also when a getter or proxy throws: the codec then reports it).
 * The check stops as soon as the text would pass `maxBytes`, refusing the value
 * (VALUE_TOO_LARGE) after work bounded by that size, not by the value's.
 */
export function jsonCopyText(value, maxBytes = Infinity) {
  const budget = { left: maxBytes };
  let safe;
  try {
    safe = jsonSafe(value, 0, budget);
  } catch {
    return undefined;
  }
  if (budget.left < 0) throw tooLarge(maxBytes - budget.left, maxBytes);
  if (!safe) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

// Whether JSON round-trips `v` exactly: plain objects and dense plain arrays
// of finite numbers (not -0), strings, booleans and null, no deeper than the
// codec allows (which also stops cycles). Spends a lower bound of each node's
// JSON length from `budget.left` and gives up once it is negative.
function jsonSafe(v, depth, budget) {
  switch (typeof v) {
    case 'string':
      return (budget.left -= v.length + 2) >= 0;
    case 'boolean':
      return (budget.left -= 4) >= 0;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0) && (budget.left -= 1) >= 0;
    case 'object': {
      if (v === null) return (budget.left -= 4) >= 0;
      if (depth >= MAX_DEPTH) return false;
      if ((budget.left -= 2) < 0) return false;
      const proto = Object.getPrototypeOf(v);
      if (proto === Array.prototype) {
        if (!Array.isArray(v) || Object.keys(v).length !== v.length) return false;
        for (let i = 0; i < v.length; i++) {
          budget.left -= 1; // the comma
          if (!jsonSafe(v[i], depth + 1, budget)) return false;
        }
        return true;
      }
      if (proto !== Object.prototype || Object.getOwnPropertySymbols(v).length !== 0) return false;
      for (const k of Object.keys(v)) {
        budget.left -= k.length + 4; // "k": and the comma
        if (!jsonSafe(v[k], depth + 1, budget)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const ESTIMATE_NODES = 10_000;

/**
 * A rough size in bytes of an object kept by reference, from a bounded walk
 * (what lies past 10,000 nodes is charged at the average so far).
 */
export function estimateSize(value) {
  const seen = new Set();
  const stack = [value];
  let bytes = 0;
  let nodes = 0;
  while (stack.length > 0 && nodes < ESTIMATE_NODES) {
    const v = stack.pop();
    nodes++;
    const primitive = primitiveCharge(v);
    if (primitive >= 0 || typeof v !== 'object') {
      bytes += Math.max(primitive, 8);
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      bytes += 64 + v.byteLength;
      continue;
    }
    bytes += 32;
    const items = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v);
    bytes += 16 * items.length;
    for (const item of items) stack.push(item);
  }
  if (stack.length > 0) bytes += Math.ceil((bytes / nodes) * stack.length);
  return bytes;
}
