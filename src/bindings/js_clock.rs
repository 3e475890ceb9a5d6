//! The one clock rule of the JS bindings: time is `Date.now()` (or a value
//! the JS side read once for this call), or the `now` option when given; a
//! reading that is not epoch milliseconds (NaN, negative, not a number, a
//! throwing function) fails the call with INVALID_OPTION instead of running
//! the cache at some other time.

#[cfg(feature = "js-tiered")]
use std::cell::Cell;

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::bindings::js_args::number_text;
use crate::bindings::js_error::{JsResult, error_with_code, to_js};
#[cfg(feature = "js-tiered")]
use crate::clock::Clock;
use crate::error::CacheError;

/// Epoch ms from `now` if given, else `passed`, else `Date.now()`.
/// User JS may run here: call it with no borrow held.
pub(crate) fn read_now(now: Option<&Function>, passed: Option<f64>) -> JsResult<u64> {
    let ms = match now {
        None => passed.unwrap_or_else(js_sys::Date::now),
        Some(f) => {
            let value = f.call0(&JsValue::UNDEFINED).map_err(|cause| {
                error_with_code("INVALID_OPTION", "the `now` option threw", Some(&cause))
            })?;
            value.as_f64().unwrap_or(f64::NAN)
        }
    };
    if !(ms.is_finite() && ms >= 0.0) {
        return Err(to_js(&CacheError::InvalidOption {
            name: "now",
            reason: format!(
                "must return epoch milliseconds (a number >= 0), got {}",
                number_text(ms)
            ),
        }));
    }
    // Finite and non-negative: the cast saturates at u64::MAX, never traps.
    Ok(ms as u64)
}

/// The host clock: `Date.now()` or the `now` option. Each call checks it
/// once before the core runs ([`HostClock::check`]: a bad reading fails the
/// call, as in the memory build); the core's own readings inside the call
/// (latencies) repeat the last good one if the function turns bad mid-call.
#[cfg(feature = "js-tiered")]
pub(crate) struct HostClock {
    now: Option<Function>,
    last: Cell<u64>,
}

#[cfg(feature = "js-tiered")]
impl HostClock {
    /// A clock over `now` (or `Date.now()`).
    pub(crate) fn new(now: Option<Function>) -> HostClock {
        HostClock {
            now,
            last: Cell::new(0),
        }
    }

    pub(crate) fn check(&self) -> JsResult<()> {
        self.last.set(read_now(self.now.as_ref(), None)?);
        Ok(())
    }
}

#[cfg(feature = "js-tiered")]
impl Clock for HostClock {
    fn now_ms(&self) -> u64 {
        if let Ok(ms) = read_now(self.now.as_ref(), None) {
            self.last.set(ms);
        }
        self.last.get()
    }
}
