//! The WASI Preview 2 component surface: the `edgecache:cache/cache` resource
//! of `wit/`, exported over the memory tier.
//!
//! Thin by design: each method converts its arguments, calls the core once and
//! maps the error (`component_convert.rs`). The clock is `wasi:clocks/wall-clock`,
//! read by the core through an [`FnClock`] whenever it needs the time. WASI 0.2
//! calls are synchronous and this world has no host callbacks, so a method
//! never re-enters the cache while it holds the tier.

use std::cell::RefCell;
use std::rc::Rc;

use crate::clock::FnClock;
use crate::error::CacheError;
use crate::memory::{MemoryTier, Ns};

use super::component_convert::{
    as_strs, check_result_bytes, to_config, to_set_options, to_wit_error, to_wit_remaining,
    to_wit_stats,
};

/// Code generated from `wit/` by wit-bindgen. The generated glue (canonical
/// ABI lifting and lowering) needs `unsafe`; none of ours does.
/// Feature `component-tiered` builds the `tiered-cache` world, a superset of
/// `memory-cache` (it includes it) that also imports a host backend and loader;
/// feature `component-keyvalue` the `tiered-keyvalue` world (wasi:keyvalue as L2).
#[allow(unsafe_code, clippy::all)]
pub(crate) mod wit {
    #[cfg(not(any(feature = "component-tiered", feature = "component-keyvalue")))]
    wit_bindgen::generate!({
        path: "wit",
        world: "memory-cache",
        generate_all,
    });
    #[cfg(feature = "component-keyvalue")]
    wit_bindgen::generate!({
        path: "wit",
        world: "tiered-keyvalue",
        generate_all,
    });
    #[cfg(all(feature = "component-tiered", not(feature = "component-keyvalue")))]
    wit_bindgen::generate!({
        path: "wit",
        world: "tiered-cache",
        generate_all,
    });
}

use wit::exports::edgecache::cache::cache::{Cache as CacheHandle, Guest, GuestCache};
use wit::exports::edgecache::cache::types::{
    Error, Options, Remaining, SetOptions, StaleRead, Stats,
};
use wit::wasi::clocks::wall_clock;

type WitResult<T> = Result<T, Error>;

/// Milliseconds since the Unix epoch from the host's wall clock.
pub(crate) fn wall_clock_ms() -> u64 {
    let t = wall_clock::now();
    t.seconds
        .saturating_mul(1000)
        .saturating_add(u64::from(t.nanoseconds / 1_000_000))
}

/// The exported component.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) struct Component;

impl Guest for Component {
    type Cache = CacheView;
}

/// One `cache` resource: a shared tier and the namespace this view works in.
pub(crate) struct CacheView {
    tier: Rc<RefCell<MemoryTier>>,
    ns: Ns,
    /// The view made by the constructor: `clear` empties the whole tier.
    root: bool,
}

impl CacheView {
    /// Runs one core call on the tier and maps its error.
    fn call<T>(&self, f: impl FnOnce(&mut MemoryTier, Ns) -> crate::Result<T>) -> WitResult<T> {
        // Cannot fail (no call re-enters), but a busy tier must not trap.
        let mut tier = self
            .tier
            .try_borrow_mut()
            .map_err(|_| to_wit_error(CacheError::Closed))?;
        f(&mut tier, self.ns).map_err(to_wit_error)
    }

    fn write<T>(
        &self,
        options: &SetOptions,
        f: impl FnOnce(&mut MemoryTier, Ns, &crate::SetOptions<'_>) -> crate::Result<T>,
    ) -> WitResult<T> {
        let tags = as_strs(&options.tags);
        let opts = to_set_options(options, &tags);
        self.call(|t, ns| f(t, ns, &opts))
    }
}

impl GuestCache for CacheView {
    fn new(options: Options) -> WitResult<CacheView> {
        let config = to_config(&options).map_err(to_wit_error)?;
        let tier =
            MemoryTier::new(config, Box::new(FnClock(wall_clock_ms))).map_err(to_wit_error)?;
        Ok(CacheView {
            tier: Rc::new(RefCell::new(tier)),
            ns: Ns::DEFAULT,
            root: true,
        })
    }

    fn namespace(&self, name: String) -> WitResult<CacheHandle> {
        let ns = self.call(|t, _| t.namespace(&name))?;
        Ok(CacheHandle::new(CacheView {
            tier: Rc::clone(&self.tier),
            ns,
            root: false,
        }))
    }

    fn get(&self, key: String) -> WitResult<Option<Vec<u8>>> {
        self.call(|t, ns| Ok(t.get(ns, &key)?.map(|v| v.into_owned())))
    }

    fn peek(&self, key: String) -> WitResult<Option<Vec<u8>>> {
        self.call(|t, ns| Ok(t.peek(ns, &key)?.map(|v| v.into_owned())))
    }

