//! The `edgecache:cache/tiered` export of the `tiered-cache` world: a
//! [`TieredCache`] over the host's backend import ([`WitBackend`]), with
//! `get-or-set` calling the host's loader import.
//!
//! Thin like the memory binding: convert, one core call, map. Every import
//! is synchronous, so each core future completes on its first poll
//! ([`poll_ready`]). Should one ever not, the call returns an error; it never
//! spins or traps. The core never holds a borrow across a backend call, and
//! the component model forbids a host from re-entering the instance from an
//! import, so a loader cannot observe the cache mid-call.

use core::future::Future;
use std::rc::Rc;

use crate::backend::poll_ready;
use crate::clock::FnClock;
use crate::error::CacheError;
use crate::tiered::{LoadError, Loaded, Lookup, RandomSource, TieredCache, WriteOptions};

use super::component::wit::edgecache::cache::loader;
use super::component::wit::exports::edgecache::cache::tiered::{
    Error, Guest, GuestCache, L2Status, LoadFailure, Loaded as WitLoaded, Source, StaleRead,
    TieredOptions, TieredStats, WriteOptions as WitWriteOptions,
};
use super::component::wit::wasi::random::random;
use super::component::{Component, wall_clock_ms};
#[cfg(not(feature = "component-keyvalue"))]
use super::component_backend::WitBackend;
use super::component_convert::{as_strs, to_ttl, to_wit_error};
#[cfg(feature = "component-keyvalue")]
use super::component_keyvalue::KeyvalueBackend as WitBackend;
use super::component_tiered_convert::{to_tiered_config, to_wit_status, to_wit_tiered_stats};

type WitResult<T> = Result<T, Error>;

/// The host's secure random (`wasi:random/random`): nonces of encrypted entries.
struct WasiRandom;

impl RandomSource for WasiRandom {
    fn fill(&self, buf: &mut [u8]) -> crate::Result<()> {
        let bytes = random::get_random_bytes(buf.len() as u64);
        if bytes.len() != buf.len() {
            return Err(CacheError::Backend {
                message: "wasi:random answered with the wrong number of bytes".to_string(),
            });
        }
        buf.copy_from_slice(&bytes);
        Ok(())
    }
}

impl Guest for Component {
    type Cache = TieredView;
}

/// One tiered `cache` resource.
pub(crate) struct TieredView {
    cache: TieredCache<WitBackend>,
}

/// Runs a core future that must be ready at once (synchronous imports).
fn run<T>(future: impl Future<Output = crate::Result<T>>) -> crate::Result<T> {
    poll_ready(future).unwrap_or_else(|| {
        Err(CacheError::Backend {
            message: "a backend call did not complete synchronously".to_string(),
        })
    })
}

/// Runs `f` with the core's write options for `o` (the tags are borrowed).
fn with_write_options<T>(o: &WitWriteOptions, f: impl FnOnce(&WriteOptions<'_>) -> T) -> T {
    let tags = as_strs(&o.tags);
    f(&WriteOptions {
        ttl: to_ttl(o.ttl),
        stale_ms: o.stale_ms,
        tags: &tags,
    })
}

impl GuestCache for TieredView {
    fn new(options: TieredOptions) -> WitResult<TieredView> {
        let config = to_tiered_config(&options, wall_clock_ms(), Rc::new(WasiRandom))
            .map_err(to_wit_error)?;
        let cache = TieredCache::new(
            config,
            WitBackend::from_host(),
            Rc::new(FnClock(wall_clock_ms)),
        )
        .map_err(to_wit_error)?;
        Ok(TieredView { cache })
    }

    fn get(&self, namespace: String, key: String) -> WitResult<Option<Vec<u8>>> {
        run(self.cache.get(&namespace, &key)).map_err(to_wit_error)
    }

    fn lookup(&self, namespace: String, key: String) -> WitResult<Option<StaleRead>> {
        let found = run(self.cache.lookup(&namespace, &key)).map_err(to_wit_error)?;
        Ok(match found {
            Lookup::Fresh(value) => Some(StaleRead {
                value,
                stale: false,
            }),
            Lookup::Stale(value) => Some(StaleRead { value, stale: true }),
            Lookup::Miss => None,
        })
    }

    fn set(
        &self,
        namespace: String,
        key: String,
        value: Vec<u8>,
        options: WitWriteOptions,
    ) -> WitResult<L2Status> {
        with_write_options(&options, |o| {
            run(self.cache.set(&namespace, &key, &value, o))
        })
        .map(to_wit_status)
        .map_err(to_wit_error)
    }

    fn delete(&self, namespace: String, key: String) -> WitResult<L2Status> {
        run(self.cache.delete(&namespace, &key))
            .map(to_wit_status)
            .map_err(to_wit_error)
    }

    fn invalidate_tags(&self, namespace: String, tags: Vec<String>) -> WitResult<L2Status> {
        run(self.cache.invalidate_tags(&namespace, &as_strs(&tags)))
            .map(|r| r.l2)
            .map(to_wit_status)
            .map_err(to_wit_error)
    }

    fn get_or_set(
        &self,
        namespace: String,
        key: String,
        options: WitWriteOptions,
    ) -> Result<WitLoaded, LoadFailure> {
        let load = || async { loader::load(&namespace, &key) };
        let outcome = with_write_options(&options, |o| {
            poll_ready(self.cache.get_or_load(&namespace, &key, o, load))
        });
        match outcome {
            Some(Ok(Loaded::Cached(value))) => Ok(loaded(value, Source::Cache, None)),
            Some(Ok(Loaded::Loaded(value, _))) => Ok(loaded(value, Source::Loaded, None)),
            Some(Ok(Loaded::StaleOnError(value, error))) => {
                Ok(loaded(value, Source::Stale, Some(error)))
            }
            Some(Err(LoadError::Loader(message))) => Err(LoadFailure::Loader(message)),
            Some(Err(LoadError::Cache(error))) => Err(LoadFailure::Cache(to_wit_error(error))),
            None => Err(LoadFailure::Cache(Error::BackendError(
                "a backend call did not complete synchronously".to_string(),
            ))),
        }
    }

    fn stats(&self) -> TieredStats {
        to_wit_tiered_stats(self.cache.stats())
    }
}

fn loaded(value: Vec<u8>, source: Source, loader_error: Option<String>) -> WitLoaded {
    WitLoaded {
        value,
        source,
        loader_error,
    }
}
