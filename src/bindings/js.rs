//! `WasmCache`: the memory tier exported to JS through wasm-bindgen.
//!
//! Thin by design: each export converts its arguments, calls the core once and
//! maps the error. Two rules keep overlapping calls (Promise.all) and
//! re-entrant JS safe:
//! - methods take `&self` and borrow the tier only for the core call;
//! - no user JS runs while the tier is borrowed: the clock is read *before*
//!   the borrow (into a [`ManualClock`] the core reads), and removals are
//!   queued during the call and delivered to the listener after it.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use crate::bindings::js_args::{
    as_function, as_strs, required_ttl, stale_arg, take_queued, ttl_arg,
};
use crate::bindings::js_clock::read_now;
use crate::bindings::js_error::{JsResult, into_js, js, to_js};
use crate::bindings::js_options::{limits_object, read_options};
use crate::bindings::js_scratch::Scratch;
use crate::bindings::js_stats::memory_stats;
use crate::clock::ManualClock;
use crate::error::{CacheError, Result};
use crate::memory::{MemoryTier, Ns, Remaining, RemovalCause, SetOptions};

/// A removal waiting for delivery: namespace id, key, cause.
type Queued = (u32, String, RemovalCause);

/// The memory tier, owned by JS. Values are bytes: the JS layer encodes them.
#[wasm_bindgen]
pub struct WasmCache {
    tier: RefCell<MemoryTier>,
    clock: ManualClock,
    now: Option<Function>,
    removals: Rc<RefCell<Vec<Queued>>>,
    listener: RefCell<Option<Function>>,
    /// The areas of the fast lane (js_scratch.rs).
    pub(crate) scratch: Scratch,
}

