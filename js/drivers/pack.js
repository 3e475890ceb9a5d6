// One buffer for the values of a batch write: one copy into wasm instead of
// one per value (see benches/js/boundary.bench.mjs).

import { encodeStored } from '../cache-support.js';
import { checkValueSize } from '../input-limits.js';

/**
 * [key, value] pairs -> { keys, data, lengths } as the cores' setMany takes
 * them; each value is refused past `limits.maxValueBytes` before it is encoded.
 */
export function packValues(pairs, limits) {
  const keys = new Array(pairs.length);
  const values = new Array(pairs.length);
  const lengths = new Uint32Array(pairs.length);
  let total = 0;
  for (let i = 0; i < pairs.length; i++) {
    keys[i] = pairs[i][0];
    checkValueSize(pairs[i][1], limits);
    values[i] = encodeStored(pairs[i][1], limits.maxValueBytes);
    lengths[i] = values[i].length;
    total += values[i].length;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const v of values) {
    data.set(v, at);
    at += v.length;
  }
  return { keys, data, lengths };
}
