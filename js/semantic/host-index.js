// A host vector index (Cloudflare Vectorize, or any object with the same
// query / upsert / deleteByIds shape) behind the contract of core-index.js,
// for caches too large for one isolate. Rows are keyed by the entry key and
// carry { model } as metadata (Vectorize: create a metadata index on `model`
// so the filter applies before topK). Everything the host answers is checked;
// a match whose entry is gone from the cache is skipped by the caller and
// deleted here (entries may leave without the host hearing at once).

import { EdgeCacheError } from '../errors.js';

function backendError(message, cause) {
  return new EdgeCacheError('BACKEND_ERROR', message, cause === undefined ? undefined : { cause });
}

export class HostIndex {
  constructor(index) {
    const remove = index?.deleteByIds ?? index?.delete;
    if (typeof index?.query !== 'function' || typeof index?.upsert !== 'function' || typeof remove !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'invalid option `index`: an object with query, upsert and deleteByIds (or delete), as a Vectorize binding');
    }
    this.host = index;
    this.remove = remove;
  }

  async search(model, vector, k, threshold) {
    let answer;
    try {
      answer = await this.host.query(vector, { topK: k, returnMetadata: 'all', filter: { model } });
    } catch (err) {
      throw backendError('the vector index failed a query', err);
    }
    const matches = answer?.matches;
    if (!Array.isArray(matches)) throw backendError('the vector index answered a query without `matches`');
    const hits = [];
    for (const m of matches.slice(0, k)) {
      const ok = typeof m?.id === 'string' && typeof m.score === 'number' && Number.isFinite(m.score);
      if (!ok) throw backendError('the vector index answered a match without a string id and a finite score');
      // The filter is a request; the metadata is the proof (a host without filters still works).
      if (m.metadata?.model !== model || m.score < threshold) continue;
      hits.push({ key: m.id, score: m.score });
    }
    return hits.sort((a, b) => b.score - a.score);
  }

  async store(key, model, vector) {
    try {
      await this.host.upsert([{ id: key, values: Array.from(vector), metadata: { model } }]);
    } catch (err) {
      throw backendError('the vector index failed an upsert', err);
    }
    return true;
  }

  async forget(key) {
    try {
      await this.remove.call(this.host, [key]);
    } catch (err) {
      throw backendError('the vector index failed a delete', err);
    }
  }

  /** The host knows its own size. */
  size() {
    return { vectors: undefined, vectorBytes: undefined };
  }
}
