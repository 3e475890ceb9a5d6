//! Shared setup for the tiered integration tests: a manual clock, a shared
//! MemoryBackend, and a tiny executor (backend futures are ready at once
//! unless the backend is held).
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::future::Future;
use std::rc::Rc;

use edgecache::ManualClock;
use edgecache::backend::{BackendCaps, MemoryBackend, poll_ready};
use edgecache::tiered::{TieredCache, TieredConfig};

pub const T0: u64 = 1_700_000_000_000;

/// Runs a future whose backend calls complete at once.
pub fn run<F: Future>(future: F) -> F::Output {
    match poll_ready(future) {
        Some(out) => out,
        None => panic!("future did not complete in one poll"),
    }
}

pub fn clock() -> ManualClock {
    ManualClock::new(T0)
}

pub fn backend(caps: BackendCaps, clock: &ManualClock) -> MemoryBackend {
    MemoryBackend::new(caps, Rc::new(clock.clone()))
}

pub fn cache_with(
    config: TieredConfig,
    backend: &MemoryBackend,
    clock: &ManualClock,
) -> TieredCache<MemoryBackend> {
    TieredCache::new(config, backend.clone(), Rc::new(clock.clone())).unwrap()
}

/// A cache over an unlimited backend; returns (cache, backend, clock).
pub fn setup() -> (TieredCache<MemoryBackend>, MemoryBackend, ManualClock) {
    let clock = clock();
    let backend = backend(BackendCaps::unlimited(), &clock);
    let cache = cache_with(TieredConfig::default(), &backend, &clock);
    (cache, backend, clock)
}
