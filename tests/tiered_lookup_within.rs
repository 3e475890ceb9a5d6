//! `lookup_within`: a stale entry is served only while it stopped being fresh
//! less than the given bound ago, in L1 and in L2 alike (the meaning of the
//! memory tier's `get_allowing_stale`).

mod tiered_support;

use edgecache::memory::Ttl;
use edgecache::tiered::{Lookup, TieredConfig, WriteOptions};
use tiered_support::*;

#[test]
fn stale_entries_are_bounded_by_max_stale_in_both_tiers() {
    let (a, backend, clock) = setup();
    let opts = WriteOptions {
        ttl: Ttl::Ms(1_000),
        stale_ms: Some(10_000),
        tags: &[],
    };
    run(a.set("", "k", b"v", &opts)).unwrap();
    assert_eq!(
        run(a.lookup_within("", "k", 0)).unwrap(),
        Lookup::Fresh(b"v".to_vec())
    );
    clock.advance(4_000); // 3 s past freshness
    // L1 (this isolate) and L2 (a new isolate) give the same answers.
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    for cache in [&a, &b] {
        assert_eq!(run(cache.lookup_within("", "k", 0)).unwrap(), Lookup::Miss);
        assert_eq!(
            run(cache.lookup_within("", "k", 2_000)).unwrap(),
            Lookup::Miss
        );
        assert_eq!(
            run(cache.lookup_within("", "k", 3_001)).unwrap(),
            Lookup::Stale(b"v".to_vec())
        );
    }
    // A bound never stretches the stored stale window.
    clock.advance(8_000);
    let c = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(
        run(c.lookup_within("", "k", u64::MAX)).unwrap(),
        Lookup::Miss
    );
}
