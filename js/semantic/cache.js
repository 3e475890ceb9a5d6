// The semantic cache: an answer for a query, or for one *like* it.
//   lookup(query): 1. exact — the normalised query's key (model included) in
//   the cache; 2. similar — the nearest cached query of the same model by
//   cosine similarity of embeddings, at or above `threshold`; 3. miss — the
//   caller asks the model, then store()s the answer.
// Answers are ordinary cache entries (TTL, tags, namespaces, eviction, the
// byte bound); their query vectors live in an index (core-index.js by default,
// or a host index through host-index.js) that drops a vector with its entry.

import { EdgeCacheError } from '../errors.js';
import { toEdgeCacheError } from '../cache-support.js';
import { normalizeQuery } from './normalize.js';
import { Embedder } from './embedder.js';
import { SemanticStats } from './stats.js';
import { HostIndex } from './host-index.js';

/** How many nearest rows a lookup asks the index for (entries found gone are skipped). */
export const DEFAULT_TOP_K = 4;

function checkModel(model) {
  if (typeof model !== 'string' || model.length > 256) {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `model`: a string of at most 256 UTF-16 units');
  }
  return model;
}

export class SemanticCache {
  #view;
  #index;
  #embedder;
  #stats;
  #key;

  /**
   * Use semanticCache(). `view`: the Cache view of the semantic namespace;
   * `index`: a CoreIndex or HostIndex; `key(model, text)`: the entry key.
   */
  constructor({ view, index, embedder, stats, key, threshold, ttl, model, topK }) {
    this.#view = view;
    this.#index = index;
    this.#embedder = embedder;
    this.#stats = stats;
    this.#key = key;
    this.threshold = threshold;
    this.ttl = ttl;
    this.model = model;
    this.topK = topK;
  }

  /**
   * The cached answer for `query` (or a query like it) from `model`:
   * { tier: 'exact' | 'similar', response, score, query } (query: the
   * normalised query that was stored) or { tier: 'miss' }.
   */
  async lookup(query, { model = this.model } = {}) {
    return this.#guard(async () => {
      const text = normalizeQuery(query);
      const key = this.#key(checkModel(model), text);
      const exact = await this.#view.get(key);
      if (exact !== undefined) {
        this.#stats.exactHits += 1;
        return { tier: 'exact', response: exact.r, score: 1, query: exact.q };
      }
      const vector = await this.#embedder.vector(text);
      const hits = await this.#index.search(model, vector, this.topK, this.threshold);
      for (const { key: found, score } of hits) {
        const entry = await this.#view.get(found);
        if (entry !== undefined) {
          this.#stats.similar(score);
          return { tier: 'similar', response: entry.r, score, query: entry.q };
        }
        await this.#forget(found);
      }
      this.#stats.misses += 1;
      return { tier: 'miss' };
    });
  }

  /** Caches `response` as the answer of `model` to `query`; options: model, ttl, tags. */
  async store(query, response, { model = this.model, ttl = this.ttl, tags } = {}) {
    return this.#guard(async () => {
      const text = normalizeQuery(query);
      const key = this.#key(checkModel(model), text);
      const vector = await this.#embedder.vector(text);
      await this.#view.set(key, { q: text, r: response }, { ttl, tags });
      try {
        await this.#index.store(key, model, vector);
      } catch (err) {
        // No answer without its vector: the entry goes too, and the error is the caller's.
        await this.#view.delete(key);
        throw err;
      }
      this.#stats.stores += 1;
    });
  }

  /** Removes the cached answer of `model` to `query` (its vector goes with it); true if there was one. */
  async invalidate(query, { model = this.model } = {}) {
    return this.#guard(async () => {
      const key = this.#key(checkModel(model), normalizeQuery(query));
      const removed = await this.#view.delete(key);
      await this.#forget(key);
      if (removed) this.#stats.invalidations += 1;
      return removed;
    });
  }

  /** Removes every answer stored with one of `tags`; how many. */
  async invalidateTags(tags) {
    return this.#guard(() => this.#view.invalidateTags(tags));
  }

  /** Counters, similar-hit scores, and the index's rows and bytes (core index). */
  stats() {
    return this.#stats.snapshot(this.#index.size());
  }

  /** The index (for benchmarks: setKernel('scalar')). */
  get index() {
    return this.#index;
  }

  async #forget(key) {
    try {
      await this.#index.forget(key);
    } catch {
      // A host index that fails a delete keeps a row whose entry is gone:
      // lookups skip it, and the next one tries again. Counted, not thrown.
      this.#stats.indexErrors += 1;
    }
  }

  async #guard(fn) {
    try {
      return await fn();
    } catch (err) {
      throw toEdgeCacheError(err);
    }
  }
}

/**
 * Builds a SemanticCache. `coreIndex(cache, namespace, precision)` gives the
 * core index of a memory-tier cache of the semantic build, or undefined.
 */
export function makeSemanticCache(options, { coreIndex, key }) {
  if (options === null || typeof options !== 'object') {
    throw new EdgeCacheError('INVALID_OPTION', 'semanticCache options must be an object');
  }
  const {
    cache, embed, threshold = 0.95, ttl, dimensions, index, model = '', namespace = 'semantic',
    precision = 'f32', topK = DEFAULT_TOP_K,
  } = options;
  if (cache === null || typeof cache !== 'object' || typeof cache.namespace !== 'function') {
    throw new EdgeCacheError('INVALID_OPTION', 'semanticCache needs `cache`: a cache from createCache()');
  }
  if (typeof threshold !== 'number' || !(threshold >= -1 && threshold <= 1)) {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `threshold`: a cosine similarity from -1 to 1');
  }
  if (!Number.isInteger(topK) || topK < 1 || topK > 64) {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `topK`: an integer from 1 to 64');
  }
  if (typeof namespace !== 'string') {
    throw new EdgeCacheError('INVALID_OPTION', 'invalid option `namespace`: a string');
  }
  checkModel(model);
  const stats = new SemanticStats();
  const embedder = new Embedder(embed, dimensions, stats);
  const view = cache.namespace(namespace);
  let chosen;
  if (index !== undefined) {
    chosen = new HostIndex(index);
    // Entries leave the cache without the host index hearing: tell it, and
    // count (never throw) what it fails; lookups skip rows whose entry is gone.
    const forget = ({ key: gone }) => chosen.forget(gone).catch(() => { stats.indexErrors += 1; });
    view.onRemoval(forget).catch(() => { stats.indexErrors += 1; });
  } else {
    chosen = coreIndex(cache, namespace, precision);
    if (chosen === undefined) {
      throw new EdgeCacheError('INVALID_OPTION',
        "the core vector index needs a cache from createCache() of 'edgecache/semantic' "
        + '(the root cache, not a namespace view: use the `namespace` option), or pass `index`');
    }
  }
  return new SemanticCache({ view, index: chosen, embedder, stats, key, threshold, ttl, model, topK });
}
