//! A test-only cache simulator that drives [`Policy`] directly, the way the
//! memory tier does (a key -> slot map, reused slots, evict until within
//! bounds), to measure hit ratios before and independently of the tier.
//!
//! The traces come from `benches/support/zipf_traces.rs`, the same generator
//! the `hit_ratio` bench replays through the public `MemoryTier`.
//! Print the table with:
//! `cargo test --release --lib policy::sim -- --ignored --nocapture`

#[path = "../../../benches/support/zipf_traces.rs"]
pub(crate) mod zipf_traces;

use hashbrown::HashMap;

use super::{Capacity, EvictionPolicy, Policy};

pub(crate) struct Sim {
    policy: Policy,
    slots: HashMap<u64, u32>,
    key_of: Vec<u64>,
    free: Vec<u32>,
    max_entries: usize,
}

impl Sim {
    pub(crate) fn new(kind: EvictionPolicy, max_entries: u64) -> Self {
        let capacity = Capacity {
            max_entries,
            max_bytes: u64::MAX / 4,
        };
        Sim {
            policy: Policy::new(kind, capacity),
            slots: HashMap::new(),
            key_of: Vec::new(),
            free: Vec::new(),
            max_entries: max_entries as usize,
        }
    }

    /// One `get`, followed by a `set` on a miss. Returns whether it hit.
    /// Keys are already well mixed, so they double as their own hash.
    pub(crate) fn request(&mut self, key: u64) -> bool {
        if let Some(&slot) = self.slots.get(&key) {
            self.policy.access(slot);
            return true;
        }
        self.policy.miss(key);
        let slot = self.free.pop().unwrap_or_else(|| {
            self.key_of.push(0);
            (self.key_of.len() - 1) as u32
        });
        self.key_of[slot as usize] = key;
        self.slots.insert(key, slot);
        self.policy.insert(slot, key, 64);
        while self.slots.len() > self.max_entries {
            let victim = self.policy.evict().expect("a full cache has a victim");
            let victim_key = self.key_of[victim as usize];
            assert_eq!(self.slots.remove(&victim_key), Some(victim));
            self.free.push(victim);
        }
        false
    }

    pub(crate) fn contains(&self, key: u64) -> bool {
        self.slots.contains_key(&key)
    }

    /// Replays `requests` and returns the number of hits.
    pub(crate) fn replay(kind: EvictionPolicy, max_entries: u64, requests: &[u64]) -> u64 {
        let mut sim = Sim::new(kind, max_entries);
        requests.iter().filter(|&&k| sim.request(k)).count() as u64
    }
}

pub(crate) const ALL: [(EvictionPolicy, &str); 4] = [
    (EvictionPolicy::Lru, "LRU"),
    (EvictionPolicy::Fifo, "FIFO"),
    (EvictionPolicy::Lfu, "LFU"),
    (EvictionPolicy::S3Fifo, "S3-FIFO"),
];

#[cfg(test)]
mod tests {
    use super::zipf_traces::{KEY_SPACE, TRACE_LEN, hit_ratio_table, workloads, zipf_trace};
    use super::*;

    #[test]
    fn zipf_traces_are_deterministic_and_skewed() {
        let a = zipf_trace(1.0, 1000, 20_000, 7);
        assert_eq!(a, zipf_trace(1.0, 1000, 20_000, 7));
        let top = zipf_traces::mix(0);
        let tenth = zipf_traces::mix(9);
        let count = |k: u64| a.iter().filter(|&&x| x == k).count();
        // Rank 1 is ten times as likely as rank 10 at alpha 1.
        assert!(
            count(top) > 5 * count(tenth),
            "{} {}",
            count(top),
            count(tenth)
        );
    }

    #[test]
    fn s3fifo_beats_lru_and_shrugs_off_a_scan_on_a_small_trace() {
        let base = zipf_trace(1.0, 10_000, 200_000, 1);
        let scanned = zipf_traces::with_scan(&base, 10_000, 200);
        for trace in [&base, &scanned] {
            let lru = Sim::replay(EvictionPolicy::Lru, 100, trace);
            let s3 = Sim::replay(EvictionPolicy::S3Fifo, 100, trace);
            let fifo = Sim::replay(EvictionPolicy::Fifo, 100, trace);
            assert!(s3 > lru, "s3-fifo {s3} vs lru {lru}");
            assert!(lru > fifo, "lru {lru} vs fifo {fifo}");
        }
    }

    /// The full table of the brief (about a minute in release mode).
    #[test]
    #[ignore = "slow: run in release with --ignored --nocapture"]
    fn print_hit_ratio_table() {
        let workloads = workloads(KEY_SPACE, TRACE_LEN);
        let table = hit_ratio_table(&ALL, &workloads, Sim::replay);
        println!("{table}");
    }
}
