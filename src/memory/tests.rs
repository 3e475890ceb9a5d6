//! Behaviour of the memory tier through its public API.

use std::cell::RefCell;
use std::rc::Rc;

use super::*;
use crate::clock::ManualClock;
use crate::error::CacheError;

const D: Ns = Ns::DEFAULT;

fn tier_with(config: MemoryConfig) -> (MemoryTier, ManualClock) {
    let clock = ManualClock::new(1_000_000);
    let tier = MemoryTier::new(config, Box::new(clock.clone())).unwrap();
    (tier, clock)
}

fn lru(max_entries: u64) -> (MemoryTier, ManualClock) {
    tier_with(MemoryConfig {
        max_entries,
        policy: EvictionPolicy::Lru,
        ..MemoryConfig::default()
    })
}

fn get(t: &mut MemoryTier, key: &str) -> Option<Vec<u8>> {
    t.get(D, key).unwrap().map(|v| v.into_owned())
}

fn set(t: &mut MemoryTier, key: &str, value: &[u8]) {
    t.set(D, key, value, &SetOptions::default()).unwrap();
}

#[test]
fn set_get_overwrite_delete() {
    let (mut t, _) = lru(10);
    assert_eq!(get(&mut t, "a"), None);
    set(&mut t, "a", b"1");
    set(&mut t, "a", b"22");
    assert_eq!(get(&mut t, "a"), Some(b"22".to_vec()));
    assert_eq!(t.len(), 1);
    assert!(t.delete(D, "a").unwrap());
    assert!(!t.delete(D, "a").unwrap());
    assert_eq!(get(&mut t, "a"), None);
    let s = t.stats();
    assert_eq!((s.hits, s.misses, s.sets, s.deletes), (1, 2, 2, 1));
    assert_eq!((s.entries, s.bytes), (0, 0));
    t.validate().unwrap();
}

#[test]
fn entry_bound_evicts_least_recently_used() {
    let (mut t, _) = lru(3);
    for k in ["a", "b", "c"] {
        set(&mut t, k, b"v");
    }
    get(&mut t, "a");
    set(&mut t, "d", b"v");
    assert!(!t.has(D, "b").unwrap());
    assert!(t.has(D, "a").unwrap());
    assert_eq!(t.len(), 3);
    assert_eq!(t.stats().evictions_capacity, 1);
    t.validate().unwrap();
}

#[test]
fn byte_bound_is_never_exceeded() {
    let per_entry = 1 + 100 + ENTRY_OVERHEAD;
    let (mut t, _) = tier_with(MemoryConfig {
        max_bytes: per_entry * 5 + 10,
        max_entries: 1_000,
        ..MemoryConfig::default()
    });
    for i in 0..50u8 {
        let key = [b'a' + (i % 26)];
        let key = std::str::from_utf8(&key).unwrap();
        t.set(D, key, &[i; 100], &SetOptions::default()).unwrap();
        assert!(t.bytes() <= t.config().max_bytes);
        t.validate().unwrap();
    }
    assert!(t.len() <= 5);
}

/// Pseudo-random bytes (xorshift): deflate cannot shrink them.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[test]
fn oversized_value_is_refused_and_evicts_nothing() {
    let (mut t, _) = tier_with(MemoryConfig {
        max_bytes: 4096,
        max_value_bytes: 100_000,
        ..MemoryConfig::default()
    });
    set(&mut t, "keep", b"x");
    let big = noise(5000);
    let err = t.set(D, "big", &big, &SetOptions::default()).unwrap_err();
    assert_eq!(err.code(), "VALUE_TOO_LARGE");
    assert_eq!(get(&mut t, "keep"), Some(b"x".to_vec()));

    let (mut t, _) = tier_with(MemoryConfig {
        max_value_bytes: 10,
        ..MemoryConfig::default()
    });
    set(&mut t, "keep", b"x");
    let err = t.set(D, "k", &[0; 11], &SetOptions::default()).unwrap_err();
    assert_eq!(
        err,
        CacheError::ValueTooLarge {
            size: 11,
            limit: 10
        }
    );
    assert_eq!(t.len(), 1);
}

#[test]
fn ttl_expires_and_default_ttl_applies() {
    let (mut t, clock) = tier_with(MemoryConfig {
        default_ttl_ms: Some(1_000),
        ..MemoryConfig::default()
    });
    set(&mut t, "default", b"v");
    t.set(D, "short", b"v", &SetOptions::ttl_ms(100)).unwrap();
    t.set(
        D,
        "never",
        b"v",
        &SetOptions {
            ttl: Ttl::Never,
            ..SetOptions::default()
        },
    )
    .unwrap();
    clock.advance(99);
    assert!(get(&mut t, "short").is_some());
    clock.advance(1);
    assert_eq!(get(&mut t, "short"), None);
    clock.advance(900);
    assert_eq!(get(&mut t, "default"), None);
    assert!(get(&mut t, "never").is_some());
    assert_eq!(t.ttl(D, "never").unwrap(), Remaining::Forever);
    assert_eq!(t.stats().evictions_expired, 2);
    t.validate().unwrap();
}

