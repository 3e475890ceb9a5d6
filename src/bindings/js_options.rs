//! The constructor's options object, read strictly: an unknown name or a
//! wrong type is an `INVALID_OPTION` error, because a typo (`maxEntires`)
//! that silently did nothing would leave a cache unbounded.

use js_sys::{Array, Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::bindings::js_args::{as_function, number_text, required_ttl, type_name};
use crate::error::{CacheError, Result};
use crate::memory::{EvictionPolicy, MemoryConfig};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Everything the constructor reads from its options object.
pub(crate) struct HostOptions {
    pub config: MemoryConfig,
    /// A JS function returning epoch milliseconds; `Date.now()` when absent.
    pub now: Option<Function>,
}

pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> CacheError {
    CacheError::InvalidOption {
        name,
        reason: reason.into(),
    }
}

/// Reads the options object; `undefined` and `null` mean all defaults.
/// A property set to `undefined` also means its default.
pub(crate) fn read_options(options: &JsValue) -> Result<HostOptions> {
    let mut host = HostOptions {
        config: MemoryConfig::default(),
        now: None,
    };
    for_each_option(options, |name, value| apply(&mut host, name, value))?;
    Ok(host)
}

/// Calls `apply` for every property of an options object that is not
/// `undefined`; `undefined` and `null` options mean all defaults. Shared by
/// every binding entry point that takes an options object.
pub(crate) fn for_each_option(
    options: &JsValue,
    mut apply: impl FnMut(&str, &JsValue) -> Result<()>,
) -> Result<()> {
    if options.is_undefined() || options.is_null() {
        return Ok(());
    }
    let Some(object) = options
        .dyn_ref::<Object>()
        .filter(|_| !options.is_function())
    else {
        return Err(invalid(
            "options",
            format!("expected an object, got {}", type_name(options)),
        ));
    };
    for pair in Object::entries(object).iter() {
        let pair: Array = pair.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if !value.is_undefined() {
            apply(&name, &value)?;
        }
    }
    Ok(())
}

fn apply(host: &mut HostOptions, name: &str, value: &JsValue) -> Result<()> {
    let config = &mut host.config;
    match name {
        "maxEntries" => config.max_entries = whole("maxEntries", value)?,
        "maxBytes" => config.max_bytes = whole("maxBytes", value)?,
        "maxValueBytes" => config.max_value_bytes = whole("maxValueBytes", value)?,
        "maxKeyBytes" => config.max_key_bytes = whole_usize("maxKeyBytes", value)?,
        "maxTagsPerEntry" => config.max_tags_per_entry = whole_usize("maxTagsPerEntry", value)?,
        "defaultTtl" => config.default_ttl_ms = optional_ttl("defaultTtl", value)?,
        "defaultIdle" => config.default_idle_ms = optional_ttl("defaultIdle", value)?,
        "policy" => config.policy = policy(value)?,
        "compressionThreshold" => {
            config.compression.threshold = whole_usize("compressionThreshold", value)?;
        }
        "compressionLevel" => {
            let level = whole("compressionLevel", value)?;
            config.compression.level = u8::try_from(level)
                .map_err(|_| invalid("compressionLevel", "must be between 0 and 10"))?;
        }
        "now" => {
            let f = as_function(value).ok_or_else(|| {
                invalid(
                    "now",
                    format!(
                        "expected a function returning epoch ms, got {}",
                        type_name(value)
                    ),
                )
            })?;
            host.now = Some(f);
        }
        _ => {
            return Err(invalid(
                "options",
                format!("unknown option `{}`", shorten(name)),
            ));
        }
    }
    Ok(())
}

/// A non-negative integer that a JS number holds exactly.
fn whole(name: &'static str, value: &JsValue) -> Result<u64> {
    let n = value
        .as_f64()
        .ok_or_else(|| invalid(name, format!("expected a number, got {}", type_name(value))))?;
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER) {
        return Err(invalid(
            name,
            format!("expected a non-negative integer, got {}", number_text(n)),
        ));
    }
    // Integral and within 0..=2^53-1, so the cast is exact.
    Ok(n as u64)
}

fn whole_usize(name: &'static str, value: &JsValue) -> Result<usize> {
    usize::try_from(whole(name, value)?).map_err(|_| invalid(name, "is too large"))
}

/// `null` means "no default expiry"; otherwise milliseconds or a duration string.
fn optional_ttl(name: &'static str, value: &JsValue) -> Result<Option<u64>> {
    if value.is_null() {
        return Ok(None);
    }
    required_ttl(value)
        .map(Some)
        .map_err(|e| invalid(name, e.to_string()))
}

fn policy(value: &JsValue) -> Result<EvictionPolicy> {
    value
        .as_string()
        .as_deref()
        .and_then(EvictionPolicy::from_name)
        .ok_or_else(|| invalid("policy", "expected 'lru', 'lfu', 'fifo' or 's3-fifo'"))
}

/// At most 64 characters of a user-supplied name, for error messages.
fn shorten(name: &str) -> String {
    name.chars().take(64).collect()
}

/// The input limits of a cache, for the JS side to check sizes before it
/// copies a key, pattern or value into wasm memory (which never shrinks):
/// `{ maxKeyBytes, maxValueBytes, maxTagsPerEntry, maxTagBytes, maxNamespaceBytes,
/// maxBatch, maxPatternBytes }`.
/// `max_batch`: items per getMany/hasMany/deleteMany/setMany (infinite where unbounded).
pub(crate) fn limits_object(
    config: &MemoryConfig,
    max_batch: f64,
) -> std::result::Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in [
        ("maxKeyBytes", config.max_key_bytes as f64),
        ("maxValueBytes", config.max_value_bytes as f64),
        ("maxTagsPerEntry", config.max_tags_per_entry as f64),
        ("maxTagBytes", crate::memory::MAX_TAG_BYTES as f64),
        (
            "maxNamespaceBytes",
            crate::memory::MAX_NAMESPACE_BYTES as f64,
        ),
        ("maxBatch", max_batch),
        ("maxPatternBytes", crate::pattern::MAX_PATTERN_BYTES as f64),
    ] {
        js_sys::Reflect::set(&object, &name.into(), &value.into())?;
    }
    Ok(object)
}
