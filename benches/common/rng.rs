//! Deterministic randomness for the workloads: a seeded SplitMix64 generator
//! and a Zipf sampler. Our own, so every run (and every cache in a run) sees
//! exactly the same key order without pulling in the `rand` crate.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough to shuffle keys.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by Lemire's multiply-shift; the bias is
    /// below 2^-32 for the sizes used here, irrelevant for a benchmark.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Zipf over ranks `0..n`: rank `k` is drawn with probability proportional
/// to `1 / (k + 1)^s`. Sampling inverts a precomputed CDF by binary search;
/// it only runs while building traces, outside the timed loop.
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let mut cdf = Vec::with_capacity(n);
        for k in 1..=n {
            total += 1.0 / (k as f64).powf(s);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Zipf { cdf }
    }

    pub fn sample(&self, rng: &mut SplitMix64) -> usize {
        let u = rng.unit();
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len().saturating_sub(1))
    }
}

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
    let draws: Vec<usize> = (0..20_000).map(|_| zipf.sample(&mut rng)).collect();
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
