//! # edgecache
//!
//! A cache for edge runtimes, written once in Rust and shipped as WebAssembly.
//!
//! This crate is the no-tokio core: a memory tier bounded by entries and bytes
//! ([`MemoryTier`]), TTL with lazy and amortised expiry, eviction policies
//! (LRU, LFU, FIFO and the scan-resistant default S3-FIFO), compression,
//! stable key generation, and the versioned entry envelope used in backends.
//! The core never reads the system clock ([`Clock`] is injected) and nothing
//! reachable from WebAssembly panics.

pub mod backend;
pub mod clock;
pub mod codec;
pub mod error;
pub mod key;
pub mod memory;
pub mod pattern;
pub mod semantic;
pub mod tiered;
pub mod ttl;

#[cfg(any(feature = "js", feature = "component"))]
mod bindings;

pub use clock::{Clock, FnClock, ManualClock};
pub use error::{CacheError, Result};
pub use memory::{EvictionPolicy, MemoryConfig, MemoryTier, Ns, SetOptions, Ttl};