#[test]
fn sliding_expiry_and_earliest_deadline_wins() {
    let (mut t, clock) = lru(10);
    let opts = SetOptions {
        ttl: Ttl::Ms(1_000),
        idle: Ttl::Ms(300),
        ..SetOptions::default()
    };
    t.set(D, "k", b"v", &opts).unwrap();
    for _ in 0..3 {
        clock.advance(250);
        assert!(get(&mut t, "k").is_some(), "reads keep it alive");
    }
    assert_eq!(t.ttl(D, "k").unwrap(), Remaining::Ms(250));
    clock.advance(250);
    assert_eq!(get(&mut t, "k"), None, "the TTL deadline wins over idle");

    t.set(D, "idle", b"v", &opts).unwrap();
    clock.advance(300);
    assert_eq!(get(&mut t, "idle"), None, "idle deadline passes unread");
}

#[test]
fn peek_does_not_promote() {
    let (mut t, _) = lru(2);
    set(&mut t, "a", b"1");
    set(&mut t, "b", b"2");
    assert_eq!(t.peek(D, "a").unwrap().as_deref(), Some(&b"1"[..]));
    set(&mut t, "c", b"3");
    assert!(!t.has(D, "a").unwrap());
    assert_eq!(t.stats().hits, 0);
}

#[test]
fn add_and_replace_are_conditional() {
    let (mut t, clock) = lru(10);
    let o = SetOptions::ttl_ms(10);
    assert!(!t.replace(D, "k", b"1", &o).unwrap());
    assert!(t.add(D, "k", b"1", &o).unwrap());
    assert!(!t.add(D, "k", b"2", &o).unwrap());
    assert!(t.replace(D, "k", b"3", &o).unwrap());
    assert_eq!(get(&mut t, "k"), Some(b"3".to_vec()));
    clock.advance(10);
    assert!(
        t.add(D, "k", b"4", &o).unwrap(),
        "an expired entry counts as absent"
    );
}

#[test]
fn expire_persist_touch() {
    let (mut t, clock) = lru(10);
    set(&mut t, "k", b"v");
    assert!(t.expire(D, "k", 50).unwrap());
    assert_eq!(t.ttl(D, "k").unwrap(), Remaining::Ms(50));
    assert!(t.persist(D, "k").unwrap());
    clock.advance(100);
    assert!(t.has(D, "k").unwrap());
    assert!(!t.expire(D, "missing", 50).unwrap());
    assert_eq!(t.expire(D, "k", 0).unwrap_err().code(), "INVALID_TTL");
    assert_eq!(t.ttl(D, "missing").unwrap(), Remaining::Missing);

    let idle = SetOptions {
        idle: Ttl::Ms(100),
        ..SetOptions::default()
    };
    t.set(D, "i", b"v", &idle).unwrap();
    clock.advance(90);
    assert!(t.touch(D, "i").unwrap());
    clock.advance(90);
    assert!(t.has(D, "i").unwrap());
    assert!(!t.touch(D, "nope").unwrap());
}

#[test]
fn counters() {
    let (mut t, clock) = lru(10);
    assert_eq!(t.incr(D, "n", 5).unwrap(), 5);
    assert_eq!(t.decr(D, "n", 7).unwrap(), -2);
    assert_eq!(get(&mut t, "n"), Some(b"-2".to_vec()));
    t.set(D, "t", b"10", &SetOptions::ttl_ms(100)).unwrap();
    assert_eq!(t.incr(D, "t", 1).unwrap(), 11);
    clock.advance(100);
    assert!(!t.has(D, "t").unwrap(), "incr keeps the TTL");

    set(&mut t, "x", b"abc");
    assert_eq!(t.incr(D, "x", 1).unwrap_err(), CacheError::NotAnInteger);
    for bad in [
        &b""[..],
        b"-",
        b"+1",
        b" 1",
        b"1.0",
        b"99999999999999999999",
        b"n",
        b"-n",
        b"1nn",
        b"n1",
    ] {
        set(&mut t, "x", bad);
        assert_eq!(t.incr(D, "x", 1).unwrap_err(), CacheError::NotAnInteger);
    }
    set(&mut t, "b", b"-123n"); // a BigInt stored by the JS layer counts too
    assert_eq!(t.incr(D, "b", 3).unwrap(), -120);
    assert_eq!(get(&mut t, "b"), Some(b"-120".to_vec()));
    set(&mut t, "m", i64::MAX.to_string().as_bytes());
    assert_eq!(t.incr(D, "m", 1).unwrap_err(), CacheError::Overflow);
    assert_eq!(t.decr(D, "m", i64::MIN).unwrap_err(), CacheError::Overflow);
    assert_eq!(get(&mut t, "m"), Some(i64::MAX.to_string().into_bytes()));
}

