//! Read-through, backfill, write-through, write-behind, deletes, clears,
//! long keys, chunking and TTL hints.

mod tiered_support;

use edgecache::backend::BackendCaps;
use edgecache::memory::Ttl;
use edgecache::tiered::{L2Status, Lookup, TieredConfig, WriteOptions};
use tiered_support::*;

fn ttl(ms: u64) -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Ms(ms),
        ..WriteOptions::default()
    }
}

#[test]
fn write_through_reaches_both_tiers_and_another_isolate_reads_it() {
    let (a, backend, clock) = setup();
    assert_eq!(
        run(a.set("app", "k", b"v1", &ttl(10_000))).unwrap(),
        L2Status::Written
    );
    assert!(backend.raw_get("ec:app:k").is_some());
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(b.get("app", "k")).unwrap(), Some(b"v1".to_vec()));
    assert_eq!(b.stats().l2.hits, 1);
    // Backfilled: the second read does not touch the backend.
    let calls = backend.calls();
    assert_eq!(run(b.get("app", "k")).unwrap(), Some(b"v1".to_vec()));
    assert_eq!(backend.calls(), calls);
    assert_eq!(b.stats().l1.hits, 1);
}

#[test]
fn backfill_never_outlives_the_l2_entry() {
    let (a, backend, clock) = setup();
    run(a.set("", "k", b"v", &ttl(10_000))).unwrap();
    clock.advance(7_000);
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(b.get("", "k")).unwrap(), Some(b"v".to_vec()));
    let ns = b.with_l1(|l1| l1.namespace("")).unwrap().unwrap();
    assert_eq!(
        b.with_l1(|l1| l1.ttl(ns, "k")).unwrap().unwrap(),
        edgecache::memory::Remaining::Ms(3_000)
    );
    clock.advance(3_000);
    let calls = backend.calls();
    assert_eq!(run(b.get("", "k")).unwrap(), None);
    assert!(backend.calls() > calls, "expired in L1, so L2 was asked");
    // l1_max_ttl_ms caps it further.
    let capped = cache_with(
        TieredConfig {
            l1_max_ttl_ms: Some(500),
            ..TieredConfig::default()
        },
        &backend,
        &clock,
    );
    run(a.set("", "j", b"v", &ttl(10_000))).unwrap();
    run(capped.get("", "j")).unwrap();
    let ns = capped.with_l1(|l1| l1.namespace("")).unwrap().unwrap();
    assert_eq!(
        capped.with_l1(|l1| l1.ttl(ns, "j")).unwrap().unwrap(),
        edgecache::memory::Remaining::Ms(500)
    );
}

#[test]
fn write_behind_updates_l1_now_and_l2_on_flush() {
    let (cache, backend, _) = setup();
    let pending = run(cache.set_behind("", "k", b"v", &ttl(5_000))).unwrap();
    assert_eq!(pending.key(), "ec::k");
    assert!(backend.raw_get("ec::k").is_none());
    assert_eq!(run(cache.get("", "k")).unwrap(), Some(b"v".to_vec()));
    assert_eq!(run(cache.flush(pending)), L2Status::Written);
    assert!(backend.raw_get("ec::k").is_some());
}

#[test]
fn deletes_and_clears_reach_both_tiers() {
    let (cache, backend, clock) = setup();
    for k in ["a", "b", "c"] {
        run(cache.set("ns", k, b"v", &ttl(5_000))).unwrap();
    }
    run(cache.set("other", "x", b"v", &ttl(5_000))).unwrap();
    assert_eq!(run(cache.delete("ns", "a")).unwrap(), L2Status::Written);
    assert!(backend.raw_get("ec:ns:a").is_none());
    assert_eq!(run(cache.get("ns", "a")).unwrap(), None);
    run(cache.clear_namespace("ns")).unwrap();
    assert!(backend.raw_get("ec:ns:b").is_none());
    assert_eq!(run(cache.get("ns", "c")).unwrap(), None);
    assert!(backend.raw_get("ec:other:x").is_some());
    run(cache.clear()).unwrap();
    assert!(backend.raw_keys().is_empty());
    let fresh = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(fresh.get("other", "x")).unwrap(), None);
}

#[test]
fn delete_matching_uses_listing_or_says_unsupported() {
    let (cache, backend, clock) = setup();
    for k in ["user:1", "user:2", "post:1"] {
        run(cache.set("", k, b"v", &ttl(5_000))).unwrap();
    }
    run(cache.delete_matching("", "user:*")).unwrap();
    assert_eq!(backend.raw_keys(), vec!["ec::post:1".to_string()]);
    let nolist = tiered_support::backend(
        BackendCaps {
            has_listing: false,
            ..BackendCaps::unlimited()
        },
        &clock,
    );
    let cache = cache_with(TieredConfig::default(), &nolist, &clock);
    run(cache.set("", "user:1", b"v", &ttl(5_000))).unwrap();
    let err = run(cache.delete_matching("", "user:*")).unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED");
    // Refused before changing anything.
    assert_eq!(run(cache.get("", "user:1")).unwrap(), Some(b"v".to_vec()));
}

#[test]
fn long_keys_are_hashed_to_the_backend_limit() {
    let clock = clock();
    let backend = tiered_support::backend(BackendCaps::workers_kv(), &clock);
    let a = cache_with(TieredConfig::default(), &backend, &clock);
    let long = "k".repeat(900);
    run(a.set("", &long, b"v", &ttl(120_000))).unwrap();
    let keys = backend.raw_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].len(), 512);
    assert!(keys[0].starts_with("ec::kkk"));
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(b.get("", &long)).unwrap(), Some(b"v".to_vec()));
}

