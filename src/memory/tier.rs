//! The memory tier: entries in a slab of slots, found through a hash table of
//! slot numbers, ordered by an eviction policy, expired by a timer wheel.
//! This file holds the struct, its constructor and its plain accessors; the
//! methods live beside it, one idea a file:
//! - `lookup.rs`: finding a slot, its hot/cold parts, reading a value;
//! - `reads.rs`: `get`, `peek`, `get_allowing_stale`;
//! - `prepare.rs`: validating a write into a `Prepared`;
//! - `store.rs`: storing it (insert or overwrite);
//! - `expiry.rs`: deadlines, timers, reclaiming expired entries;
//! - `removal.rs`: delete, the removal path, eviction to the bounds, clear;
//! - `invariants.rs`: [`MemoryTier::validate`];
//! - `commands.rs`: the rest of the command set, built on these.
//!
//! Invariants (checked by [`MemoryTier::validate`]):
//! - `len <= max_entries` and `bytes <= max_bytes` whenever a method returns;
//! - every live slot is in the table, its namespace list, its tags and the policy;
//! - every slot with a finite `keep_until` is scheduled in the wheel (possibly
//!   early: a sliding deadline moves later without rescheduling, and the wheel
//!   re-arms it when it fires).
//!
//! An entry is *fresh* until its TTL or idle deadline, then *stale* for its
//! stale window (kept only for stale-while-revalidate / stale-if-error reads),
//! then *gone*. Every command but [`MemoryTier::get_allowing_stale`] treats a
//! stale entry as absent; removals (delete, patterns, tags) remove it too.

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::clock::Clock;
use crate::error::Result;
use crate::memory::config::MemoryConfig;
use crate::memory::entry::{Entry, EntryCold};
use crate::memory::namespaces::{Namespaces, Ns};
use crate::memory::policy::{Capacity, Policy};
use crate::memory::stats::{RemovalListener, Stats};
use crate::memory::tags::Tags;
use crate::memory::wheel::ExpiryWheel;

// Fields the sibling files need are `pub(super)`: one struct, its methods
// spread over the files listed above.
/// A bounded in-memory cache of byte values.
pub struct MemoryTier {
    pub(crate) config: MemoryConfig,
    pub(super) clock: Box<dyn Clock>,
    pub(super) hasher: DefaultHashBuilder,
    pub(super) table: HashTable<u32>,
    /// The hot part of each entry (one cache line); `None` for a free slot.
    pub(super) slots: Vec<Option<Entry>>,
    /// The cold part, same index; default for a free slot.
    pub(super) cold: Vec<EntryCold>,
    pub(super) free: Vec<u32>,
    pub(crate) len: u64,
    pub(crate) bytes: u64,
    pub(super) policy: Policy,
    pub(super) wheel: ExpiryWheel,
    pub(crate) namespaces: Namespaces,
    pub(crate) tags: Tags,
    pub(crate) stats: Stats,
    pub(super) listener: Option<RemovalListener>,
    /// A second listener for an index kept beside the tier (charge.rs).
    pub(super) hook: Option<RemovalListener>,
    pub(super) due: Vec<u32>,
    /// Slots whose host-held value the host must drop (removed, or
    /// overwritten); `None` unless [`MemoryTier::track_held`] was called.
    pub(super) dropped: Option<Vec<u32>>,
}

impl MemoryTier {
    /// Builds a tier; fails if the configuration is invalid.
    pub fn new(config: MemoryConfig, clock: Box<dyn Clock>) -> Result<Self> {
        config.validate()?;
        let now = clock.now_ms();
        let policy = Policy::new(
            config.policy,
            Capacity {
                max_entries: config.max_entries,
                max_bytes: config.max_bytes,
            },
        );
        Ok(MemoryTier {
            config,
            clock,
            hasher: DefaultHashBuilder::default(),
            table: HashTable::new(),
            slots: Vec::new(),
            cold: Vec::new(),
            free: Vec::new(),
            len: 0,
            bytes: 0,
            policy,
            wheel: ExpiryWheel::new(now),
            namespaces: Namespaces::new(),
            tags: Tags::default(),
            stats: Stats::default(),
            listener: None,
            hook: None,
            due: Vec::new(),
            dropped: None,
        })
    }

    /// The configuration this tier was built with.
    pub fn config(&self) -> &MemoryConfig {
        &self.config
    }

    /// The namespace called `name`, created on first use. `""` is [`Ns::DEFAULT`].
    pub fn namespace(&mut self, name: &str) -> Result<Ns> {
        self.namespaces.intern(name)
    }

    /// The name of a namespace handle.
    pub fn namespace_name(&self, ns: Ns) -> Option<&str> {
        self.namespaces.name(ns)
    }

    /// Calls `listener` for every entry that leaves the tier, with the reason.
    pub fn set_removal_listener(&mut self, listener: Option<RemovalListener>) {
        self.listener = listener;
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        Stats {
            entries: self.len,
            bytes: self.bytes,
            ..self.stats
        }
    }

    /// Live entries (including expired ones not yet reclaimed).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the tier holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Total weight in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now_ms()
    }
}