#[test]
fn batches_validate_everything_first() {
    let (mut t, _) = lru(100);
    let items: [(&str, &[u8]); 2] = [("a", b"1"), ("b", b"2")];
    t.set_many(D, &items, &SetOptions::default()).unwrap();
    assert_eq!(
        t.get_many(D, &["a", "zz", "b"]).unwrap(),
        vec![Some(b"1".to_vec()), None, Some(b"2".to_vec())]
    );
    assert_eq!(t.has_many(D, &["a", "zz"]).unwrap(), vec![true, false]);
    let bad: [(&str, &[u8]); 2] = [("c", b"3"), ("", b"4")];
    assert_eq!(
        t.set_many(D, &bad, &SetOptions::default())
            .unwrap_err()
            .code(),
        "INVALID_KEY"
    );
    assert!(
        !t.has(D, "c").unwrap(),
        "nothing of a refused batch is stored"
    );
    assert_eq!(
        t.delete_many(D, &["a", "\u{1}"]).unwrap_err().code(),
        "INVALID_KEY"
    );
    assert!(
        t.has(D, "a").unwrap(),
        "nothing of a refused batch is deleted"
    );
    assert_eq!(t.delete_many(D, &["a", "b", "zz"]).unwrap(), 2);
    let too_many = vec!["k"; MAX_BATCH + 1];
    assert_eq!(
        t.get_many(D, &too_many).unwrap_err().code(),
        "LIMIT_EXCEEDED"
    );
}

#[test]
fn invalid_keys_are_refused() {
    let (mut t, _) = tier_with(MemoryConfig {
        max_key_bytes: 8,
        ..MemoryConfig::default()
    });
    for key in ["", "123456789", "a\nb", "\u{7f}"] {
        assert_eq!(t.get(D, key).unwrap_err().code(), "INVALID_KEY", "{key:?}");
        assert_eq!(
            t.set(D, key, b"v", &SetOptions::default())
                .unwrap_err()
                .code(),
            "INVALID_KEY"
        );
    }
    assert!(t.is_empty());
}

#[test]
fn namespaces_are_isolated() {
    let (mut t, _) = lru(100);
    let users = t.namespace("users").unwrap();
    let posts = t.namespace("posts").unwrap();
    assert_eq!(t.namespace("users").unwrap(), users);
    t.set(users, "1", b"u", &SetOptions::default()).unwrap();
    t.set(posts, "1", b"p", &SetOptions::default()).unwrap();
    set(&mut t, "1", b"d");
    assert_eq!(t.get(users, "1").unwrap().as_deref(), Some(&b"u"[..]));
    assert_eq!(t.clear_namespace(users).unwrap(), 1);
    assert!(!t.has(users, "1").unwrap());
    assert!(t.has(posts, "1").unwrap());
    assert!(t.has(D, "1").unwrap());
    assert_eq!(t.namespace_name(posts), Some("posts"));
    assert_eq!(t.get(Ns(999), "1").unwrap_err().code(), "INVALID_OPTION");
    t.validate().unwrap();
}

#[test]
fn tags_invalidate_only_their_entries() {
    let (mut t, _) = lru(100);
    let other = t.namespace("other").unwrap();
    let tagged = |tags: &'static [&'static str]| SetOptions {
        tags,
        ..SetOptions::default()
    };
    t.set(D, "a", b"1", &tagged(&["user:1", "feed"])).unwrap();
    t.set(D, "b", b"2", &tagged(&["feed"])).unwrap();
    t.set(D, "c", b"3", &tagged(&[])).unwrap();
    t.set(other, "a", b"4", &tagged(&["feed"])).unwrap();
    assert_eq!(t.invalidate_tag(D, "feed").unwrap(), 2);
    assert!(t.has(D, "c").unwrap());
    assert!(t.has(other, "a").unwrap());
    assert_eq!(t.invalidate_tag(D, "feed").unwrap(), 0);
    // Overwriting replaces the tag set.
    t.set(D, "c", b"3", &tagged(&["x"])).unwrap();
    t.set(D, "c", b"3", &tagged(&["y"])).unwrap();
    assert_eq!(t.invalidate_tag(D, "x").unwrap(), 0);
    assert_eq!(t.invalidate_tags(D, &["y", "nope"]).unwrap(), 1);
    let names: Vec<String> = (0..=DEFAULT_MAX_TAGS).map(|i| format!("t{i}")).collect();
    let many: Vec<&str> = names.iter().map(String::as_str).collect();
    let err = t
        .set(
            D,
            "k",
            b"v",
            &SetOptions {
                tags: &many,
                ..SetOptions::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "LIMIT_EXCEEDED");
    t.validate().unwrap();
}

