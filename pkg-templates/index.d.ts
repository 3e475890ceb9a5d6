// Placeholder: the real, generic type definitions are written separately.
export declare function createCache(options?: Record<string, unknown>): any;
export declare class EdgeCacheError extends Error {
  constructor(code: string, message: string, options?: { cause?: unknown });
  readonly code: string;
}
export declare const ErrorCode: Readonly<Record<string, string>>;
export declare function isEdgeCacheError(err: unknown, code?: string): err is EdgeCacheError;
export declare const Cache: any;
