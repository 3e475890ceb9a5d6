//! The four workloads, built once before any timing: keys are prebuilt
//! `String`s, traces are slices of `&str` into them, and every cache replays
//! exactly the same trace in exactly the same order.

use crate::common::rng::{SplitMix64, Zipf};

/// What one operation of a trace does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A read.
    Get,
    /// A read that stores the value on a miss, as a read-through cache does.
    GetOrSet,
    /// A write.
    Set,
}

/// One operation of a trace.
#[derive(Clone, Copy)]
pub struct Op<'k> {
    pub key: &'k str,
    pub kind: Kind,
}

/// A workload: what to load into a fresh cache (untimed), then the trace
/// that every round replays (timed).
pub struct Workload<'k> {
    pub name: &'static str,
    pub prefill: Vec<&'k str>,
    pub ops: Vec<Op<'k>>,
    /// The hit ratio every cache must show on the reads, when it is fixed by
    /// construction (get-hit: 1, get-miss: 0); checked after the run.
    pub expected_hit_ratio: Option<f64>,
}

impl Workload<'_> {
    pub fn reads(&self) -> usize {
        self.ops.iter().filter(|op| op.kind != Kind::Set).count()
    }
}

/// Sizes of one benchmark run.
#[derive(Clone, Copy)]
pub struct Scale {
    /// Entry bound of every cache.
    pub capacity: usize,
    /// Operations per timed batch for the read workloads and the mix.
    pub ops: usize,
    /// Keys the Zipf mix draws from, as a multiple of `capacity`.
    pub zipf_universe_factor: usize,
}

/// Every key the workloads use: `user:00000000`-style, all the same length,
/// so no cache sees cheaper keys than another. Disjoint ranges serve as
/// residents, absent keys, the eviction pool and the Zipf universe.
pub struct Keys {
    keys: Vec<String>,
    capacity: usize,
}

/// How much longer the Zipf trace is than `Scale::ops` (see [`zipf_mix`]).
pub const ZIPF_TRACE_FACTOR: usize = 5;

/// Absent keys and eviction-pool keys, as multiples of the capacity.
const MISS_FACTOR: usize = 1;
const POOL_FACTOR: usize = 3;

impl Keys {
    pub fn new(scale: &Scale) -> Self {
        let n = scale.capacity * (1 + MISS_FACTOR + POOL_FACTOR).max(scale.zipf_universe_factor);
        let keys = (0..n).map(|i| format!("user:{i:08}")).collect();
        Keys {
            keys,
            capacity: scale.capacity,
        }
    }

    fn range(&self, from: usize, len: usize) -> Vec<&str> {
        self.keys
            .iter()
            .skip(from)
            .take(len)
            .map(String::as_str)
            .collect()
    }

    fn residents(&self) -> Vec<&str> {
        self.range(0, self.capacity)
    }

    fn absent(&self) -> Vec<&str> {
        self.range(self.capacity, self.capacity * MISS_FACTOR)
    }

    fn pool(&self) -> Vec<&str> {
        self.range(
            self.capacity * (1 + MISS_FACTOR),
            self.capacity * POOL_FACTOR,
        )
    }
}

fn reads<'k>(keys: &[&'k str], count: usize, rng: &mut SplitMix64) -> Vec<Op<'k>> {
    (0..count)
        .filter_map(|_| keys.get(rng.below(keys.len())))
        .map(|&key| Op {
            key,
            kind: Kind::Get,
        })
        .collect()
}

/// get-hit: the cache holds `capacity` entries; read random resident keys.
pub fn get_hit<'k>(keys: &'k Keys, scale: &Scale, seed: u64) -> Workload<'k> {
    let mut rng = SplitMix64::new(seed);
    let residents = keys.residents();
    let ops = reads(&residents, scale.ops, &mut rng);
    Workload {
        name: "get-hit",
        prefill: residents,
        ops,
        expected_hit_ratio: Some(1.0),
    }
}

/// get-miss: the same full cache; read random keys that were never stored.
pub fn get_miss<'k>(keys: &'k Keys, scale: &Scale, seed: u64) -> Workload<'k> {
    let mut rng = SplitMix64::new(seed);
    let ops = reads(&keys.absent(), scale.ops, &mut rng);
    Workload {
        name: "get-miss",
        prefill: keys.residents(),
        ops,
        expected_hit_ratio: Some(0.0),
    }
}

