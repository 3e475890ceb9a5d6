//! The one place where a [`CacheError`] becomes a JS exception.
//!
//! The exception is a plain `Error` whose `name` is `EdgeCacheError` and whose
//! `code` is [`CacheError::code`]; the JS layer rethrows it as an instance of
//! its `EdgeCacheError` class (keeping code, message and cause).

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

use crate::error::CacheError;

/// What every export returns: a value, or the exception to throw.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// Converts a core error into the exception thrown to JS.
pub(crate) fn to_js(err: &CacheError) -> JsValue {
    error_with_code(err.code(), &err.to_string(), None)
}

/// An `EdgeCacheError`-shaped JS error; `cause` is a host exception underneath.
pub(crate) fn error_with_code(code: &str, message: &str, cause: Option<&JsValue>) -> JsValue {
    let error = Error::new(message);
    error.set_name("EdgeCacheError");
    // Setting a property on a fresh, unfrozen Error cannot fail, and if it
    // somehow did the message would still reach the caller.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    if let Some(cause) = cause {
        let _ = Reflect::set(&error, &"cause".into(), cause);
    }
    error.into()
}

/// [`to_js`] taking the error by value: one out-of-line copy of the
/// conversion and of the error's drop, however many result types use it.
#[inline(never)]
pub(crate) fn into_js(err: CacheError) -> JsValue {
    to_js(&err)
}

/// Maps a core result to an export's result. Inlined: per result type it is
/// one branch, and the conversion itself stays in [`into_js`].
#[inline(always)]
pub(crate) fn js<T>(result: crate::Result<T>) -> JsResult<T> {
    result.map_err(into_js)
}
