//! Conversion of per-call JS arguments: TTLs, tags and packed batches.

use wasm_bindgen::{JsCast, JsValue};

#[cfg(feature = "js-tiered")]
use js_sys::Function;

#[cfg(feature = "js-tiered")]
use crate::bindings::js_error::{JsResult, to_js};
use crate::error::{CacheError, Result};
use crate::memory::Ttl;
use crate::ttl::{parse_duration, ttl_from_ms};

/// A TTL argument: `undefined` is the configured default, `null` is "never",
/// a number is milliseconds, a string is a duration such as `"5m"`.
pub(crate) fn ttl_arg(value: &JsValue) -> Result<Ttl> {
    if value.is_undefined() {
        return Ok(Ttl::Default);
    }
    if value.is_null() {
        return Ok(Ttl::Never);
    }
    required_ttl(value).map(Ttl::Ms)
}

/// A stale window: `undefined`, `null` or `0` for none, else like a TTL
/// (milliseconds or a duration string).
pub(crate) fn stale_arg(value: &JsValue) -> Result<Option<u64>> {
    if value.is_undefined() || value.is_null() || value.as_f64() == Some(0.0) {
        return Ok(None);
    }
    required_ttl(value).map(Some)
}

/// A TTL that must be given (`expire`, `defaultTtl`): a number or a duration string.
pub(crate) fn required_ttl(value: &JsValue) -> Result<u64> {
    if let Some(ms) = value.as_f64() {
        return ttl_from_ms(ms);
    }
    if let Some(text) = value.as_string() {
        return parse_duration(&text);
    }
    Err(CacheError::invalid_ttl(format!(
        "expected milliseconds (a number) or a duration string such as \"5m\", got {}",
        type_name(value)
    )))
}

/// A short description of a JS value's type, for error messages.
pub(crate) fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_string();
    }
    if value.is_array() {
        return "an array".to_string();
    }
    value.js_typeof().as_string().unwrap_or_default()
}

/// A number as JS's `String(n)` writes it. Error messages use this instead of
/// Rust's f64 `Display`, which would add about 15 KB of float printing to the wasm.
pub(crate) fn number_text(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// Borrows each string of a batch as `&str`.
pub(crate) fn as_strs(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}

/// Splits one buffer of concatenated values by their lengths, pairing each
/// with its key. The JS layer packs values this way so a batch crosses the
/// boundary as one copy instead of one per value.
pub(crate) fn unpack_values<'a>(
    keys: &'a [String],
    data: &'a [u8],
    lengths: &[u32],
) -> Result<Vec<(&'a str, &'a [u8])>> {
    let bad = |reason: &str| CacheError::InvalidOption {
        name: "entries",
        reason: reason.to_string(),
    };
    if keys.len() != lengths.len() {
        return Err(bad("one value length per key is required"));
    }
    let mut rest = data;
    let mut items = Vec::with_capacity(keys.len());
    for (key, &len) in keys.iter().zip(lengths) {
        let len = usize::try_from(len).map_err(|_| bad("value length out of range"))?;
        let (value, tail) = rest
            .split_at_checked(len)
            .ok_or_else(|| bad("value lengths exceed the packed data"))?;
        items.push((key.as_str(), value));
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(bad("packed data is longer than the value lengths"));
    }
    Ok(items)
}

/// Whether `value` is a callable JS function.
pub(crate) fn as_function(value: &JsValue) -> Option<js_sys::Function> {
    value.dyn_ref::<js_sys::Function>().cloned()
}

/// Takes what a call queued for a JS listener, once no borrow is held, with
/// the listener to hand it to; `None` when there is nothing to deliver.
pub(crate) fn take_queued<T>(
    queue: &std::cell::RefCell<Vec<T>>,
    listener: &std::cell::RefCell<Option<js_sys::Function>>,
) -> Option<(Vec<T>, js_sys::Function)> {
    let queued = match queue.try_borrow_mut() {
        Ok(mut queue) if !queue.is_empty() => std::mem::take(&mut *queue),
        _ => return None,
    };
    let listener = listener.try_borrow().ok().and_then(|l| l.clone())?;
    Some((queued, listener))
}

/// `undefined`/`null` for none, else a function (INVALID_OPTION otherwise).
#[cfg(feature = "js-tiered")]
pub(crate) fn optional_function(name: &'static str, value: &JsValue) -> JsResult<Option<Function>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    as_function(value).map(Some).ok_or_else(|| {
        to_js(&CacheError::InvalidOption {
            name,
            reason: "expected a function".to_string(),
        })
    })
}

/// The error of a call that found the cache busy with another one.
#[cfg(feature = "js-tiered")]
pub(crate) fn busy() -> JsValue {
    to_js(&CacheError::LimitExceeded {
        what: "re-entrant calls into one cache",
        limit: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unpacks_values_by_length() {
        let k = keys(&["a", "b", "c"]);
        let items = unpack_values(&k, b"xyzz", &[1, 0, 3]).unwrap();
        assert_eq!(
            items,
            [("a", &b"x"[..]), ("b", &b""[..]), ("c", &b"yzz"[..])]
        );
    }

    #[test]
    fn refuses_inconsistent_packing() {
        let k = keys(&["a", "b"]);
        for (data, lengths) in [
            (&b"xy"[..], &[1u32][..]),
            (&b"xy"[..], &[1, 2][..]),
            (&b"xyz"[..], &[1, 1][..]),
            (&b"xy"[..], &[u32::MAX, 0][..]),
        ] {
            let err = unpack_values(&k, data, lengths).unwrap_err();
            assert_eq!(err.code(), "INVALID_OPTION");
        }
        assert!(unpack_values(&[], b"", &[]).unwrap().is_empty());
    }
}
