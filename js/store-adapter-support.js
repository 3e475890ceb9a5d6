// What the Keyv store (keyv.js) and the unstorage driver (unstorage.js) share:
// batches cut to the core's limit, and writes that never leave an older value
// behind when edgecache refuses the new one.

/** The most items one getMany / setMany / deleteMany takes (the core's MAX_BATCH). */
export const BATCH_LIMIT = 10_000;

/** `items` in slices of at most BATCH_LIMIT. */
export function* batches(items) {
  for (let start = 0; start < items.length; start += BATCH_LIMIT) {
    yield items.slice(start, start + BATCH_LIMIT);
  }
}

/**
 * Stores `value` under `key` in `view`. When edgecache refuses it (too large,
 * unsupported, closed), the key's older value is dropped before the error is
 * rethrown, so a reader never gets the value the caller meant to replace.
 */
export async function setOrDrop(view, key, value, options) {
  try {
    await view.set(key, value, options);
  } catch (err) {
    try {
      await view.delete(key);
    } catch {
      // The refusal is the error to report; a failed cleanup (a closed cache) adds nothing.
    }
    throw err;
  }
}
