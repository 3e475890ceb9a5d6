//! Free functions exported to JS: helpers the JS layer needs from the core
//! that belong to no cache instance.

use wasm_bindgen::prelude::*;

use crate::bindings::js_args::required_ttl;
use crate::bindings::js_error::{JsResult, js};
use crate::key::ArgsKey;

/// The tag under which argument bytes from the JS value codec are hashed.
const JS_ARGS_TAG: &str = "edgecache/js-value/v1";

/// `"<fn_name>:<base64url>"`: the stable key of a call, hashed by the core
/// ([`ArgsKey`]) over `canonical`, the arguments as `encodeCanonical` bytes.
/// Equal arguments give equal keys in every host.
#[wasm_bindgen(js_name = argsKey)]
pub fn args_key(fn_name: &str, canonical: &[u8]) -> String {
    ArgsKey::of_raw(fn_name, JS_ARGS_TAG, canonical)
}

/// A duration in milliseconds: a number, or a string such as `"90s"`; the
/// same rules as every TTL argument.
#[wasm_bindgen(js_name = durationMs)]
pub fn duration_ms(value: JsValue) -> JsResult<f64> {
    // At most MAX_TTL_MS, far below 2^53: the conversion is exact.
    js(required_ttl(&value)).map(|ms| ms as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_give_equal_keys_and_the_name_leads() {
        let a = args_key("getUser", &[1, 2, 3]);
        assert_eq!(a, args_key("getUser", &[1, 2, 3]));
        assert!(a.starts_with("getUser:"));
        assert_eq!(a.len(), "getUser:".len() + 22);
        assert_ne!(a, args_key("getUser", &[1, 2]));
        assert_ne!(a, args_key("getUsers", &[1, 2, 3]));
    }
}
