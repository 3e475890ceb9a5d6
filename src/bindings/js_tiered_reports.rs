//! Reports: what the JS driver tells the core about entries it was given,
//! and the cache's health (a second `impl` block of `WasmTieredCache`, kept
//! apart so js_tiered.rs does not grow).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::{WasmTieredCache, js};
use crate::bindings::js_stats::health_object;

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

    /// The cache's health (`TieredCache::health`), shaped by `health_object`;
    /// `probe`: also time one backend read.
    pub fn health(&self, probe: bool) -> Promise {
        self.run(move |c| async move { Ok(health_object(&c.cache.health(probe).await)?.into()) })
    }
}
