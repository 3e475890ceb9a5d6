//! Hostile L2 records other than entries (issue 11): tag generations and
//! leases are trusted only when authentic if the cache seals, crafted keys
//! cannot reach another key's record, and a value the host cannot decode is
//! dropped from both tiers.

mod tiered_support;

use edgecache::backend::{Backend, BackendCaps};
use edgecache::codec::crc32::crc32;
use edgecache::memory::Ttl;
use edgecache::tiered::{Lease, SealConfig, TieredConfig, WriteOptions};
use tiered_support::*;

const KEY: &[u8] = b"first key, thirty-two bytes long";

fn signing() -> TieredConfig {
    TieredConfig {
        seal: SealConfig {
            signing_keys: vec![KEY.to_vec()],
            ..SealConfig::default()
        },
        ..TieredConfig::default()
    }
}

fn tagged(tags: &'static [&'static str]) -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Ms(60_000),
        tags,
        ..WriteOptions::default()
    }
}

/// A generation as the unsealed format stores it: digits, `#`, CRC-32 hex.
fn plain_generation(generation: u64) -> Vec<u8> {
    let digits = generation.to_string();
    format!("{digits}#{:08x}", crc32(digits.as_bytes())).into_bytes()
}

#[test]
fn with_signing_a_forged_generation_cannot_pin_a_tag() {
    let (backend, clock) = {
        let clock = clock();
        (backend(BackendCaps::unlimited(), &clock), clock)
    };
    let a = cache_with(signing(), &backend, &clock);
    let tag_key = a.layout().tag_key("", "users");
    // One write of u64::MAX - 1 with a valid CRC, as anyone with store access can do.
    backend.raw_set(&tag_key, &plain_generation(u64::MAX - 1));
    run(a.set("", "k", b"old", &tagged(&["users"]))).unwrap();
    run(a.invalidate_tags("", &["users"])).unwrap();
    clock.advance(10);
    run(a.set("", "k2", b"new", &tagged(&["users"]))).unwrap();
    let b = cache_with(signing(), &backend, &clock);
    assert_eq!(
        run(b.get("", "k")).unwrap(),
        None,
        "the invalidation moved the tag"
    );
    assert_eq!(run(b.get("", "k2")).unwrap(), Some(b"new".to_vec()));
    assert!(
        a.stats().l2.security >= 1,
        "the forged generation was reported"
    );
    // The generation now in L2 is sealed, not plain text.
    assert!(
        backend
            .raw_get(&tag_key)
            .unwrap()
            .starts_with(&[0xEC, 0xCD])
    );
}

#[test]
fn without_signing_a_pinned_generation_is_what_the_readme_says() {
    // Documented (README, "What a writer to the store can do"): a plain
    // generation of u64::MAX - 1 pins the tag; invalidation cannot move it.
    let (cache, backend, _clock) = setup();
    backend.raw_set(
        &cache.layout().tag_key("", "t"),
        &plain_generation(u64::MAX - 1),
    );
    run(cache.set("", "k", b"v", &tagged(&["t"]))).unwrap();
    run(cache.invalidate_tags("", &["t"])).unwrap();
    let other = cache_with(TieredConfig::default(), &backend, &_clock);
    assert_eq!(run(other.get("", "k")).unwrap(), Some(b"v".to_vec()));
}

#[test]
fn with_signing_a_forged_lease_does_not_block_the_refresh() {
    let (backend, clock) = {
        let clock = clock();
        (backend(BackendCaps::unlimited(), &clock), clock)
    };
    let cache = cache_with(signing(), &backend, &clock);
    let lease_key = cache.layout().lease_key("", "k");
    // A forged lease without expiry, as anyone with store access can write.
    run(backend.set(&lease_key, b"12345", None)).unwrap();
    assert_eq!(
        run(cache.try_lease("", "k", 5_000)).unwrap(),
        Lease::Unavailable
    );
    assert_eq!(cache.stats().l2.security, 1);
    // An authentic lease of another isolate does make it wait.
    run(backend.delete(&lease_key)).unwrap();
    let other = cache_with(signing(), &backend, &clock);
    assert!(matches!(
        run(other.try_lease("", "k", 5_000)).unwrap(),
        Lease::Acquired { .. }
    ));
    assert_eq!(run(cache.try_lease("", "k", 5_000)).unwrap(), Lease::Busy);
    // Replayed after its authenticated expiry (stored again without a TTL): not trusted.
    let authentic = backend.raw_get(&lease_key).unwrap();
    clock.advance(5_000);
    backend.raw_set(&lease_key, &authentic);
    assert_eq!(
        run(cache.try_lease("", "k", 5_000)).unwrap(),
        Lease::Unavailable
    );
}

#[test]
fn a_key_built_to_equal_a_long_keys_stored_form_gets_its_own_record() {
    let clock = clock();
    let backend = backend(BackendCaps::workers_kv(), &clock);
    let cache = cache_with(TieredConfig::default(), &backend, &clock);
    let max = cache.caps().max_key_bytes;
    let long = "user:".repeat(150);
    run(cache.set("", &long, b"victim", &tagged(&[]))).unwrap();
    let stored = cache.layout().entry_key("", &long);
    assert_eq!(stored.len(), max);
    // The attacker's key is the stored form minus the `<prefix>:<ns>:` part.
    let crafted = stored.strip_prefix("ec::").unwrap().to_string();
    run(cache.set("", &crafted, b"attacker", &tagged(&[]))).unwrap();
    assert_ne!(cache.layout().entry_key("", &crafted), stored);
    let other = cache_with(TieredConfig::default(), &backend, &clock);
    assert_eq!(run(other.get("", &long)).unwrap(), Some(b"victim".to_vec()));
    assert_eq!(
        run(other.get("", &crafted)).unwrap(),
        Some(b"attacker".to_vec())
    );
}

#[test]
fn an_undecodable_value_is_dropped_from_both_tiers_and_counted() {
    let (cache, backend, _clock) = setup();
    run(cache.set("", "k", b"\x7f not a codec value", &tagged(&[]))).unwrap();
    assert!(backend.raw_get("ec::k").is_some());
    run(cache.discard_undecodable("", "k")).unwrap();
    assert_eq!(cache.stats().l2.corrupt, 1);
    assert!(backend.raw_get("ec::k").is_none(), "gone from L2");
    assert_eq!(run(cache.get("", "k")).unwrap(), None, "and from L1");
}
