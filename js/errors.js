// The one error class of the JS layer. Every error edgecache throws or rejects
// with is an EdgeCacheError whose `code` is a stable, machine-readable string:
// callers branch on `err.code`, never on the message. The codes mirror
// `CacheError::code()` in src/error.rs; the JS codec adds UNSUPPORTED_VALUE,
// getOrSet adds LOADER_TIMEOUT and LOADER_REENTRY.
// An exception thrown by a host (a backend, user code) travels as `cause`.

/** Stable error codes. Never rename one: they are part of the public contract. */
export const ErrorCode = Object.freeze({
  INVALID_KEY: 'INVALID_KEY',
  VALUE_TOO_LARGE: 'VALUE_TOO_LARGE',
  INVALID_TTL: 'INVALID_TTL',
  INVALID_OPTION: 'INVALID_OPTION',
  NOT_AN_INTEGER: 'NOT_AN_INTEGER',
  OVERFLOW: 'OVERFLOW',
  INVALID_PATTERN: 'INVALID_PATTERN',
  CORRUPT_DATA: 'CORRUPT_DATA',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  DECOMPRESSION_LIMIT: 'DECOMPRESSION_LIMIT',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  CLOSED: 'CLOSED',
  BACKEND_ERROR: 'BACKEND_ERROR',
  BACKEND_TIMEOUT: 'BACKEND_TIMEOUT',
  UNSUPPORTED: 'UNSUPPORTED',
  UNSUPPORTED_VALUE: 'UNSUPPORTED_VALUE',
  /** A getOrSet loader did not settle within its `loaderTimeout`: the load was abandoned. */
  LOADER_TIMEOUT: 'LOADER_TIMEOUT',
  /** A getOrSet loader called getOrSet on its own key (it would wait for itself forever). */
  LOADER_REENTRY: 'LOADER_REENTRY',
});

export class EdgeCacheError extends Error {
  /**
   * @param {string} code one of ErrorCode
   * @param {string} message human-readable detail (never contains credentials)
   * @param {{ cause?: unknown }} [options] the underlying host error, if any
   */
  constructor(code, message, options) {
    super(message, options);
    // Hosts without ES2022 error causes would drop the option; set it ourselves.
    if (options !== undefined && options !== null && 'cause' in options && !('cause' in this)) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    /** @type {string} */
    this.code = String(code);
  }
}

// On the prototype (not an own field) so it stays out of enumeration, like Error's own name.
Object.defineProperty(EdgeCacheError.prototype, 'name', {
  value: 'EdgeCacheError',
  writable: true,
  configurable: true,
  enumerable: false,
});

/**
 * True when `err` is an EdgeCacheError (optionally with the given code). Uses the
 * `name`/`code` shape as well as `instanceof`, so errors from another copy of the
 * package (two bundles in one Worker) are recognised too.
 */
export function isEdgeCacheError(err, code) {
  if (err === null || typeof err !== 'object') return false;
  const shaped = err instanceof EdgeCacheError || (err.name === 'EdgeCacheError' && typeof err.code === 'string');
  return shaped && (code === undefined || err.code === code);
}