#[wasm_bindgen]
impl WasmCache {
    /// Builds a cache from an options object (see `js_options.rs`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WasmCache> {
        let host = js(read_options(&options))?;
        let clock = ManualClock::new(0);
        let mut tier = js(MemoryTier::new(host.config, Box::new(clock.clone())))?;
        // JS holds immutable values by slot (js_scratch.rs): list what it must drop.
        tier.track_held();
        let cache = WasmCache {
            tier: RefCell::new(tier),
            clock,
            now: host.now,
            removals: Rc::new(RefCell::new(Vec::new())),
            listener: RefCell::new(None),
            scratch: Scratch::default(),
        };
        cache.tick()?;
        Ok(cache)
    }

    /// Sizes the JS side checks before copying input in (`limits_object`).
    pub fn limits(&self) -> JsResult<Object> {
        let config = self.call(|t| Ok(t.config().clone()))?;
        limits_object(&config, crate::memory::MAX_BATCH as f64)
    }

    /// The id of the namespace called `name`, created on first use.
    pub fn namespace(&self, name: &str) -> JsResult<u32> {
        self.call(|t| t.namespace(name).map(Ns::id))
    }

    pub fn has(&self, ns: u32, key: &str) -> JsResult<bool> {
        self.call(|t| t.has(Ns(ns), key))
    }

    pub fn delete(&self, ns: u32, key: &str) -> JsResult<bool> {
        self.call(|t| t.delete(Ns(ns), key))
    }

    /// Milliseconds left; `Infinity` if it never expires; `undefined` if missing.
    pub fn ttl(&self, ns: u32, key: &str) -> JsResult<Option<f64>> {
        self.call(|t| {
            Ok(match t.ttl(Ns(ns), key)? {
                Remaining::Missing => None,
                Remaining::Forever => Some(f64::INFINITY),
                Remaining::Ms(ms) => Some(ms as f64),
            })
        })
    }

    /// New TTL from now (ms or duration string); true if the key exists.
    pub fn expire(&self, ns: u32, key: &str, ttl: JsValue) -> JsResult<bool> {
        let ms = js(required_ttl(&ttl))?;
        self.call(|t| t.expire(Ns(ns), key, ms))
    }

    pub fn persist(&self, ns: u32, key: &str) -> JsResult<bool> {
        self.call(|t| t.persist(Ns(ns), key))
    }

    pub fn touch(&self, ns: u32, key: &str) -> JsResult<bool> {
        self.call(|t| t.touch(Ns(ns), key))
    }

    /// Adds `delta` to a decimal counter; BigInt in and out (the full i64 range).
    pub fn incr(&self, ns: u32, key: &str, delta: i64) -> JsResult<i64> {
        self.call(|t| t.incr(Ns(ns), key, delta))
    }

    pub fn decr(&self, ns: u32, key: &str, delta: i64) -> JsResult<i64> {
        self.call(|t| t.decr(Ns(ns), key, delta))
    }

    /// How many of `keys` were removed.
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(&self, ns: u32, keys: Vec<String>) -> JsResult<f64> {
        let keys = as_strs(&keys);
        self.call(|t| t.delete_many(Ns(ns), &keys).map(count))
    }

    /// One byte (0 or 1) per key.
    #[wasm_bindgen(js_name = hasMany)]
    pub fn has_many(&self, ns: u32, keys: Vec<String>) -> JsResult<Vec<u8>> {
        let keys = as_strs(&keys);
        self.call(|t| {
            Ok(t.has_many(Ns(ns), &keys)?
                .into_iter()
                .map(u8::from)
                .collect())
        })
    }

    /// Live keys of `ns` matching a Redis-style glob.
    pub fn keys(&self, ns: u32, pattern: &str) -> JsResult<Vec<String>> {
        self.call(|t| t.keys(Ns(ns), pattern))
    }

    #[wasm_bindgen(js_name = countMatching)]
    pub fn count_matching(&self, ns: u32, pattern: &str) -> JsResult<f64> {
        self.call(|t| t.count_matching(Ns(ns), pattern).map(count))
    }

    #[wasm_bindgen(js_name = deleteMatching)]
    pub fn delete_matching(&self, ns: u32, pattern: &str) -> JsResult<f64> {
        self.call(|t| t.delete_matching(Ns(ns), pattern).map(count))
    }

    #[wasm_bindgen(js_name = clearNamespace)]
    pub fn clear_namespace(&self, ns: u32) -> JsResult<f64> {
        self.call(|t| t.clear_namespace(Ns(ns)).map(count))
    }

    /// Removes every entry of every namespace.
    pub fn clear(&self) -> JsResult<f64> {
        self.call(|t| Ok(count(t.clear())))
    }

    #[wasm_bindgen(js_name = invalidateTags)]
    pub fn invalidate_tags(&self, ns: u32, tags: Vec<String>) -> JsResult<f64> {
        let tags = as_strs(&tags);
        self.call(|t| t.invalidate_tags(Ns(ns), &tags).map(count))
    }

    #[wasm_bindgen(js_name = purgeExpired)]
    pub fn purge_expired(&self) -> JsResult<f64> {
        self.call(|t| Ok(count(t.purge_expired())))
    }

    /// The counters as a plain object.
    pub fn stats(&self) -> JsResult<Object> {
        memory_stats(&self.call(|t| Ok(t.stats()))?)
    }

    /// Calls `listener(namespaceId, key, cause)` after each call that removed
    /// entries; cause is 'capacity', 'expired' or 'explicit'. `undefined`
    /// removes the listener.
    #[wasm_bindgen(js_name = onRemoval)]
    pub fn on_removal(&self, listener: JsValue) -> JsResult<()> {
        let listener = if listener.is_undefined() || listener.is_null() {
            None
        } else {
            Some(as_function(&listener).ok_or_else(|| {
                to_js(&CacheError::InvalidOption {
                    name: "onRemoval",
                    reason: "expected a function".to_string(),
                })
            })?)
        };
        let queue = Rc::clone(&self.removals);
        let core_listener = listener.is_some().then(|| {
            Box::new(move |r: &crate::memory::Removal<'_>| {
                if let Ok(mut queue) = queue.try_borrow_mut() {
                    queue.push((r.ns.id(), r.key.to_string(), r.cause));
                }
            }) as crate::memory::RemovalListener
        });
        self.call(|t| {
            t.set_removal_listener(core_listener);
            Ok(())
        })?;
        if let Ok(mut slot) = self.listener.try_borrow_mut() {
            *slot = listener;
        }
        Ok(())
    }
}

impl WasmCache {
    /// Reads the host clock (user JS may run here, so no borrow is held) and
    /// hands the time to the core.
    fn tick(&self) -> JsResult<()> {
        let passed = self.scratch.take_now();
        let now = read_now(self.now.as_ref(), passed)?;
        self.clock.set(now);
        Ok(())
    }

