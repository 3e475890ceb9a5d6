//! Signed and encrypted L2 entries: round trips, key rotation, tampering,
//! moved / unsigned / foreign entries, short keys, chunked entries, and
//! namespace isolation (reads, pattern invalidation, long-key hashing).

mod tiered_support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use edgecache::backend::{BackendCaps, MemoryBackend};
use edgecache::memory::Ttl;
use edgecache::tiered::{
    RandomSource, SealConfig, TieredCache, TieredConfig, TieredEvent, WriteOptions,
};
use edgecache::{ManualClock, Result};
use tiered_support::*;

const K1: &[u8] = b"first key, thirty-two bytes long";
const K2: &[u8] = b"second key, also 32+ bytes long!";

/// A test PRNG standing in for crypto.getRandomValues.
struct TestRandom(Cell<u64>);

impl RandomSource for TestRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        for b in buf {
            let mut x = self.0.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0.set(x);
            *b = x as u8;
        }
        Ok(())
    }
}

fn signing(keys: &[&[u8]]) -> TieredConfig {
    TieredConfig {
        seal: SealConfig {
            signing_keys: keys.iter().map(|k| k.to_vec()).collect(),
            ..SealConfig::default()
        },
        ..TieredConfig::default()
    }
}

fn encrypting(keys: &[&[u8]]) -> TieredConfig {
    TieredConfig {
        seal: SealConfig {
            encryption_keys: keys.iter().map(|k| k.to_vec()).collect(),
            random: Some(Rc::new(TestRandom(Cell::new(0x9E37_79B9_7F4A_7C15)))),
            ..SealConfig::default()
        },
        ..TieredConfig::default()
    }
}

fn ttl() -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Ms(60_000),
        ..WriteOptions::default()
    }
}

/// A cache whose security events are recorded as "key: message".
fn watched(
    config: TieredConfig,
    backend: &MemoryBackend,
    clock: &ManualClock,
) -> (TieredCache<MemoryBackend>, Rc<RefCell<Vec<String>>>) {
    let mut cache = cache_with(config, backend, clock);
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = Rc::clone(&seen);
    cache.set_event_hook(Some(Box::new(move |event: &TieredEvent<'_>| {
        if let TieredEvent::SecurityError { key, error } = event {
            log.borrow_mut().push(format!("{key}: {error}"));
        }
    })));
    (cache, seen)
}

fn shared(caps: BackendCaps) -> (MemoryBackend, ManualClock) {
    let clock = clock();
    (backend(caps, &clock), clock)
}

/// Asserts that a fresh cache (empty L1) with `config` rejects `key` as a security error.
fn assert_rejected(
    config: TieredConfig,
    backend: &MemoryBackend,
    clock: &ManualClock,
    ns: &str,
    key: &str,
) {
    let (reader, seen) = watched(config, backend, clock);
    assert!(matches!(run(reader.get(ns, key)), Ok(None)));
    let stats = reader.stats().l2;
    assert_eq!((stats.security, stats.misses, stats.hits), (1, 1, 0));
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());
}

#[test]
fn signed_and_encrypted_entries_round_trip_between_isolates() {
    for config in [signing(&[K1]), encrypting(&[K1])] {
        let (backend, clock) = shared(BackendCaps::unlimited());
        let writer = cache_with(config.clone(), &backend, &clock);
        run(writer.set("app", "user:1", b"the value, in clear?", &ttl())).unwrap();
        let raw = backend.raw_get("ec:app:user:1").unwrap();
        assert_eq!(&raw[..3], &[0xEC, 0xCD, 1]);
        let reader = cache_with(config.clone(), &backend, &clock);
        assert_eq!(
            run(reader.get("app", "user:1")).unwrap(),
            Some(b"the value, in clear?".to_vec())
        );
        assert_eq!(reader.stats().l2.security, 0);
        // A cache without keys cannot make sense of it: a corrupt miss.
        let plain = cache_with(TieredConfig::default(), &backend, &clock);
        assert_eq!(run(plain.get("app", "user:1")).unwrap(), None);
        assert_eq!(plain.stats().l2.corrupt, 1);
    }
}

