// 'edgecache/semantic': the API of 'edgecache' from the build that also holds
// the vector index (wasm SIMD), plus semanticCache: an answer for a query, or
// for one like it (exact key, then cosine similarity of embeddings).
import type { Cache } from './index.js';
export * from './index.js';

/** A Vectorize-shaped host index (a Vectorize binding fits as is). */
export interface HostVectorIndex {
  query(vector: number[] | Float32Array, options: { topK: number; returnMetadata?: 'all' | 'indexed' | 'none' | boolean; filter?: Record<string, unknown> }):
    Promise<{ matches: Array<{ id: string; score: number; metadata?: Record<string, unknown> }> }>;
  upsert(vectors: Array<{ id: string; values: number[]; metadata?: Record<string, unknown> }>): Promise<unknown>;
  deleteByIds?(ids: string[]): Promise<unknown>;
  delete?(ids: string[]): Promise<unknown>;
}

export interface SemanticCacheOptions {
  /** Where answers live: a cache from createCache() (the core index needs one of this entry). */
  cache: Cache;
  /** The host's embedding function: one vector per text. */
  embed: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** Cosine similarity at or above which a cached query answers (default 0.95). */
  threshold?: number;
  /** TTL of stored answers (ms or '1h'); default: the cache's. */
  ttl?: number | string | null;
  /** The embedding length, checked on every embed answer. */
  dimensions?: number;
  /** A host vector index instead of the core one. */
  index?: HostVectorIndex;
  /** The default model name (part of every key; default ''). */
  model?: string;
  /** The cache namespace of the answers (default 'semantic'). */
  namespace?: string;
  /** How the core index keeps vectors: 'f32' (default) or 'int8'. */
  precision?: 'f32' | 'int8';
  /** Nearest rows asked of the index per lookup (1 to 64, default 4). */
  topK?: number;
}

export type SemanticLookup<T> =
  | { tier: 'exact' | 'similar'; response: T; score: number; query: string }
  | { tier: 'miss' };

export interface SemanticCacheStats {
  exactHits: number;
  similarHits: number;
  misses: number;
  stores: number;
  invalidations: number;
  embedCalls: number;
  embedMs: number;
  indexErrors: number;
  similarScores: { count: number; min?: number; max?: number; mean?: number; recent: number[] };
  /** Rows and bytes of the core index (undefined with a host index). */
  vectors: number | undefined;
  vectorBytes: number | undefined;
}

export interface SemanticCache {
  lookup<T = unknown>(query: string, options?: { model?: string }): Promise<SemanticLookup<T>>;
  store(query: string, response: unknown, options?: { model?: string; ttl?: number | string | null; tags?: string[] }): Promise<void>;
  invalidate(query: string, options?: { model?: string }): Promise<boolean>;
  invalidateTags(tags: string[]): Promise<number>;
  stats(): SemanticCacheStats;
}

export function semanticCache(options: SemanticCacheOptions): SemanticCache;
/** The normalised form of a query (lower case, NFC, whitespace runs to one space, trimmed). */
export function normalizeQuery(query: string): string;
export const MAX_QUERY_LENGTH: number;
/** Whether this build searches with wasm SIMD. */
export function simdAvailable(): boolean;
