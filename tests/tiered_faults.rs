//! Faults: corrupt L2 data, retries with backoff, the circuit breaker,
//! overlapping calls, tags across isolates, leases.

mod tiered_support;

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use edgecache::backend::{BackendCaps, Fault};
use edgecache::codec::Envelope;
use edgecache::memory::Ttl;
use edgecache::tiered::{
    BreakerState, L2Status, Lease, Removed, RetryPolicy, TieredConfig, TieredEvent, WriteOptions,
};
use tiered_support::*;

fn ttl(ms: u64) -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Ms(ms),
        ..WriteOptions::default()
    }
}

#[test]
fn corrupt_foreign_truncated_and_newer_data_are_counted_misses() {
    let (cache, backend, clock) = setup();
    let events = Rc::new(RefCell::new(0u32));
    let seen = Rc::clone(&events);
    let mut cache = cache;
    cache.set_event_hook(Some(Box::new(move |e| {
        if matches!(e, TieredEvent::CorruptEntry { .. }) {
            *seen.borrow_mut() += 1;
        }
    })));
    let good = Envelope {
        created_at: T0,
        expires_at: Some(T0 + 10_000),
        payload: b"v".to_vec(),
        ..Envelope::default()
    }
    .encode(&edgecache::codec::Compression::OFF)
    .unwrap();
    let mut flipped = good.clone();
    flipped[40] ^= 1;
    let mut newer = good.clone();
    newer[2] = 9;
    let cases: Vec<Vec<u8>> = vec![
        b"{\"json\":true}".to_vec(),
        good[..good.len() - 3].to_vec(),
        flipped,
        newer,
        vec![0xEC, 0xCB, 1],
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let key = format!("k{i}");
        backend.raw_set(&format!("ec::{key}"), bytes);
        assert_eq!(run(cache.get("", &key)).unwrap(), None);
    }
    assert_eq!(cache.stats().l2.corrupt, cases.len() as u64);
    assert_eq!(cache.stats().l2.misses, cases.len() as u64);
    assert_eq!(*events.borrow(), cases.len() as u32);
    // Corrupt reads of good data (bytes flipped in transit) are misses too.
    run(cache.set("", "ok", b"v", &ttl(1_000))).unwrap();
    backend.corrupt_reads(true);
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(other.get("", "ok")).unwrap(), None);
    assert_eq!(other.stats().l2.corrupt, 1);
    // The good copy in the writer's L1 is untouched.
    assert_eq!(run(cache.get("", "ok")).unwrap(), Some(b"v".to_vec()));
}

#[test]
fn transient_errors_are_retried_with_growing_backoff() {
    let (cache, backend, clock) = setup();
    run(cache.set("", "k", b"v", &ttl(60_000))).unwrap();
    let cold = {
        cache_with(
            TieredConfig {
                retry: RetryPolicy {
                    retries: 3,
                    base_ms: 100,
                    max_ms: 10_000,
                },
                ..TieredConfig::default()
            },
            &backend,
            &clock,
        )
    };
    backend.fail_next(2, Fault::Transient);
    assert_eq!(run(cold.get("", "k")).unwrap(), Some(b"v".to_vec()));
    let stats = cold.stats().l2;
    assert_eq!((stats.errors, stats.retries, stats.hits), (2, 2, 1));
    let sleeps = backend.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!((50..=100).contains(&sleeps[0]), "{sleeps:?}");
    assert!((100..=200).contains(&sleeps[1]), "{sleeps:?}");
    // Permanent errors and timeouts are not retried.
    backend.fail_next(1, Fault::Permanent);
    assert_eq!(run(cold.get("", "absent")).unwrap(), None);
    backend.fail_next(1, Fault::Timeout { after_ms: 250 });
    assert_eq!(run(cold.get("", "absent")).unwrap(), None);
    let stats = cold.stats().l2;
    assert_eq!((stats.errors, stats.timeouts, stats.retries), (4, 1, 2));
    // Retries are bounded: 1 + 3 attempts, then a failure.
    backend.fail_next(10, Fault::Transient);
    assert!(matches!(
        run(cold.set("", "x", b"v", &ttl(1_000))).unwrap(),
        L2Status::Failed(_)
    ));
    assert_eq!(cold.stats().l2.errors, 8);
    backend.clear_faults();
}