#[test]
fn encryption_hides_the_payload_and_tags_still_work() {
    let (backend, clock) = shared(BackendCaps::unlimited());
    let cache = cache_with(encrypting(&[K1]), &backend, &clock);
    let opts = WriteOptions {
        tags: &["users"],
        ..ttl()
    };
    run(cache.set("app", "k", b"credit card 4111", &opts)).unwrap();
    let raw = backend.raw_get("ec:app:k").unwrap();
    assert!(!raw.windows(4).any(|w| w == b"4111"));
    assert!(!raw.windows(5).any(|w| w == b"users"));
    run(cache.invalidate_tags("app", &["users"])).unwrap();
    let other = cache_with(encrypting(&[K1]), &backend, &clock);
    assert_eq!(run(other.get("app", "k")).unwrap(), None);
    assert_eq!(other.stats().l2.security, 0);
}

#[test]
fn rotation_keeps_old_entries_readable_and_writes_with_the_first_key() {
    for (old, new) in [
        (signing(&[K1]), signing(&[K2, K1])),
        (encrypting(&[K1]), encrypting(&[K2, K1])),
    ] {
        let (backend, clock) = shared(BackendCaps::unlimited());
        run(cache_with(old.clone(), &backend, &clock).set("", "before", b"old", &ttl())).unwrap();
        let rotated = cache_with(new.clone(), &backend, &clock);
        assert_eq!(
            run(rotated.get("", "before")).unwrap(),
            Some(b"old".to_vec())
        );
        run(rotated.set("", "after", b"new", &ttl())).unwrap();
        let id_before = backend.raw_get("ec::before").unwrap()[4..8].to_vec();
        let id_after = backend.raw_get("ec::after").unwrap()[4..8].to_vec();
        assert_ne!(id_before, id_after, "new writes use the first key");
        // A cache that only knows the old key rejects what the new key wrote.
        assert_rejected(old, &backend, &clock, "", "after");
        // The new key alone reads what it wrote.
        let only_new = match new.seal.encryption_keys.is_empty() {
            true => signing(&[K2]),
            false => encrypting(&[K2]),
        };
        assert_eq!(
            run(cache_with(only_new, &backend, &clock).get("", "after")).unwrap(),
            Some(b"new".to_vec())
        );
    }
}

#[test]
fn turning_encryption_on_still_reads_entries_signed_before() {
    let (backend, clock) = shared(BackendCaps::unlimited());
    run(cache_with(signing(&[K1]), &backend, &clock).set("", "k", b"v", &ttl())).unwrap();
    let mut both = encrypting(&[K2]);
    both.seal.signing_keys = vec![K1.to_vec()];
    let cache = cache_with(both, &backend, &clock);
    assert_eq!(run(cache.get("", "k")).unwrap(), Some(b"v".to_vec()));
    run(cache.set("", "j", b"v", &ttl())).unwrap();
    assert_eq!(
        backend.raw_get("ec::j").unwrap()[3],
        2,
        "new writes are encrypted"
    );
}

#[test]
fn a_tampered_byte_anywhere_is_a_miss_and_a_security_error() {
    for config in [signing(&[K1]), encrypting(&[K1])] {
        let (backend, clock) = shared(BackendCaps::unlimited());
        run(cache_with(config.clone(), &backend, &clock).set("ns", "k", b"value", &ttl())).unwrap();
        let good = backend.raw_get("ec:ns:k").unwrap();
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            backend.raw_set("ec:ns:k", &bad);
            if i == 2 {
                // The version byte: an unknown version is corrupt, not an attack.
                let reader = cache_with(config.clone(), &backend, &clock);
                assert_eq!(run(reader.get("ns", "k")).unwrap(), None);
                assert_eq!(reader.stats().l2.corrupt, 1);
                continue;
            }
            assert_rejected(config.clone(), &backend, &clock, "ns", "k");
        }
        backend.raw_set("ec:ns:k", &good[..good.len() - 1]);
        assert_rejected(config.clone(), &backend, &clock, "ns", "k");
    }
}

