// Query normalisation of the semantic cache, the same in every host (the
// specification is this function; V8 runs it in Node, Deno and workerd):
//   1. lower case: String.prototype.toLowerCase (Unicode default case
//      mapping, locale-independent);
//   2. Unicode NFC: String.prototype.normalize('NFC'), after lowering, since
//      lowering can leave a decomposed sequence;
//   3. whitespace: every run of JS `\s` (Unicode White_Space, BOM) becomes one
//      space, then leading and trailing spaces go.
// Nothing else (no punctuation or stop-word stripping): two queries that
// normalise alike share an exact answer; others can only match by similarity.

import { EdgeCacheError } from '../errors.js';

/** The longest query accepted, in UTF-16 units (refused, never cut: a cut would merge queries). */
export const MAX_QUERY_LENGTH = 16384;

/** The normalised form of `query`; throws INVALID_OPTION for a non-string, empty or too long one. */
export function normalizeQuery(query) {
  if (typeof query !== 'string') {
    throw new EdgeCacheError('INVALID_OPTION', 'a query must be a string');
  }
  if (query.length > MAX_QUERY_LENGTH) {
    throw new EdgeCacheError('INVALID_OPTION', `a query is at most ${MAX_QUERY_LENGTH} UTF-16 units, not ${query.length}`);
  }
  const text = query.toLowerCase().normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (text === '') {
    throw new EdgeCacheError('INVALID_OPTION', 'a query must hold more than whitespace');
  }
  return text;
}
