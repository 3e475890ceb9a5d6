//! Tests of the expiry wheel: behaviours one by one, a model test against an
//! ordered map, and a bound on the work for a million entries.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const SECOND: u64 = 1_000;
const DAY: u64 = 86_400 * SECOND;

/// Calls `expire` until it reports nothing left; returns the slots in order.
fn drain(wheel: &mut ExpiryWheel, now: u64, budget: usize) -> Vec<u32> {
    let mut out = Vec::new();
    let mut calls = 0u32;
    while wheel.expire(now, budget, &mut out) {
        calls += 1;
        assert!(calls < 1_000_000, "expire never reported completion");
    }
    out
}

fn sorted(mut slots: Vec<u32>) -> Vec<u32> {
    slots.sort_unstable();
    slots
}

#[test]
fn fires_at_its_time_and_not_before() {
    let mut wheel = ExpiryWheel::new(1_000);
    wheel.schedule(1, 1_500);
    wheel.schedule(2, 1_000 + 3 * DAY);
    let mut out = Vec::new();
    assert!(!wheel.expire(1_499, 10, &mut out));
    assert!(out.is_empty());
    assert!(!wheel.expire(1_500, 10, &mut out));
    assert_eq!(out, vec![1]);
    assert!(!wheel.expire(1_000 + 3 * DAY - 1, 10, &mut out));
    assert_eq!(out, vec![1]);
    assert!(!wheel.expire(1_000 + 3 * DAY, 10, &mut out));
    assert_eq!(out, vec![1, 2]);
    assert!(wheel.is_empty());
}

#[test]
fn cascading_rebuckets_by_exact_time() {
    // Times spread over hours land in high buckets; stepping through them
    // must return exactly the slots due so far at every step.
    let start = 7 * DAY + 123;
    let mut wheel = ExpiryWheel::new(start);
    let times: Vec<u64> = (0..500u64)
        .map(|i| start + (i * 7_919_113) % (5 * 3_600 * SECOND))
        .collect();
    for (slot, &at) in (0u32..).zip(&times) {
        wheel.schedule(slot, at);
    }
    let mut fired = Vec::new();
    let mut now = start;
    while now < start + 6 * 3_600 * SECOND {
        now += 37_777;
        fired.extend(drain(&mut wheel, now, 7));
        let expected: Vec<u32> = (0u32..)
            .zip(&times)
            .filter(|&(_, &at)| at <= now)
            .map(|(s, _)| s)
            .collect();
        assert_eq!(sorted(fired.clone()), expected, "at {now}");
    }
    assert_eq!(fired.len(), 500);
}

#[test]
fn rescheduling_replaces_the_earlier_time() {
    let mut wheel = ExpiryWheel::new(0);
    wheel.schedule(4, 100);
    wheel.schedule(4, 90_000);
    assert_eq!(wheel.len(), 1);
    assert_eq!(wheel.scheduled_at(4), Some(90_000));
    assert!(drain(&mut wheel, 89_999, 8).is_empty());
    assert_eq!(drain(&mut wheel, 90_000, 8), vec![4]);
    // Earlier than before works too.
    wheel.schedule(4, 200_000);
    wheel.schedule(4, 95_000);
    assert_eq!(drain(&mut wheel, 95_000, 8), vec![4]);
    assert!(drain(&mut wheel, u64::MAX, 8).is_empty());
}

#[test]
fn cancel_removes_and_slots_are_reusable() {
    let mut wheel = ExpiryWheel::new(0);
    wheel.cancel(3); // never scheduled: no-op
    wheel.schedule(3, 50);
    wheel.schedule(5, 60);
    wheel.cancel(3);
    wheel.cancel(3);
    assert_eq!(wheel.len(), 1);
    assert_eq!(wheel.scheduled_at(3), None);
    assert_eq!(drain(&mut wheel, 1_000, 8), vec![5]);
    wheel.cancel(5); // already fired: no-op
    assert!(wheel.is_empty());
    // Reused after cancel and after firing.
    wheel.schedule(3, 2_000);
    wheel.schedule(5, 2_000);
    assert_eq!(sorted(drain(&mut wheel, 2_000, 8)), vec![3, 5]);
    // Cancel of an overdue slot.
    wheel.schedule(9, 10);
    wheel.cancel(9);
    assert!(drain(&mut wheel, 3_000, 8).is_empty());
    assert!(wheel.is_empty());
}

