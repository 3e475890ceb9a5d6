//! Hit ratios of every eviction policy on seeded Zipf traces, through the
//! public memory tier. Prints a markdown table:
//!
//! `cargo bench --bench hit_ratio`
//!
//! Workloads (see `support/zipf_traces.rs`): Zipf alpha 0.7, 0.9, 1.0 and 1.1
//! over 100,000 keys, 1.5M requests, caches of 1% and 10% of the key space
//! (bounded by entries), each with and without a one-time sequential scan of
//! 2x the cache size spliced into the middle. Every request is a `get`,
//! followed by a `set` on a miss; the hit ratio counts all requests.

#[path = "support/zipf_traces.rs"]
mod zipf_traces;

use edgecache::memory::EvictionPolicy;

const POLICIES: [(EvictionPolicy, &str); 4] = [
    (EvictionPolicy::Lru, "LRU"),
    (EvictionPolicy::Fifo, "FIFO"),
    (EvictionPolicy::Lfu, "LFU"),
    (EvictionPolicy::S3Fifo, "S3-FIFO"),
];

fn main() {
    let workloads = zipf_traces::workloads(zipf_traces::KEY_SPACE, zipf_traces::TRACE_LEN);
    let table = zipf_traces::hit_ratio_table(&POLICIES, &workloads, |policy, entries, requests| {
        match through_memory_tier::replay(policy, entries, requests) {
            Ok(hits) => hits,
            Err(error) => {
                eprintln!("{} on {entries} entries failed: {error}", policy.name());
                0
            }
        }
    });
    println!("{table}");
}

/// The only code that touches the memory tier.
mod through_memory_tier {
    use edgecache::memory::{EvictionPolicy, MemoryConfig, MemoryTier, Ns, SetOptions};
    use edgecache::{ManualClock, Result};
    use std::fmt::Write;

    /// Replays `requests` (key ids) on a fresh tier of `max_entries` entries; returns the hits.
    pub fn replay(policy: EvictionPolicy, max_entries: u64, requests: &[u64]) -> Result<u64> {
        let config = MemoryConfig {
            max_entries,
            max_bytes: u64::MAX / 4,
            policy,
            ..MemoryConfig::default()
        };
        let mut tier = MemoryTier::new(config, Box::new(ManualClock::new(0)))?;
        let options = SetOptions::default();
        let mut hits = 0;
        let mut key = String::with_capacity(24);
        for &id in requests {
            key.clear();
            write!(key, "k{id}").ok();
            if tier.get(Ns::DEFAULT, &key)?.is_some() {
                hits += 1;
            } else {
                tier.set(Ns::DEFAULT, &key, b"v", &options)?;
            }
        }
        Ok(hits)
    }
}
