// 'edgecache/init': the 'edgecache' API; the caller loads the .wasm with init().
export * from './memory.js';

/** Loads edgecache_bg.wasm from a compiled module or its bytes; call once before createCache. */
export declare function init(module: WebAssembly.Module | BufferSource): void;