#[test]
fn past_times_fire_at_the_next_expire() {
    let mut wheel = ExpiryWheel::new(10_000);
    assert!(!wheel.expire(20_000, 8, &mut Vec::new()));
    wheel.schedule(3, 5_000);
    wheel.schedule(4, 20_000); // exactly the wheel's time
    wheel.schedule(6, 0);
    assert_eq!(wheel.scheduled_at(3), Some(5_000));
    assert_eq!(sorted(drain(&mut wheel, 20_000, 8)), vec![3, 4, 6]);
}

#[test]
fn budget_bounds_each_call_and_leftovers_resume() {
    let mut wheel = ExpiryWheel::new(0);
    for slot in 0..100 {
        // Slots 50.. sit in a higher level and cascade first.
        let at = if slot < 50 { 10 } else { 5_000 };
        wheel.schedule(slot, at + u64::from(slot % 3));
    }
    let mut out = Vec::new();
    assert!(wheel.expire(10_000, 8, &mut out));
    assert_eq!(out.len(), 8);
    let mut calls = 1;
    loop {
        let before = out.len();
        let more = wheel.expire(10_000, 8, &mut out);
        assert!(out.len() - before <= 8);
        calls += 1;
        if !more {
            break;
        }
    }
    assert_eq!(sorted(out), (0..100).collect::<Vec<_>>());
    assert!(calls >= 13);
    // A zero budget does nothing but reports what is due.
    wheel.schedule(1, 10_000);
    let mut out = Vec::new();
    assert!(wheel.expire(10_000, 0, &mut out));
    assert!(out.is_empty());
    assert!(!wheel.expire(9_999, 0, &mut out));
    assert_eq!(drain(&mut wheel, 10_000, 1), vec![1]);
}

#[test]
fn clock_going_backwards_fires_nothing_early() {
    let mut wheel = ExpiryWheel::new(0);
    wheel.schedule(1, 100);
    wheel.schedule(2, 1_000_050);
    assert_eq!(drain(&mut wheel, 1_000_000, 8), vec![1]);
    assert!(drain(&mut wheel, 500, 8).is_empty());
    // Behind the wheel but ahead of the (backwards) clock.
    wheel.schedule(3, 600);
    wheel.schedule(7, 550);
    assert_eq!(drain(&mut wheel, 560, 8), vec![7]);
    assert_eq!(drain(&mut wheel, 600, 8), vec![3]);
    assert!(drain(&mut wheel, 1_000_049, 8).is_empty());
    assert_eq!(drain(&mut wheel, 1_000_050, 8), vec![2]);
}

#[test]
fn extreme_times_do_not_overflow() {
    let mut wheel = ExpiryWheel::new(u64::MAX - 10);
    wheel.schedule(1, u64::MAX);
    wheel.schedule(2, u64::MAX - 1);
    assert!(drain(&mut wheel, u64::MAX - 2, 8).is_empty());
    assert_eq!(drain(&mut wheel, u64::MAX - 1, 8), vec![2]);
    assert_eq!(drain(&mut wheel, u64::MAX, 8), vec![1]);
    wheel.schedule(3, u64::MAX);
    assert_eq!(drain(&mut wheel, u64::MAX, 8), vec![3]);

    let mut wheel = ExpiryWheel::new(0);
    wheel.schedule(1, u64::MAX);
    wheel.schedule(2, 1 << 63);
    assert!(drain(&mut wheel, (1 << 63) - 1, 8).is_empty());
    assert_eq!(drain(&mut wheel, u64::MAX, 8), vec![2, 1]);
    // The reserved slot is ignored.
    wheel.schedule(NIL, 5);
    assert!(wheel.is_empty());
}

#[test]
fn clear_forgets_everything_and_restarts_the_clock() {
    let mut wheel = ExpiryWheel::new(0);
    for slot in 0..50 {
        wheel.schedule(slot, 10 * DAY + u64::from(slot));
    }
    wheel.schedule(60, 5);
    assert_eq!(drain(&mut wheel, 1_000, 8), vec![60]);
    wheel.clear(20);
    assert!(wheel.is_empty());
    assert_eq!(wheel.scheduled_at(3), None);
    assert!(drain(&mut wheel, u64::MAX - 1, 8).is_empty());
    wheel.clear(20);
    wheel.schedule(3, 30);
    assert!(drain(&mut wheel, 29, 8).is_empty());
    assert_eq!(drain(&mut wheel, 30, 8), vec![3]);
}

#[test]
fn long_idle_gaps_cost_a_few_steps() {
    let mut wheel = ExpiryWheel::new(1_000);
    assert!(!wheel.expire(1_000 + 3_650 * DAY, 16, &mut Vec::new()));
    assert!(wheel.work <= 2, "empty wheel: {} steps", wheel.work);

    let start = 1_000 + 3_650 * DAY;
    let mut wheel = ExpiryWheel::new(start);
    wheel.schedule(1, start + 60 * SECOND);
    wheel.schedule(2, start + 3 * DAY);
    wheel.schedule(3, start + 365 * DAY);
    assert_eq!(drain(&mut wheel, start + 730 * DAY, 16), vec![1, 2, 3]);
    // Each slot moves at most once per level, each step handles a bucket.
    assert!(wheel.work <= 3 * 2 * LEVELS as u64, "{} steps", wheel.work);
}

