// The default index: vectors in the wasm core beside the cache's memory tier
// (WasmSemanticIndex), each charged to its entry's weight and dropped the
// moment the entry leaves. The same contract as a host index (host-index.js):
// search(model, vector, k, threshold) -> [{ key, score }] (fresh entries only),
// store(key, model, vector), forget(key); all async.

import { EdgeCacheError } from '../errors.js';
import { toEdgeCacheError } from '../cache-support.js';

// One index per WasmCache: the tier has one removal hook.
const attached = new WeakMap();

export class CoreIndex {
  /**
   * @param WasmSemanticIndex the class from the semantic build's glue
   * @param wasm the WasmCache of the cache's memory tier
   * @param {string} namespace where the semantic entries live
   * @param {'f32' | 'int8'} precision
   */
  constructor(WasmSemanticIndex, wasm, namespace, precision) {
    if (precision !== 'f32' && precision !== 'int8') {
      throw new EdgeCacheError('INVALID_OPTION', "invalid option `precision`: 'f32' or 'int8'");
    }
    let index = attached.get(wasm);
    if (index === undefined) {
      index = wrap(() => new WasmSemanticIndex(wasm, 'simd'));
      attached.set(wasm, index);
    }
    this.index = index;
    this.wasm = wasm;
    this.ns = wrap(() => wasm.namespace(namespace));
    this.precision = precision;
  }

  async search(model, vector, k, threshold) {
    return wrap(() => this.index.search(this.wasm, this.ns, model, vector, k, threshold));
  }

  /** False if the entry is gone (it was evicted before its vector came). */
  async store(key, model, vector) {
    return wrap(() => this.index.store(this.wasm, this.ns, key, model, vector, this.precision));
  }

  /** Nothing to do: the entry's removal already dropped its row. */
  async forget() {}

  /** Rows and bytes now. */
  size() {
    return { vectors: this.index.size(), vectorBytes: this.index.bytes() };
  }

  /** 'simd' or 'scalar': for benchmarks. */
  setKernel(kernel) {
    wrap(() => this.index.setKernel(kernel));
  }
}

function wrap(fn) {
  try {
    return fn();
  } catch (err) {
    throw toEdgeCacheError(err);
  }
}