    /// Runs one core call: clock first, then the borrow, then removals.
    /// Inlined into each export, so only the closure is per export; the
    /// shared work is in the out-of-line [`Self::enter`] and [`Self::finish`].
    #[inline(always)]
    fn call<T>(&self, f: impl FnOnce(&mut MemoryTier) -> Result<T>) -> JsResult<T> {
        let result = self.run(f);
        self.finish(result)
    }

    /// The clock, then the core call under the borrow; removals stay queued.
    #[inline(always)]
    pub(crate) fn run<T>(&self, f: impl FnOnce(&mut MemoryTier) -> Result<T>) -> JsResult<T> {
        let mut tier = self.enter()?;
        self.scratch.sync_dropped(&mut tier);
        let result = f(&mut tier);
        self.scratch.publish_dropped(&tier);
        js(result)
    }

    /// Reads the clock, then borrows the tier for one core call.
    #[inline(never)]
    fn enter(&self) -> JsResult<RefMut<'_, MemoryTier>> {
        self.tick()?;
        self.tier_mut()
    }

    /// The tier, borrowed for one core call.
    fn tier_mut(&self) -> JsResult<RefMut<'_, MemoryTier>> {
        self.tier.try_borrow_mut().map_err(|_| {
            // Unreachable by construction (no JS runs during a borrow), but a
            // panic would kill the whole isolate, so it is an error instead.
            into_js(CacheError::LimitExceeded {
                what: "re-entrant calls into one cache",
                limit: 1,
            })
        })
    }

    /// Delivers the removals a call queued, then hands its result on.
    #[inline(always)]
    pub(crate) fn finish<T>(&self, result: JsResult<T>) -> JsResult<T> {
        // A call that failed before its clock tick must not leave its time
        // for the next call.
        self.scratch.take_now();
        self.deliver_removals();
        result
    }

    /// Whether time comes from a user `now` function (user JS) rather than `Date.now`.
    pub(crate) fn has_host_clock(&self) -> bool {
        self.now.is_some()
    }

    /// Hands queued removals to the JS listener, after the borrow is released.
    pub(crate) fn deliver_removals(&self) {
        let Some((queued, listener)) = take_queued(&self.removals, &self.listener) else {
            return;
        };
        for (ns, key, cause) in queued {
            // The JS layer guards the user's listener; a throw here must not
            // stop the other notifications or fail the call that caused them.
            let _ = listener.call3(
                &JsValue::UNDEFINED,
                &ns.into(),
                &key.into(),
                &cause.name().into(),
            );
        }
    }
}

/// The options of one write.
pub(crate) fn write_options<'a>(
    ttl: &JsValue,
    idle: &JsValue,
    tags: &'a [&'a str],
    stale: &JsValue,
) -> Result<SetOptions<'a>> {
    Ok(SetOptions {
        ttl: ttl_arg(ttl)?,
        idle: ttl_arg(idle)?,
        tags,
        stale_ms: stale_arg(stale)?,
    })
}

/// A count as a JS number (exact below 2^53, which any count here is).
fn count(n: u64) -> f64 {
    n as f64
}

/// Packs optional values: per value a u32 LE length (`u32::MAX` = missing),
/// then the values back to back (the tiered `getManyPacked` answer; the
/// memory cache answers in place, js_scratch.rs).
#[cfg(feature = "js-tiered")]
pub(crate) fn pack_values(values: &[Option<Vec<u8>>]) -> Result<Vec<u8>> {
    let data: usize = values.iter().flatten().map(Vec::len).sum();
    let mut out = Vec::with_capacity(values.len().saturating_mul(4).saturating_add(data));
    for value in values {
        let len = match value {
            Some(v) => u32::try_from(v.len())
                .ok()
                .filter(|&l| l != u32::MAX)
                .ok_or(CacheError::LimitExceeded {
                    what: "bytes in one packed value",
                    limit: u64::from(u32::MAX - 1),
                })?,
            None => u32::MAX,
        };
        out.extend_from_slice(&len.to_le_bytes());
    }
    for value in values.iter().flatten() {
        out.extend_from_slice(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "js-tiered")]
    fn packs_lengths_then_values() {
        let packed = pack_values(&[Some(b"ab".to_vec()), None, Some(Vec::new())]).unwrap();
        assert_eq!(
            packed,
            [2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, b'a', b'b']
        );
        assert!(pack_values(&[]).unwrap().is_empty());
    }
}
