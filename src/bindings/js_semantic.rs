//! `WasmSemanticIndex`: the semantic index of a `WasmCache`'s memory tier,
//! exported to JS (feature `js-semantic`, the `edgecache/semantic` build).
//! Thin: each export converts, runs one core call through the cache (its
//! clock, its borrow, its removal delivery) and maps the error.

use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::bindings::js::WasmCache;
use crate::bindings::js_error::{JsResult, js, to_js};
use crate::error::CacheError;
use crate::memory::Ns;
use crate::semantic::{Kernel, Precision, SemanticIndex, VectorIndex, entry_key};

fn option(name: &'static str, reason: &str) -> JsValue {
    to_js(&CacheError::InvalidOption {
        name,
        reason: reason.to_string(),
    })
}

/// The vectors of one cache's semantic entries.
#[wasm_bindgen]
pub struct WasmSemanticIndex {
    index: Rc<SemanticIndex>,
}

#[wasm_bindgen]
impl WasmSemanticIndex {
    /// Attaches a new index to `cache` (one per cache). `kernel`: "simd"
    /// (the fastest built in) or "scalar" (for measurement).
    #[wasm_bindgen(constructor)]
    pub fn new(cache: &WasmCache, kernel: &str) -> JsResult<WasmSemanticIndex> {
        let kernel = Kernel::parse(kernel).ok_or_else(|| option("kernel", "'simd' or 'scalar'"))?;
        let index =
            cache.finish(cache.run(|t| SemanticIndex::attach(t, VectorIndex::new(kernel))))?;
        Ok(WasmSemanticIndex { index })
    }

    /// Stores the query vector of the entry `key` (written just before),
    /// charging its bytes to the entry; false if the entry is gone.
    /// `precision`: "f32" or "int8", fixed by a space's first vector.
    pub fn store(
        &self,
        cache: &WasmCache,
        ns: u32,
        key: &str,
        model: &str,
        vector: &[f32],
        precision: &str,
    ) -> JsResult<bool> {
        let precision =
            Precision::parse(precision).ok_or_else(|| option("precision", "'f32' or 'int8'"))?;
        cache.finish(cache.run(|t| self.index.store(t, Ns(ns), key, model, vector, precision)))
    }

    /// The `k` fresh entries of `model` in `ns` nearest `vector` at or above
    /// `threshold`, best first: an array of `{ key, score }`.
    pub fn search(
        &self,
        cache: &WasmCache,
        ns: u32,
        model: &str,
        vector: &[f32],
        k: u32,
        threshold: f32,
    ) -> JsResult<Array> {
        let hits = cache.finish(cache.run(|t| {
            self.index
                .search(t, Ns(ns), model, vector, k as usize, threshold)
        }))?;
        let out = Array::new();
        for hit in hits {
            let o = Object::new();
            Reflect::set(&o, &"key".into(), &hit.key.into())?;
            Reflect::set(&o, &"score".into(), &hit.score.into())?;
            out.push(&o);
        }
        Ok(out)
    }

    /// Rows stored.
    pub fn size(&self) -> JsResult<f64> {
        js(self.index.size()).map(|(rows, _)| rows as f64)
    }

    /// Bytes charged to entries for their rows.
    pub fn bytes(&self) -> JsResult<f64> {
        js(self.index.size()).map(|(_, bytes)| bytes as f64)
    }

    /// Switches the search loops: "simd" or "scalar" (for measurement).
    #[wasm_bindgen(js_name = setKernel)]
    pub fn set_kernel(&self, kernel: &str) -> JsResult<()> {
        let kernel = Kernel::parse(kernel).ok_or_else(|| option("kernel", "'simd' or 'scalar'"))?;
        js(self.index.with(|ix| ix.set_kernel(kernel)))
    }

    /// Whether this build has the SIMD loops.
    #[wasm_bindgen(js_name = simdAvailable)]
    pub fn simd_available() -> bool {
        Kernel::simd_available()
    }
}

/// The entry key of a normalised query answered by `model` (see `semantic::entry_key`).
#[wasm_bindgen(js_name = semanticKey)]
pub fn semantic_key(model: &str, query: &str) -> String {
    entry_key(model, query)
}