#[test]
fn a_million_entries_expire_in_bounded_work() {
    const N: u32 = 1_000_000;
    const BUDGET: usize = 32;
    let start = 1_700_000_000_000;
    let mut wheel = ExpiryWheel::new(start);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for slot in 0..N {
        // xorshift: times spread over 30 days
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        wheel.schedule(slot, start + x % (30 * DAY));
    }
    assert_eq!(wheel.len(), N as usize);
    let mut seen = vec![false; N as usize];
    let mut out = Vec::with_capacity(BUDGET);
    let mut calls = 0u64;
    let mut more = true;
    while more {
        out.clear();
        more = wheel.expire(start + 60 * DAY, BUDGET, &mut out);
        calls += 1;
        assert!(out.len() <= BUDGET);
        for &slot in &out {
            let flag = seen.get_mut(slot as usize).expect("slot in range");
            assert!(!*flag, "slot {slot} fired twice");
            *flag = true;
        }
    }
    assert!(seen.iter().all(|&s| s), "a slot was lost");
    assert!(wheel.is_empty());
    let per_entry = wheel.work as f64 / f64::from(N);
    assert!(
        per_entry < LEVELS as f64,
        "{per_entry} work units per entry"
    );
    assert!(calls < u64::from(N) / BUDGET as u64 * 2, "{calls} calls");
}

#[derive(Debug, Clone)]
enum Time {
    Offset(i64),
    Absolute(u64),
}

#[derive(Debug, Clone)]
enum Op {
    Schedule(u32, Time),
    Cancel(u32),
    Expire(Time, usize),
}

fn time() -> impl Strategy<Value = Time> {
    prop_oneof![
        4 => (-100i64..300).prop_map(Time::Offset),
        3 => (-5_000i64..200_000).prop_map(Time::Offset),
        2 => (-(1i64 << 40)..(1i64 << 42)).prop_map(Time::Offset),
        1 => (u64::MAX - 1_000..=u64::MAX).prop_map(Time::Absolute),
        1 => any::<u64>().prop_map(Time::Absolute),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u32..40, time()).prop_map(|(s, t)| Op::Schedule(s, t)),
        1 => (0u32..40).prop_map(Op::Cancel),
        4 => (time(), 0usize..12).prop_map(|(t, b)| Op::Expire(t, b)),
    ]
}

fn resolve(clock: u64, time: &Time) -> u64 {
    match *time {
        Time::Offset(delta) => clock.saturating_add_signed(delta),
        Time::Absolute(at) => at,
    }
}

proptest! {
    #[test]
    fn behaves_like_an_ordered_map(
        start in prop_oneof![0u64..(1 << 44), u64::MAX - 100_000..=u64::MAX],
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let mut wheel = ExpiryWheel::new(start);
        let mut model: BTreeMap<u32, u64> = BTreeMap::new();
        let mut clock = start;
        for op in &ops {
            match op {
                Op::Schedule(slot, at) => {
                    let at = resolve(clock, at);
                    wheel.schedule(*slot, at);
                    model.insert(*slot, at);
                }
                Op::Cancel(slot) => {
                    wheel.cancel(*slot);
                    model.remove(slot);
                }
                Op::Expire(at, budget) => {
                    clock = resolve(clock, at);
                    let mut out = Vec::new();
                    let more = wheel.expire(clock, *budget, &mut out);
                    prop_assert!(out.len() <= *budget);
                    for slot in out {
                        let when = model.remove(&slot);
                        prop_assert!(when.is_some(), "slot {} not scheduled (or fired twice)", slot);
                        prop_assert!(when <= Some(clock), "slot {} fired early: {:?} > {}", slot, when, clock);
                    }
                    if !more {
                        prop_assert!(model.values().all(|&w| w > clock), "due slot left behind at {}", clock);
                    }
                }
            }
            prop_assert_eq!(wheel.len(), model.len());
            for slot in 0..40 {
                prop_assert_eq!(wheel.scheduled_at(slot), model.get(&slot).copied());
            }
        }
        let rest = sorted(drain(&mut wheel, u64::MAX, 5));
        prop_assert_eq!(rest, model.keys().copied().collect::<Vec<_>>());
        prop_assert!(wheel.is_empty());
    }
}
