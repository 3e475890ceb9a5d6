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

mod fifo;
mod ghost;
mod lfu;
mod lru;
mod s3fifo;
#[cfg(test)]
mod sim;
mod slots;

use fifo::Fifo;
use lfu::Lfu;
use lru::Lru;
use s3fifo::S3Fifo;

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
    Lfu(Lfu),
    Fifo(Fifo),
    S3Fifo(S3Fifo),
}

impl Policy {
    pub(crate) fn new(kind: EvictionPolicy, capacity: Capacity) -> Self {
        match kind {
            EvictionPolicy::Lru => Policy::Lru(Lru::default()),
            EvictionPolicy::Lfu => Policy::Lfu(Lfu::default()),
            EvictionPolicy::Fifo => Policy::Fifo(Fifo::default()),
            EvictionPolicy::S3Fifo => Policy::S3Fifo(S3Fifo::new(capacity)),
        }
    }

    /// A slot got a new entry; `hash` is the hash of its (namespace, key), `weight` its size in bytes.
    pub(crate) fn insert(&mut self, slot: u32, hash: u64, weight: u64) {
        match self {
            Policy::Lru(p) => p.insert(slot, hash, weight),
            Policy::Lfu(p) => p.insert(slot, hash, weight),
            Policy::Fifo(p) => p.insert(slot, hash, weight),
            Policy::S3Fifo(p) => p.insert(slot, hash, weight),
        }
    }

    /// A hit on a live slot.
    #[inline]
    pub(crate) fn access(&mut self, slot: u32) {
        match self {
            Policy::Lru(p) => p.access(slot),
            Policy::Lfu(p) => p.access(slot),
            Policy::Fifo(_) => {}
            Policy::S3Fifo(p) => p.access(slot),
        }
    }

    /// A live slot's value was replaced and now weighs `weight` bytes.
    pub(crate) fn update(&mut self, slot: u32, weight: u64) {
        match self {
            Policy::Lru(p) => p.update(slot, weight),
            Policy::Lfu(p) => p.update(slot, weight),
            Policy::Fifo(_) => {}
            Policy::S3Fifo(p) => p.update(slot, weight),
        }
    }

    /// A slot left for a reason other than eviction.
    pub(crate) fn remove(&mut self, slot: u32) {
        match self {
            Policy::Lru(p) => p.remove(slot),
            Policy::Lfu(p) => p.remove(slot),
            Policy::Fifo(p) => p.remove(slot),
            Policy::S3Fifo(p) => p.remove(slot),
        }
    }

    /// A lookup of an absent key. No policy uses it yet (it is the hook for
    /// frequency-based admission); S3-FIFO's ghost queue already remembers
    /// recently evicted keys at insert time.
    pub(crate) fn miss(&mut self, hash: u64) {
        let _ = hash;
    }

    /// Chooses a victim, detaches it and returns its slot; `None` when empty.
    pub(crate) fn evict(&mut self) -> Option<u32> {
        match self {
            Policy::Lru(p) => p.evict(),
            Policy::Lfu(p) => p.evict(),
            Policy::Fifo(p) => p.evict(),
            Policy::S3Fifo(p) => p.evict(),
        }
    }

    /// Forgets every slot (the tier was cleared).
    pub(crate) fn clear(&mut self) {
        match self {
            Policy::Lru(p) => p.clear(),
            Policy::Lfu(p) => p.clear(),
            Policy::Fifo(p) => p.clear(),
            Policy::S3Fifo(p) => p.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sim::Sim;
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const KINDS: [EvictionPolicy; 4] = [
        EvictionPolicy::Lru,
        EvictionPolicy::Lfu,
        EvictionPolicy::Fifo,
        EvictionPolicy::S3Fifo,
    ];

    #[test]
    fn names_round_trip() {
        for kind in KINDS {
            assert_eq!(EvictionPolicy::from_name(kind.name()), Some(kind));
        }
        assert_eq!(EvictionPolicy::default(), EvictionPolicy::S3Fifo);
        assert_eq!(EvictionPolicy::from_name("arc"), None);
    }

    #[test]
    fn a_one_time_scan_does_not_flush_hot_keys_from_s3fifo() {
        let hot: Vec<u64> = (0..50).collect();
        let survivors = |kind| {
            let mut sim = Sim::new(kind, 100);
            for _ in 0..3 {
                for &k in &hot {
                    sim.request(k);
                }
            }
            for k in 1_000..1_300 {
                assert!(!sim.request(k));
            }
            hot.iter().filter(|&&k| sim.contains(k)).count()
        };
        assert_eq!(survivors(EvictionPolicy::S3Fifo), hot.len());
        assert_eq!(survivors(EvictionPolicy::Lfu), hot.len());
        assert_eq!(survivors(EvictionPolicy::Lru), 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert { hash: u64, weight: u64 },
        Access(usize),
        Update(usize, u64),
        Remove(usize),
        Miss(u64),
        Evict,
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0..40u64, 1..300u64).prop_map(|(hash, weight)| Op::Insert { hash, weight }),
            6 => any::<usize>().prop_map(Op::Access),
            2 => (any::<usize>(), 1..300u64).prop_map(|(i, w)| Op::Update(i, w)),
            2 => any::<usize>().prop_map(Op::Remove),
            1 => (0..40u64).prop_map(Op::Miss),
            4 => Just(Op::Evict),
            1 => Just(Op::Clear),
        ]
    }

    fn pick(live: &BTreeSet<u32>, i: usize) -> Option<u32> {
        live.iter().nth(i.checked_rem(live.len())?).copied()
    }

    proptest! {
        /// Whatever the sequence, a policy only returns live slots, each once,
        /// and draining returns exactly the live slots.
        #[test]
        fn every_policy_returns_each_live_slot_exactly_once(
            ops in proptest::collection::vec(op(), 0..200),
            max_entries in 1..50u64,
            max_bytes in 1..5_000u64,
        ) {
            for kind in KINDS {
                let mut policy = Policy::new(kind, Capacity { max_entries, max_bytes });
                let mut live = BTreeSet::new();
                for op in &ops {
                    match *op {
                        Op::Insert { hash, weight } => {
                            // The tier reuses the lowest free slot.
                            let slot = (0..).find(|s| !live.contains(s)).unwrap();
                            policy.insert(slot, hash, weight);
                            live.insert(slot);
                        }
                        Op::Access(i) => if let Some(s) = pick(&live, i) { policy.access(s) },
                        Op::Update(i, w) => if let Some(s) = pick(&live, i) { policy.update(s, w) },
                        Op::Remove(i) => if let Some(s) = pick(&live, i) {
                            policy.remove(s);
                            live.remove(&s);
                        },
                        Op::Miss(hash) => policy.miss(hash),
                        Op::Evict => {
                            let victim = policy.evict();
                            prop_assert_eq!(victim.is_some(), !live.is_empty(), "{:?}", kind);
                            if let Some(v) = victim {
                                prop_assert!(live.remove(&v), "{:?} evicted dead slot {}", kind, v);
                            }
                        }
                        Op::Clear => {
                            policy.clear();
                            live.clear();
                        }
                    }
                }
                while let Some(v) = policy.evict() {
                    prop_assert!(live.remove(&v), "{:?} drained dead or repeated slot {}", kind, v);
                }
                prop_assert!(live.is_empty(), "{:?} never returned {:?}", kind, live);
            }
        }
    }
}
