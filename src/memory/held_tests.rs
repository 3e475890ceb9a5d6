//! Values the host keeps by slot: the slots a tier answers with and the
//! dropped-slot list that keeps the host from holding a removed value.

use super::*;
use crate::clock::ManualClock;

const D: Ns = Ns::DEFAULT;

fn tracked(max_entries: u64) -> (MemoryTier, ManualClock) {
    let clock = ManualClock::new(1_000);
    let config = MemoryConfig {
        max_entries,
        policy: EvictionPolicy::Lru,
        ..MemoryConfig::default()
    };
    let mut tier = MemoryTier::new(config, Box::new(clock.clone())).unwrap();
    tier.track_held();
    (tier, clock)
}

fn held(t: &mut MemoryTier, key: &str, charge: u64) -> u32 {
    let opts = SetOptions::default();
    t.write(WriteKind::Set, D, key, Value::Held { charge }, &opts)
        .unwrap()
        .unwrap()
}

fn slot_of(t: &mut MemoryTier, key: &str) -> Option<u32> {
    match t.read(D, key, false).unwrap() {
        Some(Found::Held(slot)) => Some(slot),
        Some(Found::Bytes(_)) => panic!("{key} answered with bytes"),
        None => None,
    }
}

#[test]
fn a_held_value_answers_with_its_slot_and_weighs_its_charge() {
    let (mut t, _) = tracked(10);
    let slot = held(&mut t, "a", 1_000);
    assert_eq!(slot_of(&mut t, "a"), Some(slot));
    assert_eq!(t.bytes(), 1 + 1_000 + ENTRY_OVERHEAD);
    let s = t.stats();
    assert_eq!((s.hits, s.sets), (1, 1));
    assert!(
        t.dropped().is_empty(),
        "nothing dropped by an insert and a read"
    );
    t.validate().unwrap();
}

#[test]
fn the_charge_is_held_to_the_value_limit() {
    let (mut t, _) = tracked(10);
    let limit = t.config().max_value_bytes;
    let opts = SetOptions::default();
    let err = t
        .write(
            WriteKind::Set,
            D,
            "a",
            Value::Held { charge: limit + 1 },
            &opts,
        )
        .unwrap_err();
    assert_eq!(err.code(), "VALUE_TOO_LARGE");
    assert!(t.is_empty());
}

#[test]
fn evicted_deleted_expired_and_overwritten_held_slots_are_listed() {
    let (mut t, clock) = tracked(2);
    let a = held(&mut t, "a", 10);
    let b = held(&mut t, "b", 10);
    held(&mut t, "c", 10); // evicts a (least recently used)
    assert_eq!(t.dropped(), [a]);
    t.clear_dropped();
    // Overwriting a held value with bytes: the host must drop the old one.
    t.set(D, "b", b"bytes", &SetOptions::default()).unwrap();
    assert_eq!(t.dropped(), [b]);
    t.clear_dropped();
    // A bytes entry removed is not listed: the host held nothing there.
    assert!(t.delete(D, "b").unwrap());
    assert!(t.dropped().is_empty());
    let opts = SetOptions {
        ttl: Ttl::Ms(5),
        ..SetOptions::default()
    };
    let d = t
        .write(WriteKind::Set, D, "d", Value::Held { charge: 1 }, &opts)
        .unwrap()
        .unwrap();
    clock.advance(10);
    assert_eq!(slot_of(&mut t, "d"), None);
    assert!(t.dropped().contains(&d), "expired held slot listed");
    t.clear_dropped();
    t.validate().unwrap();
}

#[test]
fn clear_lists_every_held_slot() {
    let (mut t, _) = tracked(10);
    let mut slots = vec![held(&mut t, "a", 1), held(&mut t, "b", 1)];
    t.set(D, "bytes", b"v", &SetOptions::default()).unwrap();
    assert_eq!(t.clear(), 3);
    let mut dropped = t.dropped().to_vec();
    dropped.sort_unstable();
    slots.sort_unstable();
    assert_eq!(dropped, slots);
}

#[test]
fn conditional_and_batch_writes_answer_with_slots() {
    let (mut t, _) = tracked(10);
    let opts = SetOptions::default();
    let one = Value::Held { charge: 1 };
    assert_eq!(
        t.write(WriteKind::Replace, D, "a", one, &opts).unwrap(),
        None
    );
    let a = t
        .write(WriteKind::Add, D, "a", one, &opts)
        .unwrap()
        .unwrap();
    assert_eq!(t.write(WriteKind::Add, D, "a", one, &opts).unwrap(), None);
    assert_eq!(
        t.write(WriteKind::Replace, D, "a", one, &opts).unwrap(),
        Some(a)
    );
    let items = [("x", one), ("y", Value::Bytes(b"yy")), ("x", one)];
    let slots = t.write_many(D, &items, &opts).unwrap();
    assert_eq!(slots.len(), 3);
    assert_eq!(slots[0], slots[2], "the same key twice: one slot");
    assert!(matches!(t.read(D, "y", true).unwrap(), Some(Found::Bytes(v)) if &*v == b"yy"));
    assert_eq!(slot_of(&mut t, "x"), Some(slots[0]));
    t.validate().unwrap();
}

#[test]
fn an_untracked_tier_lists_nothing() {
    let clock = ManualClock::new(0);
    let mut t = MemoryTier::new(MemoryConfig::default(), Box::new(clock)).unwrap();
    let opts = SetOptions::default();
    t.write(WriteKind::Set, D, "a", Value::Held { charge: 1 }, &opts)
        .unwrap();
    assert!(t.delete(D, "a").unwrap());
    assert!(t.dropped().is_empty());
}

#[test]
#[cfg(not(feature = "l1-deflate"))]
fn without_l1_deflate_values_are_stored_as_they_are() {
    let (mut t, _) = tracked(10);
    let value = vec![b'a'; 64 * 1024];
    t.set(D, "big", &value, &SetOptions::default()).unwrap();
    assert_eq!(t.bytes(), 3 + value.len() as u64 + ENTRY_OVERHEAD);
    assert!(matches!(t.read(D, "big", true).unwrap(), Some(Found::Bytes(v)) if *v == value[..]));
}
