//! The tiered options of `WasmTieredCache` (the memory options are read by
//! `js_options.rs`), read strictly like those: an unknown name or a wrong type
//! is an `INVALID_OPTION` error. The JS layer flattens its friendlier shapes
//! (`breaker: { threshold, cooldownMs }`, `retries: { count, baseMs, maxMs }`)
//! into these names.

use std::rc::Rc;

use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::bindings::js_args::{required_ttl, type_name};
use crate::bindings::js_options::{for_each_option, invalid};
use crate::error::{CacheError, Result};
use crate::tiered::seal::MIN_KEY_BYTES;
use crate::tiered::{RandomSource, TieredConfig};

/// Applies the tiered options in `options` to `config` (its memory part is set
/// by the caller). `undefined` and `null` mean all defaults.
pub(crate) fn read_tiered_options(options: &JsValue, config: &mut TieredConfig) -> Result<()> {
    for_each_option(options, |name, value| apply(config, name, value))
}

fn apply(config: &mut TieredConfig, name: &str, value: &JsValue) -> Result<()> {
    match name {
        "prefix" => {
            config.prefix = value
                .as_string()
                .ok_or_else(|| invalid("prefix", "expected a string"))?;
        }
        "retries" => config.retry.retries = small("retries", value)?,
        "retryBaseMs" => config.retry.base_ms = duration("retryBaseMs", value)?,
        "retryMaxMs" => config.retry.max_ms = duration("retryMaxMs", value)?,
        "breakerThreshold" => config.breaker_threshold = small("breakerThreshold", value)?,
        "breakerCooldownMs" => config.breaker_cooldown_ms = duration("breakerCooldownMs", value)?,
        "l1MaxTtl" => {
            config.l1_max_ttl_ms = if value.is_null() {
                None
            } else {
                Some(duration("l1MaxTtl", value)?)
            };
        }
        "tagCacheMs" => config.tag_cache_ms = duration("tagCacheMs", value)?,
        "chunking" => {
            config.chunking = value
                .as_bool()
                .ok_or_else(|| invalid("chunking", "expected a boolean"))?;
        }
        "maxChunks" => config.max_chunks = small("maxChunks", value)?,
        "seed" => {
            let n = value
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| invalid("seed", "expected a non-negative number"))?;
            // Finite and non-negative: the cast saturates, never traps.
            config.seed = n as u64;
        }
        "signingKeys" => config.seal.signing_keys = keys("signingKeys", value)?,
        "encryptionKeys" => {
            config.seal.encryption_keys = keys("encryptionKeys", value)?;
            config.seal.random = Some(Rc::new(HostRandom::find()?));
        }
        _ => {
            let shown: String = name.chars().take(64).collect();
            return Err(invalid("options", format!("unknown option `{shown}`")));
        }
    }
    Ok(())
}

/// Milliseconds (0 allowed: no wait) or a duration string ("30s").
fn duration(name: &'static str, value: &JsValue) -> Result<u64> {
    if value.as_f64() == Some(0.0) {
        return Ok(0);
    }
    required_ttl(value).map_err(|e| invalid(name, e.to_string()))
}

/// A non-negative integer that fits a u32.
fn small(name: &'static str, value: &JsValue) -> Result<u32> {
    value
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= f64::from(u32::MAX))
        // Integral and within u32: exact.
        .map(|n| n as u32)
        .ok_or_else(|| {
            invalid(
                name,
                format!("expected a non-negative integer, got {}", type_name(value)),
            )
        })
}

/// A non-empty array of keys, each a `Uint8Array` or a string (its UTF-8
/// bytes) of at least 32 bytes. Empty is refused: a missing secret should not
/// silently turn sealing off.
fn keys(name: &'static str, value: &JsValue) -> Result<Vec<Vec<u8>>> {
    let Some(array) = value.dyn_ref::<Array>() else {
        return Err(invalid(
            name,
            format!(
                "expected an array of keys (Uint8Array or string), got {}",
                type_name(value)
            ),
        ));
    };
    if array.length() == 0 {
        return Err(invalid(name, "expected at least one key"));
    }
    array
        .iter()
        .map(|key| {
            let bytes = if let Some(text) = key.as_string() {
                text.into_bytes()
            } else if let Some(bytes) = key.dyn_ref::<Uint8Array>() {
                bytes.to_vec()
            } else {
                return Err(invalid(
                    name,
                    format!(
                        "a key must be a Uint8Array or a string, got {}",
                        type_name(&key)
                    ),
                ));
            };
            if bytes.len() < MIN_KEY_BYTES {
                return Err(invalid(
                    name,
                    format!("every key must be at least {MIN_KEY_BYTES} bytes"),
                ));
            }
            Ok(bytes)
        })
        .collect()
}

/// `globalThis.crypto.getRandomValues` (Node 20, Deno and workerd have it).
struct HostRandom {
    crypto: JsValue,
    get_random_values: Function,
}

impl HostRandom {
    fn find() -> Result<HostRandom> {
        let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).unwrap_or_default();
        let get_random_values = Reflect::get(&crypto, &"getRandomValues".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                invalid(
                    "encryptionKeys",
                    "encryption needs crypto.getRandomValues in this runtime",
                )
            })?;
        Ok(HostRandom {
            crypto,
            get_random_values,
        })
    }
}

impl RandomSource for HostRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        let failed = CacheError::Unsupported {
            what: "crypto.getRandomValues",
        };
        let len = u32::try_from(buf.len()).map_err(|_| failed.clone())?;
        let array = Uint8Array::new_with_length(len);
        self.get_random_values
            .call1(&self.crypto, &array)
            .map_err(|_| failed.clone())?;
        if array.length() != len {
            return Err(failed);
        }
        // Same length, checked above.
        array.copy_to(buf);
        Ok(())
    }
}
