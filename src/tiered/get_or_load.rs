//! Get-or-set over both tiers for hosts that run the loader inline (the WASI
//! component, whose imports are synchronous). The policy lives here so every
//! binding decides the same way:
//!
//! - fresh in L1 or L2 → the cached value, the loader does not run;
//! - stale, past its expiry by less than this call's stale-if-error window
//!   (`opts.stale_ms`) → the loader runs; its value is stored and returned;
//!   if it fails, the stale value is served (stale-if-error);
//! - miss, or staler than that window → the loader runs; its value is
//!   stored; its failure is the caller's.
//!
//! The npm build answers the same table (js/get-or-set.js: its stale-if-error
//! fallback is bounded by the call's `staleIfError`, read with
//! [`TieredCache::lookup_within`]); it adds only what needs an event loop:
//! single-flight, stale-while-revalidate in the background, leases. A
//! synchronous host cannot overlap calls, so here there is neither.

use core::future::Future;

use crate::backend::Backend;
use crate::error::CacheError;
use crate::tiered::{L2Status, Lookup, TieredCache, WriteOptions};

/// The value a get-or-load returns and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded<E> {
    /// A fresh cached value.
    Cached(Vec<u8>),
    /// The loader's value, stored with this L2 outcome.
    Loaded(Vec<u8>, L2Status),
    /// The loader failed with `E`; this stale value is served instead.
    StaleOnError(Vec<u8>, E),
}

impl<E> Loaded<E> {
    /// The value returned, wherever it came from.
    pub fn value(&self) -> &[u8] {
        match self {
            Loaded::Cached(v) | Loaded::Loaded(v, _) | Loaded::StaleOnError(v, _) => v,
        }
    }
}

/// Why a get-or-load produced no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError<E> {
    /// Invalid arguments (key, TTL, tags, value size of the loaded value).
    Cache(CacheError),
    /// The loader failed and no stale value existed.
    Loader(E),
}

