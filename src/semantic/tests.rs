//! The index alone (top-k, threshold, removal, recall of int8 against f32 on
//! a seeded set) and beside a tier (charges, eviction, TTL, delete).

use crate::clock::ManualClock;
use crate::memory::{MemoryConfig, MemoryTier, Ns, SetOptions};
use crate::semantic::{Kernel, Precision, SemanticIndex, VectorIndex};

/// xorshift64*: a seeded source of test vectors.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }

    fn vector(&mut self, dims: usize) -> Vec<f32> {
        (0..dims).map(|_| self.next_f32()).collect()
    }
}

fn filled(precision: Precision, n: usize, dims: usize, seed: u64) -> (VectorIndex, Vec<Vec<f32>>) {
    let mut rng = Rng(seed);
    let mut ix = VectorIndex::new(Kernel::Best);
    let mut all = Vec::new();
    for i in 0..n {
        let v = rng.vector(dims);
        let row = ix.prepare(0, "m", &v, precision).unwrap();
        ix.insert(0, &format!("k{i}"), "m", row).unwrap();
        all.push(v);
    }
    (ix, all)
}

#[test]
fn top_k_is_sorted_best_first_and_finds_the_query_itself() {
    let (ix, all) = filled(Precision::F32, 200, 32, 7);
    let hits = ix.search(0, "m", &all[42], 5, -1.0).unwrap();
    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].key, "k42");
    assert!((hits[0].score - 1.0).abs() < 1e-5);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn the_threshold_keeps_out_what_is_not_similar_enough() {
    let mut ix = VectorIndex::new(Kernel::Best);
    for (key, v) in [("a", [1.0, 0.0]), ("b", [0.96, 0.28]), ("c", [0.0, 1.0])] {
        let row = ix.prepare(0, "m", &v, Precision::F32).unwrap();
        ix.insert(0, key, "m", row).unwrap();
    }
    let keys = |t: f32| -> Vec<String> {
        ix.search(0, "m", &[1.0, 0.0], 3, t)
            .unwrap()
            .into_iter()
            .map(|h| h.key)
            .collect()
    };
    assert_eq!(keys(0.95), ["a", "b"]);
    assert_eq!(keys(0.97), ["a"]);
    assert_eq!(keys(-1.0), ["a", "b", "c"]);
    // Another group (model) or namespace sees none of them.
    assert!(
        ix.search(0, "other", &[1.0, 0.0], 3, 0.0)
            .unwrap()
            .is_empty()
    );
    assert!(ix.search(1, "m", &[1.0, 0.0], 3, 0.0).unwrap().is_empty());
}

#[test]
fn bad_queries_and_vectors_are_refused() {
    let (mut ix, _) = filled(Precision::F32, 3, 8, 1);
    assert!(
        ix.search(0, "m", &[1.0; 7], 1, 0.0).is_err(),
        "wrong dimensions"
    );
    assert!(ix.search(0, "m", &[1.0; 8], 0, 0.0).is_err(), "k = 0");
    assert!(
        ix.search(0, "m", &[1.0; 8], 65, 0.0).is_err(),
        "k too large"
    );
    assert!(ix.search(0, "m", &[1.0; 8], 1, f32::NAN).is_err());
    assert!(
        ix.prepare(0, "m", &[1.0; 8], Precision::Int8).is_err(),
        "precision is per space"
    );
    assert!(ix.prepare(0, "m", &[0.0; 8], Precision::F32).is_err());
    assert_eq!(ix.len(), 3);
    assert!(ix.remove(0, "k1"));
    assert!(!ix.remove(0, "k1"));
}

#[test]
fn removal_moves_the_last_row_and_keeps_every_other_row_findable() {
    for precision in [Precision::F32, Precision::Int8] {
        let (mut ix, all) = filled(precision, 50, 16, 3);
        let full = ix.bytes();
        for i in (0..50).step_by(3) {
            assert!(ix.remove(0, &format!("k{i}")));
        }
        assert_eq!(ix.len(), 33);
        assert!(ix.bytes() < full * 34 / 50 && ix.bytes() > full * 32 / 50);
        for (i, v) in all.iter().enumerate() {
            let top = ix.search(0, "m", v, 1, -1.0).unwrap();
            if i % 3 != 0 {
                assert_eq!(top[0].key, format!("k{i}"), "{precision:?}");
            } else {
                assert!(!ix.contains(0, &format!("k{i}")));
            }
        }
        for i in 0..50 {
            ix.remove(0, &format!("k{i}"));
        }
        assert_eq!((ix.len(), ix.bytes()), (0, 0));
    }
}

