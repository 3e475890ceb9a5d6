// Keeping a credential out of everything the cache reports. Adapters build
// their messages from status codes and service texts, but a host's own
// errors (fetch refusing a header value) and a server echoing the request's
// Authorization header can still carry the secret: every error an adapter
// throws passes through here first, and the secret is replaced by value in
// its message and in the messages of its causes.

import { BackendError } from './errors.js';

const MARK = '[redacted]';
const MAX_CAUSES = 8; // causes are followed this deep (a cycle ends here too)

/** A function (err) => err with every occurrence of `secret` removed; identity for no secret. */
export function redactor(secret) {
  if (typeof secret !== 'string' || secret === '') return (err) => err;
  const forms = [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
  const clean = (text) => forms.reduce((out, form) => out.split(form).join(MARK), text);
  const leaks = (value) => {
    try {
      const text = value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : String(value);
      return forms.some((form) => text.includes(form));
    } catch {
      return false;
    }
  };
  const scrub = (err, depth) => {
    if (err === undefined || err === null || depth > MAX_CAUSES) return err;
    const cause = err instanceof Error && 'cause' in err ? scrub(err.cause, depth + 1) : undefined;
    if (err instanceof BackendError) {
      const options = { status: err.status, afterMs: err.afterMs };
      if ('cause' in err) options.cause = cause;
      return new BackendError(err.kind, clean(err.message), options);
    }
    if (!leaks(err) && (!(err instanceof Error) || !('cause' in err) || cause === err.cause)) return err;
    // A foreign error that mentions the secret: a copy holding only cleaned text.
    const copy = new Error(clean(err instanceof Error ? err.message : String(err)), cause === undefined ? undefined : { cause });
    copy.name = err instanceof Error ? err.name : 'Error';
    return copy;
  };
  return (err) => scrub(err, 0);
}