#[test]
fn removal_listener_sees_every_cause() {
    let (mut t, clock) = lru(1);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    t.set_removal_listener(Some(Box::new(move |r: &Removal<'_>| {
        sink.borrow_mut().push((r.key.to_string(), r.cause));
    })));
    set(&mut t, "a", b"1");
    set(&mut t, "b", b"2");
    t.delete(D, "b").unwrap();
    t.set(D, "c", b"3", &SetOptions::ttl_ms(5)).unwrap();
    clock.advance(5);
    assert_eq!(t.purge_expired(), 1);
    set(&mut t, "d", b"4");
    t.clear();
    assert_eq!(
        *seen.borrow(),
        vec![
            ("a".into(), RemovalCause::Capacity),
            ("b".into(), RemovalCause::Explicit),
            ("c".into(), RemovalCause::Expired),
            ("d".into(), RemovalCause::Explicit),
        ]
    );
}

#[test]
fn clear_resets_contents_not_counters() {
    let (mut t, _) = lru(10);
    set(&mut t, "a", b"1");
    set(&mut t, "b", b"2");
    assert_eq!(t.clear(), 2);
    assert!(t.is_empty());
    assert_eq!(t.bytes(), 0);
    assert_eq!(t.stats().evictions_explicit, 2);
    set(&mut t, "a", b"1");
    assert_eq!(get(&mut t, "a"), Some(b"1".to_vec()));
    t.validate().unwrap();
}

#[test]
#[cfg(feature = "l1-deflate")]
fn large_values_are_compressed_transparently() {
    let (mut t, _) = lru(10);
    let text = "the same sentence again and again. "
        .repeat(200)
        .into_bytes();
    set(&mut t, "text", &text);
    assert!(t.bytes() < text.len() as u64 / 4, "stored deflated");
    assert_eq!(get(&mut t, "text"), Some(text));
    let random = noise(4000);
    set(&mut t, "noise", &random);
    assert_eq!(get(&mut t, "noise"), Some(random));
    t.validate().unwrap();
}

#[test]
fn invalid_configuration_is_refused() {
    for config in [
        MemoryConfig {
            max_entries: 0,
            ..MemoryConfig::default()
        },
        MemoryConfig {
            max_bytes: 0,
            ..MemoryConfig::default()
        },
        MemoryConfig {
            default_ttl_ms: Some(0),
            ..MemoryConfig::default()
        },
    ] {
        let err = MemoryTier::new(config, Box::new(ManualClock::new(0))).err();
        assert_eq!(err.map(|e| e.code()), Some("INVALID_OPTION"));
    }
}

#[test]
fn stale_entries_serve_only_stale_reads() {
    let (mut t, clock) = lru(10);
    let opts = SetOptions {
        ttl: Ttl::Ms(100),
        stale_ms: Some(1_000),
        tags: &["feed"],
        ..SetOptions::default()
    };
    t.set(D, "k", b"v", &opts).unwrap();
    let read = |t: &mut MemoryTier, max| {
        t.get_allowing_stale(D, "k", max)
            .unwrap()
            .map(|(v, f)| (v.into_owned(), f))
    };
    assert_eq!(read(&mut t, 0), Some((b"v".to_vec(), Freshness::Fresh)));
    clock.advance(150);
    assert_eq!(get(&mut t, "k"), None, "plain reads never see stale data");
    assert!(!t.has(D, "k").unwrap());
    assert_eq!(t.ttl(D, "k").unwrap(), Remaining::Missing);
    assert_eq!(read(&mut t, 40), None, "older than the caller accepts");
    assert_eq!(read(&mut t, 60), Some((b"v".to_vec(), Freshness::Stale)));
    assert_eq!(t.stats().stale_hits, 1);
    assert_eq!(
        t.invalidate_tag(D, "feed").unwrap(),
        0,
        "no fresh entry removed"
    );
    assert_eq!(
        read(&mut t, 10_000),
        None,
        "invalidation removes stale copies too"
    );

    t.set(D, "k", b"v", &opts).unwrap();
    clock.advance(1_100);
    assert_eq!(read(&mut t, 10_000), None, "gone after the stale window");
    assert!(t.is_empty());
}