#[test]
fn breaker_opens_degrades_to_l1_probes_and_closes() {
    let clock = clock();
    let backend = tiered_support::backend(BackendCaps::unlimited(), &clock);
    let config = TieredConfig {
        breaker_threshold: 3,
        breaker_cooldown_ms: 10_000,
        retry: RetryPolicy {
            retries: 0,
            ..RetryPolicy::default()
        },
        ..TieredConfig::default()
    };
    let events = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&events);
    let mut cache = cache_with(config, &backend, &clock);
    cache.set_event_hook(Some(Box::new(move |e| match e {
        TieredEvent::BreakerOpened => log.borrow_mut().push("open"),
        TieredEvent::BreakerClosed => log.borrow_mut().push("closed"),
        _ => {}
    })));
    run(cache.set("", "local", b"v", &ttl(600_000))).unwrap();
    backend.fail_next(100, Fault::Transient);
    for i in 0..3 {
        assert_eq!(run(cache.get("", &format!("miss{i}"))).unwrap(), None);
    }
    assert_eq!(
        cache.stats().breaker,
        BreakerState::Open { until: T0 + 10_000 }
    );
    // Open: L2 is not called, L1 still answers, writes are L1-only.
    let calls = backend.calls();
    assert_eq!(run(cache.get("", "local")).unwrap(), Some(b"v".to_vec()));
    assert_eq!(run(cache.get("", "nothing")).unwrap(), None);
    assert_eq!(
        run(cache.set("", "w", b"x", &ttl(600_000))).unwrap(),
        L2Status::Skipped
    );
    assert_eq!(run(cache.get("", "w")).unwrap(), Some(b"x".to_vec()));
    assert_eq!(backend.calls(), calls);
    assert!(cache.stats().l2.rejected >= 2);
    // Half-open: one probe; it fails, so open again.
    clock.advance(10_000);
    assert_eq!(run(cache.get("", "probe")).unwrap(), None);
    assert_eq!(backend.calls(), calls + 1);
    assert_eq!(
        cache.stats().breaker,
        BreakerState::Open { until: T0 + 20_000 }
    );
    // The service recovers: the next probe closes the breaker.
    backend.clear_faults();
    clock.advance(10_000);
    assert_eq!(run(cache.get("", "probe")).unwrap(), None);
    assert_eq!(cache.stats().breaker, BreakerState::Closed { failures: 0 });
    assert_eq!(*events.borrow(), vec!["open", "open", "closed"]);
}

#[test]
fn tag_invalidation_reaches_another_isolate() {
    let clock = clock();
    let backend = tiered_support::backend(BackendCaps::workers_kv(), &clock);
    let a = cache_with(TieredConfig::default(), &backend, &clock);
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    let tagged = WriteOptions {
        ttl: Ttl::Ms(600_000),
        stale_ms: None,
        tags: &["user:1"],
    };
    run(a.set("", "profile", b"old", &tagged)).unwrap();
    run(a.set("", "untagged", b"u", &ttl(600_000))).unwrap();
    assert_eq!(run(b.get("", "profile")).unwrap(), Some(b"old".to_vec()));
    assert_eq!(
        run(a.invalidate_tags("", &["user:1"])).unwrap(),
        Removed {
            l1: 1,
            l2: L2Status::Written
        }
    );
    assert!(backend.raw_get("ec:tag::user:1").is_some());
    // a sees it at once; b within its tag cache time (1 s).
    assert_eq!(run(a.get("", "profile")).unwrap(), None);
    clock.advance(1_000);
    assert_eq!(run(b.get("", "profile")).unwrap(), None);
    assert_eq!(run(b.get("", "untagged")).unwrap(), Some(b"u".to_vec()));
    // A new write after the invalidation is valid everywhere.
    run(b.set("", "profile", b"new", &tagged)).unwrap();
    let c = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(c.get("", "profile")).unwrap(), Some(b"new".to_vec()));
    assert_eq!(run(a.get("", "profile")).unwrap(), Some(b"new".to_vec()));
}

#[test]
fn leases_use_set_if_absent_or_say_unavailable() {
    let (a, backend, clock) = setup();
    let b = cache_with(TieredConfig::default(), &backend, &clock);
    assert!(matches!(
        run(a.try_lease("", "k", 5_000)).unwrap(),
        Lease::Acquired { .. }
    ));
    assert_eq!(run(b.try_lease("", "k", 5_000)).unwrap(), Lease::Busy);
    run(a.release_lease("", "k")).unwrap();
    assert!(matches!(
        run(b.try_lease("", "k", 5_000)).unwrap(),
        Lease::Acquired { .. }
    ));
    clock.advance(5_000);
    assert!(matches!(
        run(a.try_lease("", "k", 5_000)).unwrap(),
        Lease::Acquired { .. }
    ));
    let kv = tiered_support::backend(BackendCaps::workers_kv(), &clock);
    let c = cache_with(TieredConfig::default(), &kv, &clock);
    assert_eq!(
        run(c.try_lease("", "k", 5_000)).unwrap(),
        Lease::Unavailable
    );
    backend.fail_next(3, Fault::Permanent);
    assert_eq!(
        run(a.try_lease("", "z", 5_000)).unwrap(),
        Lease::Unavailable
    );
}

/// Polls `f` once; true if it is still pending.
fn pending<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn overlapping_calls_interleave_without_borrow_panics() {
    let (a, backend, _) = setup();
    run(a.set("", "seed", b"s", &ttl(60_000))).unwrap();
    let b = cache_with(TieredConfig::default(), &backend, &tiered_support::clock());
    backend.hold();
    let mut read = pin!(b.get("", "seed"));
    let forever = WriteOptions::default();
    let mut write = pin!(b.set("", "w", b"x", &forever));
    let mut tags = pin!(b.invalidate_tags("", &["t"]));
    assert!(pending(read.as_mut()).is_pending());
    assert!(pending(write.as_mut()).is_pending());
    assert!(pending(tags.as_mut()).is_pending());
    // While they wait, the cache is usable synchronously.
    assert_eq!(b.stats().l2.hits, 0);
    // The pending write already reached L1, so this read needs no backend call.
    assert_eq!(run(b.get("", "w")).unwrap(), Some(b"x".to_vec()));
    backend.release();
    assert_eq!(pending(write.as_mut()), Poll::Ready(Ok(L2Status::Written)));
    assert_eq!(pending(read.as_mut()), Poll::Ready(Ok(Some(b"s".to_vec()))));
    assert!(matches!(
        pending(tags.as_mut()),
        Poll::Ready(Ok(Removed {
            l2: L2Status::Written,
            ..
        }))
    ));
}
