//! Counters of the memory tier and the removal notifications it sends.

use crate::memory::namespaces::Ns;

/// Why an entry left the tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalCause {
    /// Evicted to respect `max_entries` or `max_bytes`.
    Capacity,
    /// Its TTL or idle time ran out.
    Expired,
    /// Deleted, cleared, or invalidated by the caller.
    Explicit,
}

impl RemovalCause {
    /// Stable lowercase name for the bindings.
    pub fn name(self) -> &'static str {
        match self {
            RemovalCause::Capacity => "capacity",
            RemovalCause::Expired => "expired",
            RemovalCause::Explicit => "explicit",
        }
    }
}

/// Whether a read returned a fresh entry or one inside its stale window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Not expired.
    Fresh,
    /// Expired, inside its stale window.
    Stale,
}

/// What a removal listener is told.
#[derive(Debug, Clone, Copy)]
pub struct Removal<'a> {
    /// The namespace the entry was in.
    pub ns: Ns,
    /// The entry's key.
    pub key: &'a str,
    /// Why it left.
    pub cause: RemovalCause,
}

/// A listener for removals; see [`crate::memory::MemoryTier::set_removal_listener`].
pub type RemovalListener = Box<dyn FnMut(&Removal<'_>)>;

/// A snapshot of the tier's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Reads that found a live entry.
    pub hits: u64,
    /// Stale entries served by `get_allowing_stale`.
    pub stale_hits: u64,
    /// Reads that found nothing (or only an expired entry).
    pub misses: u64,
    /// Successful writes.
    pub sets: u64,
    /// Entries removed by an explicit delete.
    pub deletes: u64,
    /// Entries removed to respect a bound.
    pub evictions_capacity: u64,
    /// Entries removed because they expired (lazily or by the timer wheel).
    pub evictions_expired: u64,
    /// Entries removed by delete, clear, pattern or tag invalidation.
    pub evictions_explicit: u64,
    /// Live entries now (expired ones not yet reclaimed included).
    pub entries: u64,
    /// Current total weight in bytes.
    pub bytes: u64,
}

impl Stats {
    /// hits / (hits + misses), or 0 when nothing was read.
    pub fn hit_ratio(&self) -> f64 {
        let total = self.hits.saturating_add(self.misses);
        if total == 0 {
            0.0
        } else {
            self.hits as f64 / total as f64
        }
    }

    pub(crate) fn count_removal(&mut self, cause: RemovalCause) {
        let counter = match cause {
            RemovalCause::Capacity => &mut self.evictions_capacity,
            RemovalCause::Expired => &mut self.evictions_expired,
            RemovalCause::Explicit => &mut self.evictions_explicit,
        };
        *counter = counter.saturating_add(1);
    }
}
