//! Batched reads reach the backend in batches of its `max_batch_get`, and
//! every tiered batch is held to the 10,000-item limit.

mod tiered_support;

use edgecache::CacheError;
use edgecache::backend::BackendCaps;
use edgecache::memory::Ttl;
use edgecache::tiered::{TieredConfig, WriteOptions};
use tiered_support::*;

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("k{i}")).collect()
}

#[test]
fn get_many_of_1000_keys_over_max_batch_get_100_is_10_backend_calls() {
    let clock = clock();
    let caps = BackendCaps {
        max_batch_get: 100,
        ..BackendCaps::unlimited()
    };
    let backend = backend(caps, &clock);
    let writer = cache_with(TieredConfig::default(), &backend, &clock);
    let opts = WriteOptions {
        ttl: Ttl::Ms(60_000),
        ..WriteOptions::default()
    };
    for (i, key) in keys(1000).iter().enumerate() {
        // Every other key exists, so hits and misses share the batches.
        if i % 2 == 0 {
            run(writer.set("app", key, key.as_bytes(), &opts)).unwrap();
        }
    }
    let reader = cache_with(TieredConfig::default(), &backend, &clock);
    let before = backend.calls();
    let values = run(reader.get_many("app", &keys(1000))).unwrap();
    assert_eq!(backend.calls() - before, 10, "one call per 100 keys");
    for (i, value) in values.iter().enumerate() {
        let expected = (i % 2 == 0).then(|| format!("k{i}").into_bytes());
        assert_eq!(value, &expected, "key {i}");
    }
    let stats = reader.stats();
    assert_eq!((stats.l2.hits, stats.l2.misses), (500, 500));

    // Backfilled: the hits now come from L1; only the 500 misses go to L2.
    let before = backend.calls();
    let flags = run(reader.has_many("app", &keys(1000))).unwrap();
    assert_eq!(
        backend.calls() - before,
        5,
        "500 L1 misses in batches of 100"
    );
    assert_eq!(flags.iter().filter(|&&f| f).count(), 500);
}

#[test]
fn a_batch_over_10000_items_is_refused_before_any_backend_call() {
    let (cache, backend, _clock) = setup();
    let before = backend.calls();
    for result in [
        run(cache.get_many("app", &keys(10_001))).map(|_| ()),
        run(cache.has_many("app", &keys(10_001))).map(|_| ()),
    ] {
        assert!(matches!(
            result,
            Err(CacheError::LimitExceeded { limit: 10_000, .. })
        ));
    }
    assert_eq!(backend.calls(), before);
    assert!(run(cache.get_many("app", &keys(10_000))).is_ok());
}

#[test]
fn set_many_is_all_or_nothing_and_batched() {
    let (cache, backend, clock) = setup();
    let opts = WriteOptions {
        ttl: Ttl::Ms(60_000),
        ..WriteOptions::default()
    };
    let before = backend.calls();
    let bad = [("first", b"1".to_vec()), ("", b"2".to_vec())];
    assert!(matches!(
        run(cache.set_many("app", &bad, &opts)),
        Err(CacheError::InvalidKey { .. })
    ));
    assert_eq!(backend.calls(), before, "nothing reached L2");
    assert_eq!(run(cache.get("app", "first")).unwrap(), None, "nor L1");
    assert!(backend.raw_get("ec:app:first").is_none());

    let before = backend.calls();
    let items: Vec<(String, Vec<u8>)> = keys(250)
        .into_iter()
        .map(|k| (k.clone(), k.into_bytes()))
        .collect();
    run(cache.set_many("app", &items, &opts)).unwrap();
    assert_eq!(
        backend.calls() - before,
        1,
        "250 items in one set_many call (max_batch_set 1,000)"
    );
    assert_eq!(cache.stats().l2.writes, 250);
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(
        run(other.get("app", "k249")).unwrap(),
        Some(b"k249".to_vec())
    );

    let too_many: Vec<(String, Vec<u8>)> =
        keys(10_001).into_iter().map(|k| (k, Vec::new())).collect();
    assert!(matches!(
        run(cache.set_many("app", &too_many, &opts)),
        Err(CacheError::LimitExceeded { limit: 10_000, .. })
    ));
}

#[test]
fn delete_many_counts_what_l1_held_and_removes_from_l2_in_batches() {
    let (cache, backend, clock) = setup();
    let opts = WriteOptions::default();
    run(cache.set("app", "a", b"1", &opts)).unwrap();
    run(cache.set("app", "b", b"2", &opts)).unwrap();
    let before = backend.calls();
    let removed = run(cache.delete_many("app", &["a", "b", "absent"])).unwrap();
    assert_eq!(removed.l1, 2);
    assert_eq!(backend.calls() - before, 1, "one delete_many call");
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(other.get("app", "a")).unwrap(), None);
    assert!(run(cache.delete_many("app", &keys(10_001))).is_err());
}

#[test]
fn health_shows_l1_the_breaker_and_the_last_backend_failure() {
    use edgecache::backend::Fault;
    use edgecache::tiered::{BreakerState, Probe};
    let (cache, backend, clock) = setup();
    run(cache.set("app", "k", b"value", &WriteOptions::default())).unwrap();
    let h = run(cache.health(false));
    assert_eq!(h.l1_entries, 1);
    assert!(h.l1_bytes > 0);
    assert_eq!(h.breaker, BreakerState::Closed { failures: 0 });
    assert_eq!((h.last_failure, h.probe), (None, None));

    clock.advance(5);
    backend.fail_next(10, Fault::Permanent);
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(other.get("app", "k")).unwrap(), None);
    let h = run(other.health(true));
    let last = h.last_failure.expect("the failed read is remembered");
    assert_eq!(last.at_ms, T0 + 5);
    assert!(last.message.contains("injected"), "{}", last.message);
    assert!(
        matches!(h.probe, Some(Probe::Failed { .. })),
        "the probe met the fault too"
    );
    backend.clear_faults();
    let calls = backend.calls();
    assert!(matches!(
        run(other.health(true)).probe,
        Some(Probe::Answered { .. })
    ));
    assert_eq!(backend.calls() - calls, 1, "one backend read per probe");
}
