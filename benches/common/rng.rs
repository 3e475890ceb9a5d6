//! Deterministic randomness for the workloads: the seeded SplitMix64 generator
//! and Zipf sampler of `benches/support/zipf_traces.rs` (the hit-ratio traces
//! draw from the same ones). Our own, so every run (and every cache in a run)
//! sees exactly the same key order without pulling in the `rand` crate.

#[path = "../support/zipf_traces.rs"]
mod zipf_traces;

pub use zipf_traces::{SplitMix64, Zipf};

/// Checks run in test mode (`cargo test --bench native`): the harness has
/// no libtest, so these are plain functions the bench calls before anything else.
pub fn self_check() -> Result<(), String> {
    let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
    let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
    if xs != ys || xs.first() == xs.get(1) {
        return Err(format!("SplitMix64 is not deterministic: {xs:?} / {ys:?}"));
    }
    let mut order: Vec<u32> = (0..100).collect();
    a.shuffle(&mut order);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    if sorted != (0..100).collect::<Vec<u32>>() || order == sorted {
        return Err("shuffle lost, duplicated or did not move items".into());
    }
    let zipf = Zipf::new(1000, 1.0);
    let mut rng = SplitMix64::new(1);
    let draws: Vec<u64> = (0..20_000).map(|_| zipf.sample(&mut rng)).collect();
    let rank0 = draws.iter().filter(|&&r| r == 0).count();
    let rank9 = draws.iter().filter(|&&r| r == 9).count();
    // P(rank 0) = 1/H(1000) ~ 13.4 %, P(rank 9) ten times smaller.
    if !(2400..3000).contains(&rank0) || rank9 * 5 >= rank0 || draws.iter().any(|&r| r >= 1000) {
        return Err(format!(
            "Zipf(1.0) skew is off: rank 0 {rank0}, rank 9 {rank9} of 20000"
        ));
    }
    Ok(())
}
