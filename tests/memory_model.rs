//! Model-based test of the memory tier: random operation sequences and clock
//! jumps run against a naive reference model. The removal listener tells the
//! model which entries the policy evicted (the one choice the model cannot
//! predict); everything else must agree exactly, and the structural
//! invariants must hold after every step.

// A test should fail loudly; the no-panic rules are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::too_many_arguments
)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use edgecache::memory::{
    ENTRY_OVERHEAD, EvictionPolicy, Freshness, MemoryConfig, MemoryTier, Ns, Remaining, Removal,
    RemovalCause, SetOptions, TAG_OVERHEAD, Ttl,
};
use edgecache::pattern::Pattern;
use edgecache::{CacheError, ManualClock};
use proptest::prelude::*;

const KEYS: usize = 12;
const TAGS: [&str; 3] = ["t0", "t1", "t2"];
const PATTERNS: [&str; 6] = ["*", "k1*", "k?", "k[0-4]", "k[^0-4]*", "nomatch"];

#[derive(Debug, Clone)]
enum Op {
    Set {
        ns: u8,
        key: u8,
        len: u16,
        ttl: Option<u64>,
        idle: Option<u64>,
        stale: Option<u64>,
        tags: u8,
    },
    SetMany {
        ns: u8,
        keys: Vec<u8>,
        len: u16,
    },
    GetStale {
        ns: u8,
        key: u8,
        max_stale: u64,
    },
    Add {
        ns: u8,
        key: u8,
        len: u16,
    },
    Replace {
        ns: u8,
        key: u8,
        len: u16,
    },
    Get {
        ns: u8,
        key: u8,
    },
    GetMany {
        ns: u8,
        keys: Vec<u8>,
    },
    Delete {
        ns: u8,
        key: u8,
    },
    Incr {
        ns: u8,
        key: u8,
        delta: i64,
    },
    Expire {
        ns: u8,
        key: u8,
        ttl: u64,
    },
    Persist {
        ns: u8,
        key: u8,
    },
    Touch {
        ns: u8,
        key: u8,
    },
    Keys {
        ns: u8,
        pattern: u8,
    },
    DeleteMatching {
        ns: u8,
        pattern: u8,
    },
    InvalidateTag {
        ns: u8,
        tag: u8,
    },
    ClearNamespace {
        ns: u8,
    },
    Clear,
    Purge,
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let ns = 0u8..2;
    let key = 0u8..KEYS as u8;
    let ttl = prop::option::of(1u64..300);
    prop_oneof![
        6 => (ns.clone(), key.clone(), 0u16..400, ttl.clone(), ttl.clone(), ttl, 0u8..8)
            .prop_map(|(ns, key, len, ttl, idle, stale, tags)| Op::Set { ns, key, len, ttl, idle, stale, tags }),
        1 => (ns.clone(), prop::collection::vec(key.clone(), 0..6), 0u16..300)
            .prop_map(|(ns, keys, len)| Op::SetMany { ns, keys, len }),
        2 => (ns.clone(), key.clone(), 0u64..400).prop_map(|(ns, key, max_stale)| Op::GetStale { ns, key, max_stale }),
        1 => (ns.clone(), key.clone(), 0u16..50).prop_map(|(ns, key, len)| Op::Add { ns, key, len }),
        1 => (ns.clone(), key.clone(), 0u16..50).prop_map(|(ns, key, len)| Op::Replace { ns, key, len }),
        6 => (ns.clone(), key.clone()).prop_map(|(ns, key)| Op::Get { ns, key }),
        1 => (ns.clone(), prop::collection::vec(key.clone(), 0..5)).prop_map(|(ns, keys)| Op::GetMany { ns, keys }),
        2 => (ns.clone(), key.clone()).prop_map(|(ns, key)| Op::Delete { ns, key }),
        2 => (ns.clone(), key.clone(), prop_oneof![Just(i64::MAX), Just(i64::MIN), -5i64..5])
            .prop_map(|(ns, key, delta)| Op::Incr { ns, key, delta }),
        1 => (ns.clone(), key.clone(), 1u64..300).prop_map(|(ns, key, ttl)| Op::Expire { ns, key, ttl }),
        1 => (ns.clone(), key.clone()).prop_map(|(ns, key)| Op::Persist { ns, key }),
        1 => (ns.clone(), key.clone()).prop_map(|(ns, key)| Op::Touch { ns, key }),
        1 => (ns.clone(), 0u8..PATTERNS.len() as u8).prop_map(|(ns, pattern)| Op::Keys { ns, pattern }),
        1 => (ns.clone(), 0u8..PATTERNS.len() as u8).prop_map(|(ns, pattern)| Op::DeleteMatching { ns, pattern }),
        1 => (ns.clone(), 0u8..3).prop_map(|(ns, tag)| Op::InvalidateTag { ns, tag }),
        1 => ns.prop_map(|ns| Op::ClearNamespace { ns }),
        1 => Just(Op::Clear),
        1 => Just(Op::Purge),
        4 => prop_oneof![0u64..100, 100u64..1000].prop_map(Op::Advance),
    ]
}

