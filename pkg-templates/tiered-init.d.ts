// 'edgecache/tiered/init': the 'edgecache/tiered' API; the caller loads the .wasm with init().
export * from './tiered.js';

/** Loads edgecache_tiered_bg.wasm from a compiled module or its bytes; call once before createCache. */
export declare function init(module: WebAssembly.Module | BufferSource): void;