#[test]
fn ttl_hint_is_logical_expiry_plus_stale_window_clamped_to_60s() {
    let clock = clock();
    let backend = tiered_support::backend(BackendCaps::workers_kv(), &clock);
    let cache = cache_with(TieredConfig::default(), &backend, &clock);
    run(cache.set("", "short", b"v", &ttl(5_000))).unwrap();
    assert_eq!(backend.ttl_hint("ec::short"), Some(Some(60_000)));
    let opts = WriteOptions {
        ttl: Ttl::Ms(100_000),
        stale_ms: Some(50_000),
        tags: &[],
    };
    run(cache.set("", "long", b"v", &opts)).unwrap();
    assert_eq!(backend.ttl_hint("ec::long"), Some(Some(150_000)));
    run(cache.set("", "forever", b"v", &WriteOptions::default())).unwrap();
    assert_eq!(backend.ttl_hint("ec::forever"), Some(None));
    // The envelope is the truth: after 5 s the short entry is gone for a new isolate
    // even though the backend keeps it for 60 s.
    clock.advance(5_000);
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert!(backend.raw_get("ec::short").is_some());
    assert_eq!(run(other.get("", "short")).unwrap(), None);
}

fn chunky() -> (
    edgecache::tiered::TieredCache<edgecache::backend::MemoryBackend>,
    edgecache::backend::MemoryBackend,
    edgecache::ManualClock,
) {
    let clock = clock();
    let caps = BackendCaps {
        max_value_bytes: 1024,
        ..BackendCaps::deno_kv()
    };
    let backend = tiered_support::backend(caps, &clock);
    let config = TieredConfig {
        compression: edgecache::codec::Compression::OFF,
        ..TieredConfig::default()
    };
    (cache_with(config, &backend, &clock), backend, clock)
}

#[test]
fn large_values_round_trip_through_chunks() {
    let (a, backend, clock) = chunky();
    let value: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 251) as u8).collect();
    run(a.set("", "big", &value, &ttl(60_000))).unwrap();
    // A version 2 manifest (src/tiered/chunks.rs).
    assert_eq!(backend.raw_get("ec::big").map(|m| m.len()), Some(52));
    let chunks = backend
        .raw_keys()
        .iter()
        .filter(|k| k.starts_with("ec:chunk:"))
        .count();
    // 5 042 envelope bytes in chunks of 1 008 data bytes + a 16-byte link.
    assert_eq!(chunks, 6);
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(b.get("", "big")).unwrap(), Some(value));
}

#[test]
fn a_missing_chunk_is_a_miss_and_a_counted_error() {
    let (a, backend, clock) = chunky();
    run(a.set("", "big", &vec![9u8; 3_000], &ttl(60_000))).unwrap();
    let victim = backend
        .raw_keys()
        .into_iter()
        .find(|k| k.starts_with("ec:chunk:"))
        .unwrap();
    backend.raw_delete(&victim);
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(b.get("", "big")).unwrap(), None);
    assert_eq!(b.stats().l2.corrupt, 1);
    assert_eq!(b.stats().l2.misses, 1);
}

#[test]
fn without_chunking_a_large_value_is_refused_and_nothing_changes() {
    let clock = clock();
    let caps = BackendCaps {
        max_value_bytes: 1024,
        ..BackendCaps::unlimited()
    };
    let backend = tiered_support::backend(caps, &clock);
    let config = TieredConfig {
        chunking: false,
        compression: edgecache::codec::Compression::OFF,
        ..TieredConfig::default()
    };
    let cache = cache_with(config, &backend, &clock);
    let err = run(cache.set("", "big", &vec![1u8; 2_000], &ttl(1_000))).unwrap_err();
    assert_eq!(err.code(), "VALUE_TOO_LARGE");
    assert_eq!(run(cache.get("", "big")).unwrap(), None);
    assert!(backend.raw_keys().is_empty());
}

#[test]
fn swr_lookups_across_tiers() {
    let (a, backend, clock) = setup();
    let opts = WriteOptions {
        ttl: Ttl::Ms(1_000),
        stale_ms: Some(5_000),
        tags: &[],
    };
    run(a.set("", "k", b"v", &opts)).unwrap();
    assert_eq!(
        run(a.lookup("", "k")).unwrap(),
        Lookup::Fresh(b"v".to_vec())
    );
    clock.advance(2_000);
    // L1 has it stale; L2 says stale too.
    assert_eq!(
        run(a.lookup("", "k")).unwrap(),
        Lookup::Stale(b"v".to_vec())
    );
    assert_eq!(run(a.get("", "k")).unwrap(), None);
    // A new isolate finds it stale in L2 only.
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(
        run(b.lookup("", "k")).unwrap(),
        Lookup::Stale(b"v".to_vec())
    );
    assert_eq!(b.stats().l2.stale_hits, 1);
    // Stale-if-error: L2 failing, the stale L1 copy is served.
    backend.fail_next(10, edgecache::backend::Fault::Permanent);
    assert_eq!(
        run(a.lookup("", "k")).unwrap(),
        Lookup::Stale(b"v".to_vec())
    );
    backend.clear_faults();
    clock.advance(5_000);
    assert_eq!(run(a.lookup("", "k")).unwrap(), Lookup::Miss);
    assert_eq!(run(b.lookup("", "k")).unwrap(), Lookup::Miss);
}
