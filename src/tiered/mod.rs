//! L1 + L2: a [`MemoryTier`] in front of a host [`Backend`].
//!
//! - **Reads** try L1 (fresh), then L2 if the circuit breaker allows, decode
//!   the envelope (anything undecodable is a miss plus a counted error), check
//!   tag generations, and backfill L1 for no longer than the entry's remaining
//!   logical life.
//! - **Writes** go to L1 and then to L2 ([`TieredCache::set`], write-through),
//!   or to L1 now and L2 later ([`TieredCache::set_behind`] returns a
//!   [`PendingWrite`] that the binding runs with [`TieredCache::flush`] inside
//!   `waitUntil`). Deletes, clears and invalidations reach both tiers.
//! - **Stale-while-revalidate / stale-if-error**: [`TieredCache::lookup`] says
//!   Fresh / Stale / Miss across both tiers; the host runs the loader (with its
//!   own single-flight), stores the result with [`TieredCache::set`], and may
//!   coordinate isolates with [`TieredCache::try_lease`].
//! - **Faults**: transient errors are retried with backoff (sleeping through
//!   [`Backend::sleep`]); a circuit breaker degrades to L1-only; every failure
//!   is counted and reported to the event hook; L1 is never corrupted by one.
//!
//! All methods take `&self`: state lives in `RefCell`s that are never
//! borrowed across an `.await`, so overlapping calls (`Promise.all`) work.
//! L2 key layout: [`layout`]; the chunk format: [`chunks`].

mod bounds;
mod breaker;
pub mod chunks;
mod get_or_load;
mod health;
mod invalidate;
mod l1_record;
mod l2;
pub mod layout;
mod read;
mod read_many;
mod retry;
pub mod seal;
mod sealed_records;
mod stats;
mod tag_generations;
mod write;
mod write_many;

use core::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

pub use breaker::BreakerState;
pub use get_or_load::{LoadError, Loaded};
pub use health::{Health, LastFailure, Probe};
pub use layout::Layout;
pub use retry::{MAX_BACKOFF_MS, MAX_RETRIES, RetryPolicy};
pub use seal::{RandomSource, SealConfig};
pub use stats::{BackendStats, EventHook, Op, TieredEvent, TieredStats};
pub use write::{PendingWrite, WriteOptions};
pub use write_many::Removed;

use crate::backend::{Backend, BackendCaps};
use crate::clock::Clock;
use crate::codec::{Compression, EnvelopeLimits};
use crate::error::{CacheError, Result};
use crate::memory::{MemoryConfig, MemoryTier};
use bounds::ReadBounds;
use breaker::Breaker;
use retry::XorShift;
use seal::Sealer;
use tag_generations::GenerationCache;

/// Configuration of a [`TieredCache`].
#[derive(Debug, Clone)]
pub struct TieredConfig {
    /// The L1 tier.
    pub memory: MemoryConfig,
    /// First part of every L2 key (default `"ec"`); no `:`.
    pub prefix: String,
    /// Longest time an entry stays in L1 after being read from L2 (it is also
    /// never longer than the entry's remaining life); `None` = no extra cap.
    pub l1_max_ttl_ms: Option<u64>,
    /// How long tag generations read from L2 are trusted (default 1 000 ms).
    pub tag_cache_ms: u64,
    /// Retries of transient backend errors.
    pub retry: RetryPolicy,
    /// Consecutive failed operations that open the breaker (default 5; 0 = never).
    pub breaker_threshold: u32,
    /// How long the breaker stays open before a probe (default 30 000 ms).
    pub breaker_cooldown_ms: u64,
    /// Split values larger than the backend's limit into chunks (default on);
    /// off: such writes fail with VALUE_TOO_LARGE.
    pub chunking: bool,
    /// Most chunks per entry (default 512).
    pub max_chunks: u32,
    /// What envelopes read from L2 may contain.
    pub envelope_limits: EnvelopeLimits,
    /// Compression of payloads in L2 envelopes.
    pub compression: Compression,
    /// Seed of the jitter / lease-token generator (hosts pass something varying, such as the time).
    pub seed: u64,
    /// Signing / encryption of what goes to L2 (default: none). See [`seal`].
    pub seal: SealConfig,
}

