//! # edgecache
//!
//! A cache for edge runtimes, written once in Rust and shipped as WebAssembly:
//! an npm package for Cloudflare Workers, Deno and Node, and a WASI Preview 2
//! component. This crate is the no-tokio core; the bindings only translate.
//!
//! ## The map
//!
//! | layer | module | what it decides |
//! | --- | --- | --- |
//! | memory tier (L1) | [`memory`] | index, eviction ([`EvictionPolicy`]: LRU, LFU, FIFO, S3-FIFO), TTL / idle / stale windows, weights in bytes, namespaces, tags, counters, stats |
//! | tiering (L1 + L2) | [`tiered`] | read and write paths over a [`Backend`], chunking, sealing (HMAC / XChaCha20-Poly1305), tag generations, leases, retries, the circuit breaker, backend stats |
//! | semantic index | [`semantic`] | query vectors beside the memory tier (charged to their entries, dropped with them), brute-force cosine top-k (wasm SIMD), int8 rows, the model-and-query entry key |
//! | backends | [`backend`] | the [`Backend`] trait, [`BackendCaps`] (each service's honest limits, by preset), [`backend::MemoryBackend`] for tests |
//! | formats | [`codec`], [`key`] | the versioned entry envelope, compression, CRC; namespacing, argument keys, fitting keys to a store |
//! | helpers | [`ttl`], [`pattern`], [`clock`], [`error`] | duration parsing, Redis-style globs (linear time), the injected clock, the one error type |
//! | bindings | `src/bindings/` (private) | wasm-bindgen classes for the npm package; wit-bindgen exports for the component |
//!
//! The core never reads the system clock ([`Clock`] is injected), has no wasm
//! dependency (`cargo test` runs natively) and nothing reachable from
//! WebAssembly panics.
//!
//! ## Cargo features: which feature builds which .wasm
//!
//! | feature | target | artefact | entry |
//! | --- | --- | --- | --- |
//! | (none) | native | this library, its tests and benches | — |
//! | `js` | `wasm32-unknown-unknown` | `edgecache_bg.wasm` (memory tier only, kept small) | npm `edgecache` |
//! | `js-tiered` | `wasm32-unknown-unknown` | `edgecache_tiered_bg.wasm` (plus backends and sealing) | npm `edgecache/tiered` |
//! | `js-semantic` | `wasm32-unknown-unknown` + `simd128`, opt-level 3 | `edgecache_semantic_bg.wasm` (memory tier plus the vector index) | npm `edgecache/semantic` |
//! | `component` | `wasm32-wasip2` | the `cache` world component | wasmtime, jco |
//! | `component-tiered` | `wasm32-wasip2` | the `tiered-cache` world component (imports a backend) | wasmtime, jco |
//!
//! `scripts/build.sh` builds the npm package, `scripts/build-component.sh` the components.
//!
//! ## How to add …
//!
//! - **a policy**: one file in `src/memory/policy/` implementing the policy
//!   trait of [`memory`]'s `policy` module (admission, hit, victim); add it to
//!   [`EvictionPolicy`] and to the hit-ratio bench (`benches/hit_ratio.rs`).
//! - **a backend**: on the JS side an adapter object in `js/adapters/`
//!   (get/set/delete, optional batches, listing and `setIfAbsent`) with a
//!   `caps.preset` or explicit caps; on the component side the WIT `backend`
//!   import. If the service has new limits, add a preset next to
//!   [`BackendCaps`] (`src/backend/presets.rs`), and run it through
//!   `tests/backends/cases.mjs` on the real service.
//! - **a host**: a binding under `src/bindings/` that converts arguments, calls
//!   the core once and maps [`CacheError`] to the host's error; no decisions.
//!
//! ## Examples
//!
//! The memory tier, with time injected:
//!
//! ```
//! use edgecache::{ManualClock, MemoryConfig, MemoryTier, Ns, SetOptions, Ttl};
//!
//! let clock = ManualClock::new(1_700_000_000_000);
//! let mut cache = MemoryTier::new(
//!     MemoryConfig { max_entries: 10_000, max_bytes: 32 << 20, ..MemoryConfig::default() },
//!     Box::new(clock.clone()),
//! )?;
//! let opts = SetOptions { ttl: Ttl::Ms(60_000), tags: &["users"], ..SetOptions::default() };
//! cache.set(Ns::DEFAULT, "user:1", br#"{"name":"Ada"}"#, &opts)?;
//! assert_eq!(cache.get(Ns::DEFAULT, "user:1")?.as_deref(), Some(&br#"{"name":"Ada"}"#[..]));
//! assert_eq!(cache.invalidate_tags(Ns::DEFAULT, &["users"])?, 1);
//! assert!(cache.get(Ns::DEFAULT, "user:1")?.is_none());
//! # Ok::<(), edgecache::CacheError>(())
//! ```
//!
//! A tiered cache over the in-process [`backend::MemoryBackend`]; backend
//! futures are ready at once there, so [`backend::poll_ready`] runs each call
//! (a JS host awaits Promises instead):
//!
//! ```
//! use std::rc::Rc;
//! use edgecache::backend::{poll_ready, MemoryBackend};
//! use edgecache::{BackendCaps, Clock, ManualClock, TieredCache, TieredConfig, Ttl, WriteOptions};
//!
//! let clock: Rc<dyn Clock> = Rc::new(ManualClock::new(1_700_000_000_000));
//! let store = MemoryBackend::new(BackendCaps::workers_kv(), Rc::clone(&clock));
//! let writer = TieredCache::new(TieredConfig::default(), store.clone(), Rc::clone(&clock))?;
//! let opts = WriteOptions { ttl: Ttl::Ms(60_000), stale_ms: None, tags: &[] };
//! poll_ready(writer.set("", "greeting", b"hello", &opts)).expect("ready")?;
//!
//! // Another isolate on the same store reads it through L2.
//! let reader = TieredCache::new(TieredConfig::default(), store, clock)?;
//! let value = poll_ready(reader.get("", "greeting")).expect("ready")?;
//! assert_eq!(value.as_deref(), Some(&b"hello"[..]));
//! # Ok::<(), edgecache::CacheError>(())
//! ```

#![warn(missing_docs)]

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

pub use backend::{Backend, BackendCaps};
pub use clock::{Clock, FnClock, ManualClock};
pub use error::{CacheError, Result};
pub use memory::{EvictionPolicy, MemoryConfig, MemoryTier, Ns, SetOptions, Ttl};
pub use tiered::{TieredCache, TieredConfig, WriteOptions};
