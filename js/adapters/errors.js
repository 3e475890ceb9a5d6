// Errors thrown by the adapters. The wasm core reads `kind` ('transient' is
// retried, 'permanent' is not, 'timeout' carries `afterMs`, 'unsupported')
// and keeps the thrown object as the `cause` of the error it reports.
// Messages never contain credentials: adapters build them from status codes
// and service error texts only.

export class BackendError extends Error {
  /**
   * @param {'transient' | 'permanent' | 'timeout' | 'unsupported'} kind
   * @param {string} message
   * @param {{ cause?: unknown, afterMs?: number, status?: number }} [options]
   */
  constructor(kind, message, options = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.kind = kind;
    if (options.afterMs !== undefined) this.afterMs = options.afterMs;
    if (options.status !== undefined) this.status = options.status;
  }
}

Object.defineProperty(BackendError.prototype, 'name', {
  value: 'BackendError', writable: true, configurable: true, enumerable: false,
});

/** HTTP 429, 5xx and "no status" (a network failure) are worth retrying; other 4xx are not. */
export function kindOfStatus(status) {
  if (status === undefined || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

/** Rethrows `err` as a BackendError: already classified ones pass through, others get `kind`. */
export function classify(err, kind, what) {
  if (err instanceof BackendError) return err;
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new BackendError(kind, `${what}: ${detail}`, { cause: err });
}

/**
 * Runs one call to a host store API, turning what it throws into a
 * BackendError: a TypeError or RangeError (a bad argument) is permanent,
 * anything else transient; the message is `${service} ${what}: ...`.
 */
export function storeCall(service) {
  return async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackendError) throw err;
      const kind = err instanceof TypeError || err instanceof RangeError ? 'permanent' : 'transient';
      const message = err instanceof Error ? err.message : String(err);
      throw new BackendError(kind, `${service} ${what}: ${message}`, { cause: err });
    }
  };
}
