// The write options only a cache with a backend understands:
// `{ writeBehind: true, waitUntil }` makes set() resolve once the memory tier
// has the entry and hands the backend write to `waitUntil` (this call's, else
// the one given to createCache; `ctx` or a function: js/wait-until.js).
// On a memory-only cache they are accepted and change nothing.

import { EdgeCacheError } from './errors.js';
import { checkWaitUntil } from './wait-until.js';

/** Splits `options` into the common write options and the write-behind request (or undefined). */
export function splitWriteBehind(options) {
  if (options === null || typeof options !== 'object' || !('writeBehind' in options || 'waitUntil' in options)) {
    return { options, behind: undefined };
  }
  const { writeBehind, waitUntil, ...rest } = options;
  if (writeBehind !== undefined && typeof writeBehind !== 'boolean') {
    throw new EdgeCacheError('INVALID_OPTION', 'writeBehind must be a boolean');
  }
  checkWaitUntil(waitUntil);
  return { options: rest, behind: writeBehind ? { waitUntil } : undefined };
}
