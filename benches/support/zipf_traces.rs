//! Seeded request traces for hit-ratio measurements, shared by
//! `benches/hit_ratio.rs` (through the public memory tier) and the policy
//! simulator in `src/memory/policy/sim.rs` (through `Policy` directly).
//!
//! Keys follow a Zipf distribution (a precomputed CDF searched by binary
//! search, driven by splitmix64), optionally with a one-time sequential scan
//! of never-repeated keys spliced into the middle. Everything here is
//! deterministic: the same seed gives the same trace on every machine.

#![allow(dead_code)]

use std::fmt::Write as _;

/// splitmix64: tiny, fast, and good enough for workload generation.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (n > 0), by Lemire's multiply-shift; the bias is
    /// below 2^-32 for the sizes used here, irrelevant for a benchmark.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The splitmix64 finaliser: a bijection on u64, used to scatter key ids.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Zipf over ranks `0..n`: P(rank k) is proportional to 1 / (k + 1)^alpha.
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, alpha: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for k in 1..=n {
            total += 1.0 / (k as f64).powf(alpha);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Zipf { cdf }
    }

    pub fn sample(&self, rng: &mut SplitMix64) -> u64 {
        let u = rng.next_f64();
        let rank = self.cdf.partition_point(|&c| c <= u);
        rank.min(self.cdf.len().saturating_sub(1)) as u64
    }
}

/// The workloads of the table.
pub const ALPHAS: [f64; 4] = [0.7, 0.9, 1.0, 1.1];
pub const KEY_SPACE: u64 = 100_000;
pub const TRACE_LEN: usize = 1_500_000;
/// Cache sizes as a share of the key space, in per mille.
pub const CACHE_PER_MILLE: [u64; 3] = [1, 10, 100];
/// The one-time scan is this many times the cache size.
pub const SCAN_FACTOR: u64 = 2;

/// A Zipf trace of `len` requests over `keys` keys. Key ids are scattered with
/// `mix` so that popularity says nothing about a key's bits.
pub fn zipf_trace(alpha: f64, keys: u64, len: usize, seed: u64) -> Vec<u64> {
    let zipf = Zipf::new(keys as usize, alpha);
    let mut rng = SplitMix64::new(seed);
    (0..len).map(|_| mix(zipf.sample(&mut rng))).collect()
}

/// `base` with a sequential scan of `scan_len` keys never seen before (ids
/// above the key space) spliced into the middle.
pub fn with_scan(base: &[u64], keys: u64, scan_len: u64) -> Vec<u64> {
    let (head, tail) = base.split_at(base.len() / 2);
    let scan = (0..scan_len).map(|i| mix(keys.saturating_add(i)));
    head.iter()
        .copied()
        .chain(scan)
        .chain(tail.iter().copied())
        .collect()
}

/// One row of the table: a trace and a cache size.
pub struct Workload {
    pub alpha: f64,
    pub cache_entries: u64,
    pub cache_per_mille: u64,
    pub scan: bool,
    pub requests: Vec<u64>,
}

/// Every workload of the table, in order (one base trace per alpha).
pub fn workloads(keys: u64, len: usize) -> Vec<Workload> {
    let mut out = Vec::new();
    for (i, &alpha) in ALPHAS.iter().enumerate() {
        let base = zipf_trace(alpha, keys, len, 0x5EED_0000 + i as u64);
        for &per_mille in &CACHE_PER_MILLE {
            let cache_entries = (keys * per_mille / 1000).max(1);
            for scan in [false, true] {
                let requests = if scan {
                    with_scan(&base, keys, cache_entries * SCAN_FACTOR)
                } else {
                    base.clone()
                };
                out.push(Workload {
                    alpha,
                    cache_entries,
                    cache_per_mille: per_mille,
                    scan,
                    requests,
                });
            }
        }
    }
    out
}

/// Replays every workload against every policy and returns a markdown table
/// of hit ratios. `replay(policy, cache_entries, requests)` returns the hits.
pub fn hit_ratio_table<P: Copy>(
    policies: &[(P, &str)],
    workloads: &[Workload],
    mut replay: impl FnMut(P, u64, &[u64]) -> u64,
) -> String {
    let mut table = String::from("| zipf α | cache | scan |");
    for (_, name) in policies {
        let _ = write!(table, " {name} |");
    }
    table.push_str("\n|---|---|---|");
    for _ in policies {
        table.push_str("---|");
    }
    table.push('\n');
    for w in workloads {
        let _ = write!(
            table,
            "| {:.1} | {}% ({}) | {} |",
            w.alpha,
            w.cache_per_mille as f64 / 10.0,
            w.cache_entries,
            if w.scan { "yes" } else { "no" }
        );
        for &(policy, _) in policies {
            let hits = replay(policy, w.cache_entries, &w.requests);
            let ratio = hits as f64 / w.requests.len().max(1) as f64;
            let _ = write!(table, " {:.2}% |", ratio * 100.0);
        }
        table.push('\n');
    }
    table
}