#[derive(Debug, Clone)]
struct ModelEntry {
    value: Vec<u8>,
    expires_at: u64,
    idle: u64,
    stale: u64,
    last_access: u64,
    tags: Vec<&'static str>,
}

impl ModelEntry {
    fn keep_until(&self) -> u64 {
        self.deadline().saturating_add(self.stale)
    }

    fn deadline(&self) -> u64 {
        if self.idle == 0 {
            self.expires_at
        } else {
            self.expires_at.min(self.last_access + self.idle)
        }
    }
}

type Events = Rc<RefCell<Vec<(Ns, String, RemovalCause)>>>;

struct Harness {
    tier: MemoryTier,
    clock: ManualClock,
    ns: [Ns; 2],
    model: BTreeMap<(u8, String), ModelEntry>,
    events: Events,
    hits: u64,
    stale_hits: u64,
    misses: u64,
}

fn key_name(key: u8) -> String {
    format!("k{key}")
}

fn value_of(len: u16, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

impl Harness {
    fn new(policy: EvictionPolicy, max_entries: u64, max_bytes: u64) -> Self {
        let clock = ManualClock::new(10_000);
        let config = MemoryConfig {
            max_entries,
            max_bytes,
            policy,
            ..MemoryConfig::default()
        };
        let mut tier = MemoryTier::new(config, Box::new(clock.clone())).unwrap();
        let events: Events = Rc::default();
        let sink = events.clone();
        tier.set_removal_listener(Some(Box::new(move |r: &Removal<'_>| {
            sink.borrow_mut().push((r.ns, r.key.to_string(), r.cause));
        })));
        let other = tier.namespace("other").unwrap();
        Harness {
            tier,
            clock,
            ns: [Ns::DEFAULT, other],
            model: BTreeMap::new(),
            events,
            hits: 0,
            stale_hits: 0,
            misses: 0,
        }
    }

    fn now(&self) -> u64 {
        use edgecache::Clock;
        self.clock.now_ms()
    }

    fn ns_index(&self, ns: Ns) -> u8 {
        u8::from(ns != self.ns[0])
    }

    /// The model's entry if present (fresh or stale), dropping it once gone.
    fn present(&mut self, ns: u8, key: &str) -> Option<&mut ModelEntry> {
        let now = self.now();
        let id = (ns, key.to_string());
        if self.model.get(&id).is_some_and(|e| now >= e.keep_until()) {
            self.model.remove(&id);
        }
        self.model.get_mut(&id)
    }

    /// The model's fresh entry.
    fn live(&mut self, ns: u8, key: &str) -> Option<&mut ModelEntry> {
        let now = self.now();
        self.present(ns, key).filter(|e| now < e.deadline())
    }

    /// What a get of `key` must return, with the model's side effects of a
    /// read: a live entry is touched, and the hit or miss is counted.
    fn expect_read(&mut self, ns: u8, key: &str) -> Option<Vec<u8>> {
        let now = self.now();
        let expected = self.live(ns, key).map(|e| {
            e.last_access = now;
            e.value.clone()
        });
        if expected.is_some() {
            self.hits += 1
        } else {
            self.misses += 1
        }
        expected
    }

    /// Applies the tier's removal events to the model, checking each is legitimate.
    fn absorb_events(&mut self) -> Result<(), TestCaseError> {
        let now = self.now();
        let events: Vec<_> = self.events.borrow_mut().drain(..).collect();
        let mut evicted = Vec::new();
        for (ns, key, cause) in events {
            let id = (self.ns_index(ns), key.clone());
            match cause {
                RemovalCause::Expired => {
                    if let Some(entry) = self.model.get(&id) {
                        prop_assert!(now >= entry.keep_until(), "{key} expired early");
                    }
                    self.model.remove(&id);
                }
                RemovalCause::Capacity => {
                    if let Some(entry) = self.model.remove(&id) {
                        let weight = self.weight(&key, entry.value.len(), entry.tags.len());
                        evicted.push((key, weight));
                    }
                }
                RemovalCause::Explicit => {
                    self.model.remove(&id);
                }
            }
        }
        // Not too much: eviction stops as soon as the write fits, so putting
        // the last entry evicted for capacity back into what the tier holds now
        // must break a bound (the earlier ones went in policy order before it).
        if let Some((key, weight)) = evicted.pop() {
            let stats = self.tier.stats();
            let config = self.tier.config();
            prop_assert!(
                stats.entries + 1 > config.max_entries || stats.bytes + weight > config.max_bytes,
                "{key} ({weight} B) was evicted though it fits beside {} entries / {} B (max {} / {})",
                stats.entries,
                stats.bytes,
                config.max_entries,
                config.max_bytes
            );
        }
        Ok(())
    }

    fn set_model(
        &mut self,
        ns: u8,
        key: &str,
        value: Vec<u8>,
        ttl: Option<u64>,
        idle: Option<u64>,
        stale: Option<u64>,
        tags: Vec<&'static str>,
    ) {
        let now = self.now();
        self.model.insert(
            (ns, key.to_string()),
            ModelEntry {
                value,
                expires_at: ttl.map_or(u64::MAX, |t| now + t),
                idle: idle.unwrap_or(0),
                stale: stale.unwrap_or(0),
                last_access: now,
                tags,
            },
        );
    }

    /// Whether the tier accepts an entry of this size (the weight rule is public).
    fn fits(&self, key: &str, value_len: usize, tags: usize) -> bool {
        self.weight(key, value_len, tags) <= self.tier.config().max_bytes
    }

    fn weight(&self, key: &str, value_len: usize, tags: usize) -> u64 {
        // Every model tag name is 2 bytes long.
        key.len() as u64 + value_len as u64 + ENTRY_OVERHEAD + tags as u64 * (TAG_OVERHEAD + 2)
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let now = self.now();
        match op.clone() {
            Op::Set {
                ns,
                key,
                len,
                ttl,
                idle,
                stale,
                tags,
            } => {
                let k = key_name(key);
                let value = value_of(len, key);
                let tags: Vec<&'static str> = TAGS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| tags & (1 << i) != 0)
                    .map(|(_, t)| *t)
                    .collect();
                let opts = SetOptions {
                    ttl: Ttl::from_option(ttl),
                    idle: Ttl::from_option(idle),
                    stale_ms: stale,
                    tags: &tags,
                };
                let result = self.tier.set(self.ns[ns as usize], &k, &value, &opts);
                if self.fits(&k, value.len(), tags.len()) {
                    prop_assert_eq!(result, Ok(()));
                    self.set_model(ns, &k, value, ttl, idle, stale, tags);
                    let readable = self.tier.peek(self.ns[ns as usize], &k).unwrap().is_some();
                    prop_assert!(readable, "a set that returned Ok must be readable");
                } else {
                    prop_assert_eq!(result.unwrap_err().code(), "VALUE_TOO_LARGE");
                }
            }
            Op::Add { ns, key, len } | Op::Replace { ns, key, len } => {
                let is_add = matches!(op, Op::Add { .. });
                let k = key_name(key);
                let value = value_of(len, key.wrapping_add(7));
                let present = self.live(ns, &k).is_some();
                let opts = SetOptions::default();
                let result = if is_add {
                    self.tier.add(self.ns[ns as usize], &k, &value, &opts)
                } else {
                    self.tier.replace(self.ns[ns as usize], &k, &value, &opts)
                };
                if !self.fits(&k, value.len(), 0) {
                    prop_assert_eq!(result.unwrap_err().code(), "VALUE_TOO_LARGE");
                    return self.check_agreement();
                }
                let stored = result.unwrap();
                prop_assert_eq!(stored, present != is_add);
                if stored {
                    self.set_model(ns, &k, value, None, None, None, vec![]);
                }
            }
            Op::Get { ns, key } => {
                let k = key_name(key);
                let got = self
                    .tier
                    .get(self.ns[ns as usize], &k)
                    .unwrap()
                    .map(|v| v.into_owned());
                let expected = self.expect_read(ns, &k);
                prop_assert_eq!(got, expected);
            }
            Op::SetMany { ns, keys, len } => {
                let names: Vec<String> = keys.iter().map(|&k| key_name(k)).collect();
                let values: Vec<Vec<u8>> = keys.iter().map(|&k| value_of(len, k)).collect();
                let items: Vec<(&str, &[u8])> = names
                    .iter()
                    .zip(&values)
                    .map(|(k, v)| (k.as_str(), v.as_slice()))
                    .collect();
                let result =
                    self.tier
                        .set_many(self.ns[ns as usize], &items, &SetOptions::default());
                let weight: u64 = names.iter().map(|k| self.weight(k, len as usize, 0)).sum();
                if !names.iter().all(|k| self.fits(k, len as usize, 0)) {
                    prop_assert_eq!(result.unwrap_err().code(), "VALUE_TOO_LARGE");
                } else if names.len() as u64 > self.tier.config().max_entries {
                    prop_assert_eq!(result.unwrap_err().code(), "LIMIT_EXCEEDED");
                } else if weight > self.tier.config().max_bytes {
                    prop_assert_eq!(result.unwrap_err().code(), "VALUE_TOO_LARGE");
                } else {
                    prop_assert_eq!(result, Ok(()));
                    for (k, v) in names.iter().zip(values) {
                        self.set_model(ns, k, v, None, None, None, vec![]);
                        let readable = self.tier.peek(self.ns[ns as usize], k).unwrap().is_some();
                        prop_assert!(readable, "every item of an accepted batch is readable");
                    }
                }
            }
            Op::GetStale { ns, key, max_stale } => {
                let k = key_name(key);
                let got = self
                    .tier
                    .get_allowing_stale(self.ns[ns as usize], &k, max_stale)
                    .unwrap()
                    .map(|(v, f)| (v.into_owned(), f));
                let expected = self.present(ns, &k).and_then(|e| {
                    if now < e.deadline() {
                        e.last_access = now;
                        Some((e.value.clone(), Freshness::Fresh))
                    } else if now - e.deadline() < max_stale {
                        Some((e.value.clone(), Freshness::Stale))
                    } else {
                        None
                    }
                });
                match &expected {
                    Some((_, Freshness::Fresh)) => self.hits += 1,
                    Some((_, Freshness::Stale)) => self.stale_hits += 1,
                    None => self.misses += 1,
                }
                prop_assert_eq!(got, expected);
            }
            Op::GetMany { ns, keys } => {
                let names: Vec<String> = keys.iter().map(|&k| key_name(k)).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let got = self.tier.get_many(self.ns[ns as usize], &refs).unwrap();
                for (name, got) in names.iter().zip(got) {
                    let expected = self.expect_read(ns, name);
                    prop_assert_eq!(got, expected);
                }
            }
            Op::Delete { ns, key } => {
                let k = key_name(key);
                let existed = self.live(ns, &k).is_some();
                prop_assert_eq!(self.tier.delete(self.ns[ns as usize], &k).unwrap(), existed);
            }
            Op::Incr { ns, key, delta } => {
                let k = key_name(key);
                let result = self.tier.incr(self.ns[ns as usize], &k, delta);
                let current = self.live(ns, &k).map(|e| e.value.clone());
                let parsed = match &current {
                    None => Ok(0i64),
                    Some(bytes) => std::str::from_utf8(bytes)
                        .ok()
                        .filter(|s| !s.starts_with('+'))
                        .map(|s| s.strip_suffix('n').unwrap_or(s))
                        .and_then(|s| s.parse::<i64>().ok())
                        .ok_or(CacheError::NotAnInteger),
                };
                let tag_count = self.live(ns, &k).map_or(0, |e| e.tags.len());
                let expected = parsed
                    .and_then(|n| n.checked_add(delta).ok_or(CacheError::Overflow))
                    .and_then(|n| {
                        let len = n.to_string().len();
                        if self.fits(&k, len, tag_count) {
                            Ok(n)
                        } else {
                            Err(CacheError::ValueTooLarge {
                                size: self.weight(&k, len, tag_count),
                                limit: self.tier.config().max_bytes,
                            })
                        }
                    });
                prop_assert_eq!(&result, &expected);
                if let Ok(n) = expected {
                    match self.live(ns, &k) {
                        Some(entry) => {
                            entry.value = n.to_string().into_bytes();
                            entry.last_access = now;
                        }
                        None => self.set_model(
                            ns,
                            &k,
                            n.to_string().into_bytes(),
                            None,
                            None,
                            None,
                            vec![],
                        ),
                    }
                }
            }
            Op::Expire { ns, key, ttl } => {
                let k = key_name(key);
                let exists = self.live(ns, &k).is_some();
                prop_assert_eq!(
                    self.tier.expire(self.ns[ns as usize], &k, ttl).unwrap(),
                    exists
                );
                if let Some(e) = self.live(ns, &k) {
                    e.expires_at = now + ttl;
                    e.last_access = now;
                }
            }
            Op::Persist { ns, key } => {
                let k = key_name(key);
                let exists = self.live(ns, &k).is_some();
                prop_assert_eq!(self.tier.persist(self.ns[ns as usize], &k).unwrap(), exists);
                if let Some(e) = self.live(ns, &k) {
                    e.expires_at = u64::MAX;
                    e.idle = 0;
                }
            }
            Op::Touch { ns, key } => {
                let k = key_name(key);
                let exists = self.live(ns, &k).is_some();
                prop_assert_eq!(self.tier.touch(self.ns[ns as usize], &k).unwrap(), exists);
                if let Some(e) = self.live(ns, &k) {
                    e.last_access = now;
                }
            }
            Op::Keys { ns, pattern } | Op::DeleteMatching { ns, pattern } => {
                let text = PATTERNS[pattern as usize];
                let glob = Pattern::parse(text).unwrap();
                let mut expected: Vec<String> = self
                    .model
                    .iter()
                    .filter(|((n, k), e)| *n == ns && now < e.deadline() && glob.matches(k))
                    .map(|((_, k), _)| k.clone())
                    .collect();
                expected.sort();
                if matches!(op, Op::Keys { .. }) {
                    let mut got = self.tier.keys(self.ns[ns as usize], text).unwrap();
                    got.sort();
                    prop_assert_eq!(got, expected);
                } else {
                    let removed = self
                        .tier
                        .delete_matching(self.ns[ns as usize], text)
                        .unwrap();
                    prop_assert_eq!(removed, expected.len() as u64);
                }
            }
            Op::InvalidateTag { ns, tag } => {
                let tag = TAGS[tag as usize];
                let expected = self
                    .model
                    .iter()
                    .filter(|((n, _), e)| *n == ns && now < e.deadline() && e.tags.contains(&tag))
                    .count() as u64;
                let removed = self.tier.invalidate_tag(self.ns[ns as usize], tag).unwrap();
                prop_assert_eq!(removed, expected);
            }
            Op::ClearNamespace { ns } => {
                self.tier.clear_namespace(self.ns[ns as usize]).unwrap();
                prop_assert!(
                    self.events
                        .borrow()
                        .iter()
                        .all(|(n, _, _)| self.ns_index(*n) == ns)
                );
            }
            Op::Clear => {
                self.tier.clear();
                self.model.clear();
            }
            Op::Purge => {
                self.tier.purge_expired();
            }
            Op::Advance(ms) => self.clock.advance(ms),
        }
        self.absorb_events()?;
        self.check_agreement()
    }

    fn check_agreement(&mut self) -> Result<(), TestCaseError> {
        self.tier.validate().map_err(TestCaseError::fail)?;
        for ns in 0..2u8 {
            for key in 0..KEYS as u8 {
                let k = key_name(key);
                let got = self
                    .tier
                    .peek(self.ns[ns as usize], &k)
                    .unwrap()
                    .map(|v| v.into_owned());
                self.absorb_events()?;
                let expected = self.live(ns, &k).map(|e| e.value.clone());
                prop_assert_eq!(got, expected, "{}/{}", ns, k);
                let remaining = self.tier.ttl(self.ns[ns as usize], &k).unwrap();
                let now = self.now();
                let expected = match self.live(ns, &k) {
                    None => Remaining::Missing,
                    Some(e) if e.deadline() == u64::MAX => Remaining::Forever,
                    Some(e) => Remaining::Ms(e.deadline() - now),
                };
                prop_assert_eq!(remaining, expected);
            }
        }
        let stats = self.tier.stats();
        prop_assert_eq!(
            (stats.hits, stats.stale_hits, stats.misses),
            (self.hits, self.stale_hits, self.misses)
        );
        prop_assert!(stats.entries <= self.tier.config().max_entries);
        prop_assert!(stats.bytes <= self.tier.config().max_bytes);
        Ok(())
    }
}

fn policy() -> impl Strategy<Value = EvictionPolicy> {
    prop_oneof![
        Just(EvictionPolicy::Lru),
        Just(EvictionPolicy::Lfu),
        Just(EvictionPolicy::Fifo),
        Just(EvictionPolicy::S3Fifo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn tier_agrees_with_model(
        policy in policy(),
        max_entries in 1u64..10,
        max_bytes in 200u64..4000,
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let mut h = Harness::new(policy, max_entries, max_bytes);
        for op in &ops {
            h.step(op)?;
        }
    }
}