/// set-with-eviction: a shuffled pool of `3 × capacity` keys written in a
/// cycle. The prefill is the pool's last `capacity` keys, so at every write
/// the key was last written `3 × capacity` writes ago: long evicted (and out
/// of any ghost queue sized by the capacity) in every policy here. Each write
/// is a new insert plus one eviction, and every round starts from the same state.
pub fn set_with_eviction<'k>(keys: &'k Keys, scale: &Scale, seed: u64) -> Workload<'k> {
    let mut rng = SplitMix64::new(seed);
    let mut pool = keys.pool();
    rng.shuffle(&mut pool);
    let prefill = pool
        .iter()
        .skip(pool.len().saturating_sub(scale.capacity))
        .copied()
        .collect();
    let ops = pool
        .iter()
        .map(|&key| Op {
            key,
            kind: Kind::Set,
        })
        .collect();
    Workload {
        name: "set-evict",
        prefill,
        ops,
        expected_hit_ratio: None,
    }
}

/// zipf-90/10: Zipf(1.0) popularity over `zipf_universe_factor × capacity`
/// keys (ranks mapped to keys by a random permutation); 90 % reads that
/// store the value on a miss (read-through, the way an edge cache is used),
/// 10 % plain writes. Without the fill on a miss the 10 % writes would never
/// fill 100k entries from a skewed trace, and no eviction would happen.
/// The prefill writes `5 × capacity` Zipf draws, so the cache starts full
/// with each policy's own choice of keys; the hit ratio is printed.
///
/// The trace is [`ZIPF_TRACE_FACTOR`] times longer than the other workloads'
/// because every round replays it: 200k draws over 1M keys touch only ~73k
/// distinct keys, which would all stay resident after the warm-up pass
/// (100 % hits, no eviction); 1M draws touch ~250k, 2.5 × the capacity.
pub fn zipf_mix<'k>(keys: &'k Keys, scale: &Scale, seed: u64) -> Workload<'k> {
    let mut rng = SplitMix64::new(seed);
    let mut universe = keys.range(0, scale.capacity * scale.zipf_universe_factor);
    rng.shuffle(&mut universe);
    let zipf = Zipf::new(universe.len(), 1.0);
    let draw = |rng: &mut SplitMix64| {
        let rank = usize::try_from(zipf.sample(rng)).ok()?;
        universe.get(rank).copied()
    };
    let prefill = (0..scale.capacity * 5)
        .filter_map(|_| draw(&mut rng))
        .collect();
    let ops = (0..scale.ops * ZIPF_TRACE_FACTOR)
        .filter_map(|_| {
            let kind = if rng.below(10) == 0 {
                Kind::Set
            } else {
                Kind::GetOrSet
            };
            draw(&mut rng).map(|key| Op { key, kind })
        })
        .collect();
    Workload {
        name: "zipf-90/10",
        prefill,
        ops,
        expected_hit_ratio: None,
    }
}

/// Test-mode checks of the workload shapes.
pub fn self_check() -> Result<(), String> {
    let scale = Scale {
        capacity: 100,
        ops: 1000,
        zipf_universe_factor: 10,
    };
    let keys = Keys::new(&scale);
    let hit = get_hit(&keys, &scale, 1);
    let miss = get_miss(&keys, &scale, 2);
    let evict = set_with_eviction(&keys, &scale, 3);
    let mix = zipf_mix(&keys, &scale, 4);
    if hit.ops.len() != 1000 || hit.ops.iter().any(|op| !hit.prefill.contains(&op.key)) {
        return Err("get-hit reads a key that is not prefilled".into());
    }
    if miss.ops.iter().any(|op| miss.prefill.contains(&op.key)) {
        return Err("get-miss reads a prefilled key".into());
    }
    if evict.ops.len() != 300 || evict.prefill.len() != 100 || evict.reads() != 0 {
        return Err("set-evict has the wrong shape".into());
    }
    let writes = mix.ops.len() - mix.reads();
    if mix.ops.len() != 5000 || !(400..600).contains(&writes) {
        return Err(format!(
            "zipf mix has {writes} writes in {}, expected ~10 %",
            mix.ops.len()
        ));
    }
    let lengths: Vec<usize> = keys.keys.iter().map(String::len).collect();
    if lengths.iter().any(|&l| Some(&l) != lengths.first()) {
        return Err("keys differ in length".into());
    }
    Ok(())
}
