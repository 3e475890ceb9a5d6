//! Eviction policies. Each one orders the slots of the memory tier and picks
//! victims in O(1); the tier owns the entries, a policy only sees slot numbers,
//! key hashes and weights, and keeps its own per-slot state in [`Links`] arenas.
//!
//! Contract between the tier and a policy:
//! - `insert` is called once when a slot gets a new entry;
//! - `access` on every hit (`get`, not `peek`);
//! - `update` when a live entry's value (and so its weight) is replaced;
//! - `remove` when an entry leaves for any reason other than `evict`
//!   (delete, expiry, invalidation);
//! - `evict` chooses a victim, detaches it from the policy and returns its slot;
//!   the tier then drops the entry without calling `remove`;
//! - `miss` reports a lookup of an absent key (frequency-based admission uses it).
//!
//! [`Links`]: crate::memory::links::Links

mod lru;

use lru::Lru;

/// Which eviction policy a memory tier uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvictionPolicy {
    /// Least recently used.
    Lru,
    /// Least frequently used (O(1) frequency buckets), ties broken by recency.
    Lfu,
    /// First in, first out: hits do not reorder.
    Fifo,
    /// S3-FIFO: a small probationary FIFO, a main FIFO with reinsertion, and a
    /// ghost queue. Scan-resistant; the default.
    #[default]
    S3Fifo,
}

impl EvictionPolicy {
    /// Parses the names used by the bindings: `lru`, `lfu`, `fifo`, `s3-fifo`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "lru" => Some(EvictionPolicy::Lru),
            "lfu" => Some(EvictionPolicy::Lfu),
            "fifo" => Some(EvictionPolicy::Fifo),
            "s3-fifo" | "s3fifo" => Some(EvictionPolicy::S3Fifo),
            _ => None,
        }
    }

    /// The canonical name, the inverse of [`EvictionPolicy::from_name`].
    pub fn name(self) -> &'static str {
        match self {
            EvictionPolicy::Lru => "lru",
            EvictionPolicy::Lfu => "lfu",
            EvictionPolicy::Fifo => "fifo",
            EvictionPolicy::S3Fifo => "s3-fifo",
        }
    }
}

/// The bounds of the tier, for policies that size internal queues.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Capacity {
    pub max_entries: u64,
    pub max_bytes: u64,
}

/// A running policy. Static dispatch over the implementations.
#[derive(Debug)]
pub(crate) enum Policy {
    Lru(Lru),
}

impl Policy {
    pub(crate) fn new(kind: EvictionPolicy, capacity: Capacity) -> Self {
        let _ = (kind, capacity);
        Policy::Lru(Lru::default())
    }

    pub(crate) fn insert(&mut self, slot: u32, hash: u64, weight: u64) {
        match self {
            Policy::Lru(p) => p.insert(slot, hash, weight),
        }
    }

    pub(crate) fn access(&mut self, slot: u32) {
        match self {
            Policy::Lru(p) => p.access(slot),
        }
    }

    pub(crate) fn update(&mut self, slot: u32, weight: u64) {
        match self {
            Policy::Lru(p) => p.update(slot, weight),
        }
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        match self {
            Policy::Lru(p) => p.remove(slot),
        }
    }

    pub(crate) fn miss(&mut self, hash: u64) {
        let _ = hash;
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        match self {
            Policy::Lru(p) => p.evict(),
        }
    }

    pub(crate) fn clear(&mut self) {
        match self {
            Policy::Lru(p) => p.clear(),
        }
    }
}
