//! What the JS driver reports back to the core about entries it was given
//! (a second `impl` block of `WasmTieredCache`, kept apart so js_tiered.rs
//! does not grow).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::{WasmTieredCache, js};

#[wasm_bindgen]
impl WasmTieredCache {
    /// The JS codec could not decode the value of `key`: counted as corrupt
    /// and removed from both tiers (see `TieredCache::discard_undecodable`).
    #[wasm_bindgen(js_name = discardUndecodable)]
    pub fn discard_undecodable(&self, ns: u32, key: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            js(c.cache.discard_undecodable(&name, &key).await)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