    fn get_stale(&self, key: String, max_stale_ms: u64) -> WitResult<Option<StaleRead>> {
        self.call(|t, ns| {
            Ok(t.get_allowing_stale(ns, &key, max_stale_ms)?
                .map(|(v, freshness)| StaleRead {
                    value: v.into_owned(),
                    stale: freshness == crate::memory::Freshness::Stale,
                }))
        })
    }

    fn has(&self, key: String) -> WitResult<bool> {
        self.call(|t, ns| t.has(ns, &key))
    }

    fn set(&self, key: String, value: Vec<u8>, options: SetOptions) -> WitResult<()> {
        self.write(&options, |t, ns, o| t.set(ns, &key, &value, o))
    }

    fn add(&self, key: String, value: Vec<u8>, options: SetOptions) -> WitResult<bool> {
        self.write(&options, |t, ns, o| t.add(ns, &key, &value, o))
    }

    fn replace(&self, key: String, value: Vec<u8>, options: SetOptions) -> WitResult<bool> {
        self.write(&options, |t, ns, o| t.replace(ns, &key, &value, o))
    }

    fn delete(&self, key: String) -> WitResult<bool> {
        self.call(|t, ns| t.delete(ns, &key))
    }

    fn get_many(&self, keys: Vec<String>) -> WitResult<Vec<Option<Vec<u8>>>> {
        let values = self.call(|t, ns| t.get_many(ns, &as_strs(&keys)))?;
        check_result_bytes(&values).map_err(to_wit_error)?;
        Ok(values)
    }

    fn set_many(&self, items: Vec<(String, Vec<u8>)>, options: SetOptions) -> WitResult<()> {
        let items: Vec<(&str, &[u8])> = items
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        self.write(&options, |t, ns, o| t.set_many(ns, &items, o))
    }

    fn delete_many(&self, keys: Vec<String>) -> WitResult<u64> {
        self.call(|t, ns| t.delete_many(ns, &as_strs(&keys)))
    }

    fn has_many(&self, keys: Vec<String>) -> WitResult<Vec<bool>> {
        self.call(|t, ns| t.has_many(ns, &as_strs(&keys)))
    }

    fn ttl(&self, key: String) -> WitResult<Remaining> {
        self.call(|t, ns| t.ttl(ns, &key).map(to_wit_remaining))
    }

    fn expire(&self, key: String, ttl_ms: u64) -> WitResult<bool> {
        self.call(|t, ns| t.expire(ns, &key, ttl_ms))
    }

    fn persist(&self, key: String) -> WitResult<bool> {
        self.call(|t, ns| t.persist(ns, &key))
    }

    fn touch(&self, key: String) -> WitResult<bool> {
        self.call(|t, ns| t.touch(ns, &key))
    }

    fn incr(&self, key: String, delta: i64) -> WitResult<i64> {
        self.call(|t, ns| t.incr(ns, &key, delta))
    }

    fn decr(&self, key: String, delta: i64) -> WitResult<i64> {
        self.call(|t, ns| t.decr(ns, &key, delta))
    }

    fn keys(&self, pattern: String) -> WitResult<Vec<String>> {
        self.call(|t, ns| t.keys(ns, &pattern))
    }

    fn count_matching(&self, pattern: String) -> WitResult<u64> {
        self.call(|t, ns| t.count_matching(ns, &pattern))
    }

    fn delete_matching(&self, pattern: String) -> WitResult<u64> {
        self.call(|t, ns| t.delete_matching(ns, &pattern))
    }

    fn invalidate_tags(&self, tags: Vec<String>) -> WitResult<u64> {
        self.call(|t, ns| t.invalidate_tags(ns, &as_strs(&tags)))
    }

    fn clear(&self) -> WitResult<u64> {
        let root = self.root;
        self.call(|t, ns| {
            if root {
                Ok(t.clear())
            } else {
                t.clear_namespace(ns)
            }
        })
    }

    fn purge_expired(&self) -> u64 {
        self.call(|t, _| Ok(t.purge_expired())).unwrap_or(0)
    }

    fn stats(&self) -> Stats {
        // `stats` only reads; a failed borrow (impossible here) reports zeros.
        self.tier
            .try_borrow()
            .map(|t| to_wit_stats(t.stats()))
            .unwrap_or_else(|_| to_wit_stats(crate::memory::Stats::default()))
    }
}

/// The canonical-ABI entry points of the exports (generated, hence `unsafe`).
/// Only on wasm: their names (`edgecache:cache/...`) are not valid native symbols,
/// and native builds of the feature exist only to unit-test the conversions.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod entry_points {
    use super::{Component, wit};
    wit::export!(Component with_types_in wit);
}