#[test]
fn int8_recall_at_1_against_exact_search_on_a_seeded_set() {
    // 2000 stored 384-dim vectors; each query is a stored vector plus noise
    // (a paraphrase): recall@1 is how often int8 picks the f32 answer.
    let (dims, n, queries) = (384, 2000, 300);
    let (exact, all) = filled(Precision::F32, n, dims, 11);
    let (int8, _) = filled(Precision::Int8, n, dims, 11);
    let mut rng = Rng(99);
    let mut agree = 0;
    for q in 0..queries {
        let base = &all[(q * 7) % n];
        let query: Vec<f32> = base.iter().map(|x| x + 0.8 * rng.next_f32()).collect();
        let want = &exact.search(0, "m", &query, 1, -1.0).unwrap()[0];
        let got = &int8.search(0, "m", &query, 1, -1.0).unwrap()[0];
        assert!((want.score - got.score).abs() < 0.02);
        agree += usize::from(want.key == got.key);
    }
    let recall = agree as f64 / queries as f64;
    assert!(recall >= 0.99, "recall@1 {recall}");
    // int8 keeps a quarter of the bytes (plus a scale).
    assert!(int8.bytes() * 3 < exact.bytes());
}

fn tier(max_bytes: u64, clock: &ManualClock) -> MemoryTier {
    let config = MemoryConfig {
        max_bytes,
        ..MemoryConfig::default()
    };
    MemoryTier::new(config, Box::new(clock.clone())).unwrap()
}

#[test]
fn vectors_are_charged_to_their_entries_and_leave_with_them() {
    let clock = ManualClock::new(0);
    let mut t = tier(8_000, &clock);
    let ix = SemanticIndex::attach(&mut t, VectorIndex::new(Kernel::Best)).unwrap();
    assert!(
        SemanticIndex::attach(&mut t, VectorIndex::default()).is_err(),
        "one per tier"
    );
    let v = |i: usize| -> Vec<f32> { (0..256).map(|d| if d == i { 1.0 } else { 0.01 }).collect() };
    let ns = Ns::DEFAULT;
    let before = t.bytes();
    t.set(ns, "a", b"answer a", &SetOptions::default()).unwrap();
    assert!(
        ix.store(&mut t, ns, "a", "m", &v(0), Precision::F32)
            .unwrap()
    );
    let (rows, bytes) = ix.size().unwrap();
    assert_eq!(rows, 1);
    assert!(
        t.bytes() - before >= bytes && bytes >= 1024,
        "the vector's bytes are in the entry's weight"
    );
    // No entry, no vector.
    assert!(
        !ix.store(&mut t, ns, "missing", "m", &v(1), Precision::F32)
            .unwrap()
    );
    // Filling the tier evicts "a": its row goes at once.
    for i in 1..12 {
        let key = format!("k{i}");
        t.set(ns, &key, b"x", &SetOptions::default()).unwrap();
        ix.store(&mut t, ns, &key, "m", &v(i), Precision::F32)
            .unwrap();
    }
    assert!(!t.has(ns, "a").unwrap());
    let (rows, bytes) = ix.size().unwrap();
    assert_eq!(rows as u64, t.len());
    assert!(t.bytes() <= 8_000 && bytes <= t.bytes());
    assert!(
        ix.search(&mut t, ns, "m", &v(0), 1, 0.9)
            .unwrap()
            .is_empty()
    );
    // Delete and TTL take the row too.
    t.delete(ns, "k11").unwrap();
    assert!(
        ix.search(&mut t, ns, "m", &v(11), 1, 0.9)
            .unwrap()
            .is_empty()
    );
    t.set(ns, "t", b"x", &SetOptions::ttl_ms(1_000)).unwrap();
    ix.store(&mut t, ns, "t", "m", &v(200), Precision::F32)
        .unwrap();
    assert_eq!(
        ix.search(&mut t, ns, "m", &v(200), 1, 0.9).unwrap()[0].key,
        "t"
    );
    let rows_before = ix.size().unwrap().0;
    clock.advance(1_001);
    assert!(
        ix.search(&mut t, ns, "m", &v(200), 1, 0.9)
            .unwrap()
            .is_empty()
    );
    assert_eq!(ix.size().unwrap().0, rows_before - 1);
    t.clear();
    assert_eq!(ix.size().unwrap(), (0, 0));
    t.validate().unwrap();
}
