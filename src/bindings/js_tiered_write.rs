//! The per-write arguments of `WasmTieredCache`, read before any await, and
//! what a write resolves to.

use wasm_bindgen::JsValue;

use crate::bindings::js_args::{required_ttl, ttl_arg};
use crate::bindings::js_error::{JsResult, js, to_js};
use crate::error::{CacheError, Result};
use crate::memory::Ttl;
use crate::tiered::{L2Status, WriteOptions};

/// The per-write arguments, read before any await.
pub(super) struct Write {
    ttl: Ttl,
    stale_ms: Option<u64>,
    pub(super) tags: Vec<String>,
}

impl Write {
    pub(super) fn read(
        ttl: &JsValue,
        idle: &JsValue,
        tags: Option<Vec<String>>,
        stale: &JsValue,
    ) -> JsResult<Write> {
        if !idle.is_undefined() {
            return Err(to_js(&CacheError::Unsupported {
                what: "idle expiry on a cache with a backend",
            }));
        }
        Ok(Write {
            ttl: js(ttl_arg(ttl))?,
            stale_ms: js(stale_window(stale))?,
            tags: tags.unwrap_or_default(),
        })
    }

    pub(super) fn options<'a>(&self, tags: &'a [&'a str]) -> WriteOptions<'a> {
        WriteOptions {
            ttl: self.ttl,
            stale_ms: self.stale_ms,
            tags,
        }
    }
}

/// A stale window: `undefined`, `null` or 0 for none, else ms or a duration string.
pub(super) fn stale_window(value: &JsValue) -> Result<Option<u64>> {
    if value.is_undefined() || value.is_null() || value.as_f64() == Some(0.0) {
        return Ok(None);
    }
    required_ttl(value).map(Some)
}

/// What `set` resolves to over a backend: whether L2 has the entry.
pub(super) fn status_name(status: &L2Status) -> &'static str {
    match status {
        L2Status::Written => "written",
        L2Status::Skipped => "skipped",
        L2Status::Failed(_) => "failed",
    }
}