impl Default for TieredConfig {
    fn default() -> Self {
        TieredConfig {
            memory: MemoryConfig::default(),
            prefix: "ec".to_string(),
            l1_max_ttl_ms: None,
            tag_cache_ms: 1_000,
            retry: RetryPolicy::default(),
            breaker_threshold: 5,
            breaker_cooldown_ms: 30_000,
            chunking: true,
            max_chunks: 512,
            envelope_limits: EnvelopeLimits::default(),
            compression: Compression::default(),
            seed: 0,
            seal: SealConfig::default(),
        }
    }
}

/// What happened to the L2 part of a write, delete or invalidation. L1 was
/// updated in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum L2Status {
    /// L2 has it.
    Written,
    /// The breaker is open: L2 was not tried (L1-only service).
    Skipped,
    /// L2 failed after retries (counted and reported to the hook).
    Failed(CacheError),
}

/// A read across both tiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Not expired.
    Fresh(Vec<u8>),
    /// Past its expiry but inside its stale window: serve it and refresh, or
    /// serve it because the origin failed.
    Stale(Vec<u8>),
    /// Nothing usable in either tier.
    Miss,
}

impl Lookup {
    /// The value, fresh or stale.
    pub fn value(self) -> Option<Vec<u8>> {
        match self {
            Lookup::Fresh(v) | Lookup::Stale(v) => Some(v),
            Lookup::Miss => None,
        }
    }
}

/// A cross-instance lease on a key, for one refresh across many isolates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// This caller holds it until its TTL ends or it is released.
    Acquired {
        /// Proves ownership when releasing.
        token: u64,
    },
    /// Someone else holds it: serve stale, do not refresh.
    Busy,
    /// No lease possible (no atomic operation, breaker open, backend error):
    /// fall back to in-isolate single-flight.
    Unavailable,
}

/// Shares one clock between the cache and its memory tier.
struct SharedClock(Rc<dyn Clock>);

impl Clock for SharedClock {
    fn now_ms(&self) -> u64 {
        self.0.now_ms()
    }
}

/// A memory tier in front of a backend. See the module docs.
pub struct TieredCache<B: Backend> {
    backend: B,
    caps: BackendCaps,
    layout: Layout,
    bounds: ReadBounds,
    config: TieredConfig,
    clock: Rc<dyn Clock>,
    l1: RefCell<MemoryTier>,
    breaker: RefCell<Breaker>,
    generations: RefCell<GenerationCache>,
    stats: RefCell<BackendStats>,
    last_failure: RefCell<Option<LastFailure>>,
    rng: RefCell<XorShift>,
    sealer: Option<Sealer>,
    hook: Option<EventHook>,
}

impl<B: Backend> TieredCache<B> {
    /// Builds a cache; fails on an invalid configuration or backend caps.
    pub fn new(mut config: TieredConfig, backend: B, clock: Rc<dyn Clock>) -> Result<Self> {
        let caps = backend.caps();
        config.envelope_limits = bounds::envelope_limits(config.envelope_limits, &config.memory);
        let bounds = ReadBounds::new(&config.envelope_limits, &caps);
        caps.validate()?;
        config.retry.validate()?;
        let layout = Layout::new(&config.prefix, caps.max_key_bytes)?;
        if config.max_chunks == 0 {
            return Err(CacheError::InvalidOption {
                name: "max_chunks",
                reason: "must be at least 1".to_string(),
            });
        }
        let sealer = Sealer::new(&config.seal, config.seed)?;
        let l1 = MemoryTier::new(
            config.memory.clone(),
            Box::new(SharedClock(Rc::clone(&clock))),
        )?;
        Ok(TieredCache {
            caps,
            layout,
            bounds,
            breaker: RefCell::new(Breaker::new(
                config.breaker_threshold,
                config.breaker_cooldown_ms,
            )),
            generations: RefCell::new(GenerationCache::new(config.tag_cache_ms)),
            rng: RefCell::new(XorShift::new(config.seed)),
            sealer,
            stats: RefCell::default(),
            last_failure: RefCell::default(),
            l1: RefCell::new(l1),
            hook: None,
            backend,
            config,
            clock,
        })
    }

