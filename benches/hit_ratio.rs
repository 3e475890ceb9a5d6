//! Hit ratios of every eviction policy on seeded Zipf traces, through the
//! public memory tier, with Belady's optimal ratio as the ceiling. Prints a
//! markdown table:
//!
//! `cargo bench --bench hit_ratio` (`-- --dump-traces DIR` also writes the
//! Zipf 1.0 traces at 1 % as little-endian u64 files, which
//! benches/js/lru-replay.mjs replays through lru-cache).
//!
//! Workloads (see `support/zipf_traces.rs`): Zipf alpha 0.7, 0.9, 1.0 and 1.1
//! over 100,000 keys, 1.5M requests, caches of 0.1%, 1% and 10% of the key
//! space (bounded by entries), each with and without a one-time sequential
//! scan of 2x the cache size spliced into the middle. Every request is a
//! `get`, followed by a `set` on a miss; the hit ratio counts all requests.
//!
//! Without `--bench` (`cargo test --all-targets`) it only checks the Belady
//! simulator and the tier on a small trace.

#[path = "support/belady.rs"]
mod belady;
#[path = "support/zipf_traces.rs"]
mod zipf_traces;

use std::process::ExitCode;

use edgecache::memory::EvictionPolicy;

/// A column of the table: one of our policies, or the optimal ceiling.
#[derive(Clone, Copy)]
enum Column {
    Ours(EvictionPolicy),
    Belady,
}

const COLUMNS: [(Column, &str); 5] = [
    (Column::Ours(EvictionPolicy::Lru), "LRU"),
    (Column::Ours(EvictionPolicy::Fifo), "FIFO"),
    (Column::Ours(EvictionPolicy::Lfu), "LFU"),
    (Column::Ours(EvictionPolicy::S3Fifo), "S3-FIFO (default)"),
    (Column::Belady, "Belady (optimal)"),
];

fn replay(column: Column, entries: u64, requests: &[u64]) -> u64 {
    match column {
        Column::Belady => belady::optimal_hits(entries, requests),
        Column::Ours(policy) => match through_memory_tier::replay(policy, entries, requests) {
            Ok(hits) => hits,
            Err(error) => {
                eprintln!("{} on {entries} entries failed: {error}", policy.name());
                0
            }
        },
    }
}

fn dump_traces(dir: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let workloads = zipf_traces::workloads(zipf_traces::KEY_SPACE, zipf_traces::TRACE_LEN);
    for w in workloads
        .iter()
        .filter(|w| w.alpha == 1.0 && w.cache_per_mille == 10)
    {
        let bytes: Vec<u8> = w.requests.iter().flat_map(|id| id.to_le_bytes()).collect();
        let name = format!(
            "{dir}/zipf1.0-cache{}-{}.u64",
            w.cache_entries,
            if w.scan { "scan" } else { "plain" }
        );
        std::fs::write(&name, bytes)?;
        let lru = replay(
            Column::Ours(EvictionPolicy::Lru),
            w.cache_entries,
            &w.requests,
        );
        std::fs::write(format!("{name}.edgecache-lru-hits"), lru.to_string())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        // Test mode: the ceiling is right and really is a ceiling.
        let trace = zipf_traces::zipf_trace(1.0, 2_000, 40_000, 9);
        let best = belady::optimal_hits(20, &trace);
        let checks = belady::self_check().and_then(|()| {
            for (column, name) in COLUMNS {
                let hits = replay(column, 20, &trace);
                if hits > best || hits == 0 {
                    return Err(format!("{name}: {hits} hits vs optimal {best}"));
                }
            }
            Ok(())
        });
        return match checks {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hit_ratio self-check: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(dir) = args.iter().skip_while(|a| *a != "--dump-traces").nth(1)
        && let Err(e) = dump_traces(dir)
    {
        eprintln!("writing traces to {dir}: {e}");
        return ExitCode::FAILURE;
    }
    let workloads = zipf_traces::workloads(zipf_traces::KEY_SPACE, zipf_traces::TRACE_LEN);
    let table = zipf_traces::hit_ratio_table(&COLUMNS, &workloads, replay);
    println!("{table}");
    ExitCode::SUCCESS
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