#[test]
fn chunked_entries_are_sealed_and_tampered_chunks_or_manifests_are_rejected() {
    let caps = BackendCaps {
        max_value_bytes: 256,
        ..BackendCaps::unlimited()
    };
    for config in [signing(&[K1]), encrypting(&[K1])] {
        let (backend, clock) = shared(caps.clone());
        // Incompressible, so it really takes several chunks.
        let mut bytes = vec![0u8; 1_000];
        TestRandom(Cell::new(42)).fill(&mut bytes).unwrap();
        let value = bytes;
        let writer = cache_with(config.clone(), &backend, &clock);
        run(writer.set("", "big", &value, &ttl())).unwrap();
        let manifest = backend.raw_get("ec::big").unwrap();
        assert_eq!(&manifest[..2], &[0xEC, 0xCD], "the manifest is sealed");
        let reader = cache_with(config.clone(), &backend, &clock);
        assert_eq!(run(reader.get("", "big")).unwrap(), Some(value.clone()));
        let chunks: Vec<String> = backend
            .raw_keys()
            .into_iter()
            .filter(|k| k.starts_with("ec:chunk:"))
            .collect();
        assert!(chunks.len() >= 4, "{} chunks", chunks.len());
        for key in &chunks {
            let good = backend.raw_get(key).unwrap();
            let mut bad = good.clone();
            bad[good.len() / 2] ^= 1;
            backend.raw_set(key, &bad);
            assert_rejected(config.clone(), &backend, &clock, "", "big");
            backend.raw_set(key, &good);
        }
        for i in [0, 3, 8, manifest.len() - 1] {
            let mut bad = manifest.clone();
            bad[i] ^= 1;
            backend.raw_set("ec::big", &bad);
            assert_rejected(config.clone(), &backend, &clock, "", "big");
        }
        backend.raw_set("ec::big", &manifest);
        // A missing chunk (expired) is ordinary corruption, not an attack.
        backend.raw_delete(&chunks[0]);
        let reader = cache_with(config, &backend, &clock);
        assert_eq!(run(reader.get("", "big")).unwrap(), None);
        assert_eq!(
            (reader.stats().l2.corrupt, reader.stats().l2.security),
            (1, 0)
        );
    }
}

#[test]
fn entries_moved_to_another_key_namespace_or_prefix_are_rejected() {
    for config in [signing(&[K1]), encrypting(&[K1])] {
        let (backend, clock) = shared(BackendCaps::unlimited());
        let writer = cache_with(config.clone(), &backend, &clock);
        run(writer.set("a", "price", b"100", &ttl())).unwrap();
        let raw = backend.raw_get("ec:a:price").unwrap();
        backend.raw_set("ec:a:cost", &raw);
        assert_rejected(config.clone(), &backend, &clock, "a", "cost");
        backend.raw_set("ec:b:price", &raw);
        assert_rejected(config.clone(), &backend, &clock, "b", "price");
        backend.raw_set("ec::price", &raw);
        assert_rejected(config.clone(), &backend, &clock, "", "price");
        backend.raw_set("other:a:price", &raw);
        let other_prefix = TieredConfig {
            prefix: "other".to_string(),
            ..config.clone()
        };
        assert_rejected(other_prefix, &backend, &clock, "a", "price");
    }
}

#[test]
fn unsigned_foreign_and_wrong_key_entries_are_rejected() {
    let (backend, clock) = shared(BackendCaps::unlimited());
    // Written by a cache without keys (or an attacker with a valid envelope).
    run(cache_with(TieredConfig::default(), &backend, &clock).set("", "k", b"evil", &ttl()))
        .unwrap();
    assert_rejected(signing(&[K1]), &backend, &clock, "", "k");
    assert_rejected(encrypting(&[K1]), &backend, &clock, "", "k");
    // Sealed with a key the reader does not have.
    run(cache_with(signing(&[K2]), &backend, &clock).set("", "k", b"evil", &ttl())).unwrap();
    assert_rejected(signing(&[K1]), &backend, &clock, "", "k");
    run(cache_with(encrypting(&[K2]), &backend, &clock).set("", "k", b"evil", &ttl())).unwrap();
    assert_rejected(encrypting(&[K1]), &backend, &clock, "", "k");
    // Encrypted, read by a cache that only signs (and the reverse).
    assert_rejected(signing(&[K2]), &backend, &clock, "", "k");
    run(cache_with(signing(&[K1]), &backend, &clock).set("", "k", b"v", &ttl())).unwrap();
    assert_rejected(encrypting(&[K1]), &backend, &clock, "", "k");
    // Garbage under the key.
    backend.raw_set("ec::k", b"\xEC\xCD\x01\x01garbage");
    assert_rejected(signing(&[K1]), &backend, &clock, "", "k");
}