impl<B: Backend> TieredCache<B> {
    /// The cached value of `key`, or `load()`'s value stored with `opts`.
    /// See the module docs for the stale-if-error rule.
    pub async fn get_or_load<E, F, Fut>(
        &self,
        ns: &str,
        key: &str,
        opts: &WriteOptions<'_>,
        load: F,
    ) -> Result<Loaded<E>, LoadError<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, E>>,
    {
        let window = opts.stale_ms.unwrap_or(0);
        let stale = match self
            .lookup_within(ns, key, window)
            .await
            .map_err(LoadError::Cache)?
        {
            Lookup::Fresh(value) => return Ok(Loaded::Cached(value)),
            Lookup::Stale(value) => Some(value),
            Lookup::Miss => None,
        };
        match load().await {
            Ok(value) => {
                let status = self
                    .set(ns, key, &value, opts)
                    .await
                    .map_err(LoadError::Cache)?;
                Ok(Loaded::Loaded(value, status))
            }
            Err(error) => match stale {
                Some(value) => Ok(Loaded::StaleOnError(value, error)),
                None => Err(LoadError::Loader(error)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use core::cell::Cell;
    use std::rc::Rc;

    use super::*;
    use crate::backend::{BackendCaps, Fault, MemoryBackend, poll_ready};
    use crate::clock::ManualClock;
    use crate::memory::Ttl;
    use crate::tiered::TieredConfig;

    fn cache() -> (TieredCache<MemoryBackend>, ManualClock) {
        let clock = ManualClock::new(1_000_000);
        let backend = MemoryBackend::new(BackendCaps::unlimited(), Rc::new(clock.clone()));
        let cache =
            TieredCache::new(TieredConfig::default(), backend, Rc::new(clock.clone())).unwrap();
        (cache, clock)
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        poll_ready(f).unwrap()
    }

    const OPTS: WriteOptions<'static> = WriteOptions {
        ttl: Ttl::Ms(1_000),
        stale_ms: Some(10_000),
        tags: &[],
    };

    #[test]
    fn a_miss_runs_the_loader_once_and_stores_the_value() {
        let (cache, _) = cache();
        let calls = Cell::new(0);
        let load = || async {
            calls.set(calls.get() + 1);
            Ok::<_, String>(b"v1".to_vec())
        };
        let first = run(cache.get_or_load("", "k", &OPTS, load)).unwrap();
        assert_eq!(first, Loaded::Loaded(b"v1".to_vec(), L2Status::Written));
        let second = run(cache.get_or_load("", "k", &OPTS, || async {
            Err::<Vec<u8>, _>("must not run".to_string())
        }))
        .unwrap();
        assert_eq!(second, Loaded::Cached(b"v1".to_vec()));
        assert_eq!(calls.get(), 1);
        // Written through: the backend holds the entry.
        assert!(cache.backend().raw_get(":k").is_none());
        assert!(cache.backend().raw_get("ec::k").is_some());
    }

    #[test]
    fn a_failing_loader_on_a_miss_is_the_callers_error() {
        let (cache, _) = cache();
        let out = run(cache.get_or_load("", "k", &OPTS, || async {
            Err::<Vec<u8>, _>("origin down")
        }));
        assert_eq!(out, Err(LoadError::Loader("origin down")));
        assert_eq!(run(cache.get("", "k")).unwrap(), None);
    }

    #[test]
    fn stale_values_are_refreshed_or_served_when_the_loader_fails() {
        let (cache, clock) = cache();
        run(cache.set("", "k", b"old", &OPTS)).unwrap();
        clock.advance(2_000); // past the TTL, inside the stale window
        let out = run(cache.get_or_load("", "k", &OPTS, || async {
            Err::<Vec<u8>, _>("origin down")
        }));
        assert_eq!(
            out,
            Ok(Loaded::StaleOnError(b"old".to_vec(), "origin down"))
        );
        let out =
            run(cache.get_or_load("", "k", &OPTS, || async { Ok::<_, &str>(b"new".to_vec()) }));
        assert_eq!(out.map(|l| l.value().to_vec()), Ok(b"new".to_vec()));
        assert_eq!(run(cache.get("", "k")).unwrap(), Some(b"new".to_vec()));
    }

    #[test]
    fn stale_on_error_is_bounded_by_the_calls_window() {
        let (cache, clock) = cache();
        run(cache.set("", "k", b"old", &OPTS)).unwrap(); // kept stale for 10 s
        clock.advance(1_000 + 5_000); // 5 s past its expiry
        let narrow = WriteOptions {
            stale_ms: Some(2_000),
            ..OPTS
        };
        let failing = || async { Err::<Vec<u8>, _>("origin down") };
        let out = run(cache.get_or_load("", "k", &narrow, failing));
        assert_eq!(
            out,
            Err(LoadError::Loader("origin down")),
            "5 s > 2 s window"
        );
        let out = run(cache.get_or_load("", "k", &OPTS, failing));
        assert_eq!(
            out,
            Ok(Loaded::StaleOnError(b"old".to_vec(), "origin down")),
            "inside the 10 s window"
        );
    }

    #[test]
    fn backend_failures_do_not_stop_the_loader_or_the_l1_copy() {
        let (cache, _) = cache();
        cache.backend().fail_next(100, Fault::Permanent);
        let out = run(cache.get_or_load("", "k", &OPTS, || async { Ok::<_, &str>(b"v".to_vec()) }))
            .unwrap();
        assert!(matches!(out, Loaded::Loaded(_, L2Status::Failed(_))));
        cache.backend().clear_faults();
        assert_eq!(run(cache.get("", "k")).unwrap(), Some(b"v".to_vec()));
    }

    #[test]
    fn invalid_arguments_are_cache_errors_before_the_loader_runs() {
        let (cache, _) = cache();
        let out = run(cache.get_or_load("", "", &OPTS, || async { Ok::<_, &str>(b"v".to_vec()) }));
        assert!(matches!(out, Err(LoadError::Cache(e)) if e.code() == "INVALID_KEY"));
    }
}