    /// Calls `hook` for backend failures, corrupt entries and breaker changes.
    pub fn set_event_hook(&mut self, hook: Option<EventHook>) {
        self.hook = hook;
    }

    /// The backend (for adapters and tests).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The backend's limits as read at construction.
    pub fn caps(&self) -> &BackendCaps {
        &self.caps
    }

    /// The L2 key layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The id of namespace `name`, interned once by L1 (bounded by
    /// [`MAX_NAMESPACES`](crate::memory::MAX_NAMESPACES)); `""` is 0. Hosts
    /// pass ids across their boundary and turn them back with
    /// [`TieredCache::namespace_name`].
    pub fn namespace_id(&self, name: &str) -> Result<u32> {
        layout::check_namespace(name)?;
        Ok(cell_mut(&self.l1)?.namespace(name)?.id())
    }

    /// The name of the namespace with id `id` (from [`TieredCache::namespace_id`]).
    pub fn namespace_name(&self, id: u32) -> Result<String> {
        let l1 = cell_ref(&self.l1)?;
        l1.namespace_name(crate::memory::Ns(id))
            .map(str::to_string)
            .ok_or_else(|| CacheError::InvalidOption {
                name: "namespace",
                reason: format!("no namespace has id {id}"),
            })
    }

    /// Counters of both tiers and the breaker state.
    pub fn stats(&self) -> TieredStats {
        TieredStats {
            l1: cell_ref(&self.l1).map(|l1| l1.stats()).unwrap_or_default(),
            l2: cell_ref(&self.stats).map(|s| *s).unwrap_or_default(),
            // Only unreadable while a call holds it; report it as probing.
            breaker: cell_ref(&self.breaker)
                .map_or(BreakerState::HalfOpen { since: 0 }, |b| b.state()),
        }
    }

    /// Runs `f` on the memory tier (no `.await` can happen inside).
    pub fn with_l1<T>(&self, f: impl FnOnce(&mut MemoryTier) -> T) -> Result<T> {
        let mut l1 = cell_mut(&self.l1)?;
        Ok(f(&mut l1))
    }

    fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    fn emit(&self, event: TieredEvent<'_>) {
        if let Some(hook) = &self.hook {
            hook(&event);
        }
    }

    fn count(&self, f: impl FnOnce(&mut BackendStats)) {
        // Counting never overlaps itself; if it ever did, a lost count beats a panic.
        if let Ok(mut stats) = self.stats.try_borrow_mut() {
            f(&mut stats);
        }
    }
}

/// A mutable borrow that cannot panic: a panic would abort the whole wasm
/// instance, so overlapping use (a bug: no borrow is held across an await or
/// a callback) is reported as an error instead.
pub(crate) fn cell_mut<T>(cell: &RefCell<T>) -> Result<RefMut<'_, T>> {
    cell.try_borrow_mut().map_err(|_| overlap())
}

/// A shared borrow that cannot panic; see [`cell_mut`].
pub(crate) fn cell_ref<T>(cell: &RefCell<T>) -> Result<Ref<'_, T>> {
    cell.try_borrow().map_err(|_| overlap())
}

fn overlap() -> CacheError {
    CacheError::LimitExceeded {
        what: "overlapping use of one cache's state (re-entrant call)",
        limit: 1,
    }
}