#[test]
fn short_keys_and_encryption_without_randomness_are_refused() {
    let (backend, clock) = shared(BackendCaps::unlimited());
    let refused = |config: TieredConfig| {
        TieredCache::new(config, backend.clone(), Rc::new(clock.clone()))
            .err()
            .map(|e| e.code())
    };
    assert_eq!(refused(signing(&[&K1[..31]])), Some("INVALID_OPTION"));
    assert_eq!(refused(signing(&[K1, b"short"])), Some("INVALID_OPTION"));
    assert_eq!(refused(encrypting(&[&[7u8; 16]])), Some("INVALID_OPTION"));
    let mut no_random = encrypting(&[K1]);
    no_random.seal.random = None;
    assert_eq!(refused(no_random), Some("INVALID_OPTION"));
    assert_eq!(refused(signing(&[&[0u8; 32]])), None);
}

#[test]
fn namespaces_cannot_read_or_invalidate_each_other() {
    for config in [TieredConfig::default(), signing(&[K1])] {
        let (backend, clock) = shared(BackendCaps::unlimited());
        let cache = cache_with(config.clone(), &backend, &clock);
        run(cache.set("a", "x", b"from a", &ttl())).unwrap();
        run(cache.set("b", "x", b"from b", &ttl())).unwrap();
        run(cache.set("", "a:x", b"from default", &ttl())).unwrap();
        let fresh = cache_with(config.clone(), &backend, &clock);
        assert_eq!(run(fresh.get("a", "x")).unwrap(), Some(b"from a".to_vec()));
        assert_eq!(run(fresh.get("b", "x")).unwrap(), Some(b"from b".to_vec()));
        assert_eq!(
            run(fresh.get("", "a:x")).unwrap(),
            Some(b"from default".to_vec())
        );
        assert_eq!(run(fresh.get("c", "x")).unwrap(), None);
        // Pattern invalidation in one namespace leaves the others alone,
        // including a default-namespace pattern that spells another namespace.
        run(cache.delete_matching("a", "*")).unwrap();
        run(cache.delete_matching("", "b:*")).unwrap();
        let after = cache_with(config, &backend, &clock);
        assert_eq!(run(after.get("a", "x")).unwrap(), None);
        assert_eq!(run(after.get("b", "x")).unwrap(), Some(b"from b".to_vec()));
        assert_eq!(
            run(after.get("", "a:x")).unwrap(),
            Some(b"from default".to_vec())
        );
    }
}

#[test]
fn hashed_long_keys_of_two_namespaces_do_not_collide() {
    // A prefix longer than the readable start fit_key keeps (64 - 33 bytes), so
    // the stored keys of both namespaces look alike up to the hash: they differ
    // only because the namespace is part of the hashed input.
    let prefix = "p".repeat(40);
    let caps = BackendCaps {
        max_key_bytes: 64,
        ..BackendCaps::unlimited()
    };
    for base in [TieredConfig::default(), signing(&[K1])] {
        let config = TieredConfig {
            prefix: prefix.clone(),
            ..base
        };
        let (backend, clock) = shared(caps.clone());
        let cache = cache_with(config.clone(), &backend, &clock);
        let key = "k".repeat(40);
        let (in_a, in_b) = (
            cache.layout().entry_key("a", &key),
            cache.layout().entry_key("b", &key),
        );
        assert_eq!(in_a.len(), 64);
        assert_eq!(in_a[..31], in_b[..31], "readable starts are equal");
        assert_ne!(in_a, in_b, "the hash covers the namespace");
        run(cache.set("a", &key, b"A", &ttl())).unwrap();
        run(cache.set("b", &key, b"B", &ttl())).unwrap();
        let fresh = cache_with(config.clone(), &backend, &clock);
        assert_eq!(run(fresh.get("a", &key)).unwrap(), Some(b"A".to_vec()));
        assert_eq!(run(fresh.get("b", &key)).unwrap(), Some(b"B".to_vec()));
        if !config.seal.is_enabled() {
            continue;
        }
        // Even if an attacker copies one namespace's entry over the other's
        // (as a hash collision would), the signature binds the full key.
        let raw = backend.raw_get(&in_a).unwrap();
        backend.raw_set(&in_b, &raw);
        assert_rejected(config, &backend, &clock, "b", &key);
    }
}
