//! Random operation sequences on a small MemoryTier with a manual clock.
//! After every operation: `validate()` passes, the entry and byte bounds
//! hold, and no value was returned past its deadline. The deadlines are
//! tracked in a shadow map updated only by writes, so the check never needs
//! to predict evictions: a value that comes back must come from the last
//! write of its key, and that write's deadlines must not have passed.
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use edgecache::codec::Compression;
use edgecache::memory::{EvictionPolicy, Freshness, MemoryConfig, MemoryTier, Ns, SetOptions, Ttl};
use edgecache::{Clock, ManualClock};
use libfuzzer_sys::fuzz_target;

const TAGS: [&str; 3] = ["a", "b", "c"];
const PATTERNS: [&str; 5] = ["*", "k1*", "k?", "k[0-3]", "[^k]*"];

#[derive(Debug, Arbitrary)]
struct Setup {
    max_entries: u8,
    max_bytes: u16,
    policy: u8,
    default_ttl: Option<u16>,
    default_idle: Option<u16>,
    compress: bool,
}

/// A key: one of a few short names (to get collisions) or anything.
#[derive(Debug, Arbitrary)]
enum Key {
    Small(u8),
    Any(String),
}

impl Key {
    fn name(&self) -> String {
        match self {
            Key::Small(i) => format!("k{}", i % 8),
            Key::Any(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum TtlIn {
    Default,
    Never,
    Ms(u16),
}

impl TtlIn {
    fn ttl(&self) -> Ttl {
        match self {
            TtlIn::Default => Ttl::Default,
            TtlIn::Never => Ttl::Never,
            TtlIn::Ms(ms) => Ttl::Ms(u64::from(*ms)),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Write {
    ns: bool,
    key: Key,
    len: u16,
    fill: u8,
    ttl: TtlIn,
    idle: TtlIn,
    stale: Option<u16>,
    tags: u8,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Set(Write),
    Add(Write),
    Replace(Write),
    Get(bool, Key),
    Peek(bool, Key),
    GetStale(bool, Key, u16),
    Has(bool, Key),
    Ttl(bool, Key),
    Delete(bool, Key),
    Expire(bool, Key, u16),
    Persist(bool, Key),
    Touch(bool, Key),
    Incr(bool, Key, i64),
    GetMany(bool, Vec<Key>),
    DeleteMany(bool, Vec<Key>),
    Keys(bool, u8),
    DeleteMatching(bool, String),
    InvalidateTag(bool, u8),
    ClearNamespace(bool),
    Clear,
    Purge,
    Advance(u16),
}

/// The deadlines of the last write of one key, as the model sees them.
#[derive(Debug, Clone, Copy)]
struct Shadow {
    expires_at: Option<u64>,
    idle_ms: u64,
    last_access: u64,
    stale_ms: u64,
}

impl Shadow {
    /// The end of freshness (`u64::MAX` = never).
    fn fresh_until(&self) -> u64 {
        let ttl = self.expires_at.unwrap_or(u64::MAX);
        if self.idle_ms == 0 {
            ttl
        } else {
            ttl.min(self.last_access.saturating_add(self.idle_ms))
        }
    }
}

struct Harness {
    tier: MemoryTier,
    clock: ManualClock,
    ns: [Ns; 2],
    shadow: HashMap<(bool, String), Shadow>,
    default_ttl: Option<u64>,
    default_idle: Option<u64>,
}

fn resolve(ttl: Ttl, default: Option<u64>) -> Option<u64> {
    match ttl {
        Ttl::Default => default,
        Ttl::Never => None,
        Ttl::Ms(ms) => Some(ms),
    }
}

impl Harness {
    fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    fn record_write(&mut self, ns: bool, key: String, opts: &SetOptions<'_>) {
        let now = self.now();
        let shadow = Shadow {
            expires_at: resolve(opts.ttl, self.default_ttl).map(|t| now.saturating_add(t)),
            idle_ms: resolve(opts.idle, self.default_idle).unwrap_or(0),
            last_access: now,
            stale_ms: opts.stale_ms.unwrap_or(0),
        };
        self.shadow.insert((ns, key), shadow);
    }

    /// A value (or a "yes, present") came back fresh: its deadline must be ahead.
    fn check_fresh(&mut self, ns: bool, key: &str, touch: bool) {
        let now = self.now();
        if let Some(s) = self.shadow.get_mut(&(ns, key.to_string())) {
            assert!(
                now < s.fresh_until(),
                "{key:?} served at {now}, fresh until {}",
                s.fresh_until()
            );
            if touch {
                s.last_access = now;
            }
        }
    }

    fn check_stale(&self, ns: bool, key: &str, max_stale: u64) {
        let now = self.now();
        if let Some(s) = self.shadow.get(&(ns, key.to_string())) {
            let fresh_until = s.fresh_until();
            // The model's idle clock may run late (it assumes restarts it cannot
            // see), so only the upper bounds are checked here.
            assert!(
                now < fresh_until.saturating_add(s.stale_ms),
                "{key:?} served past its stale window"
            );
            assert!(
                now.saturating_sub(fresh_until) < max_stale,
                "{key:?} staler than asked"
            );
        }
    }

    fn write(&mut self, w: &Write, kind: u8) {
        let key = w.key.name();
        let value = vec![w.fill; usize::from(w.len % 512)];
        let tags: Vec<&str> = TAGS
            .iter()
            .enumerate()
            .filter(|(i, _)| w.tags & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect();
        let opts = SetOptions {
            ttl: w.ttl.ttl(),
            idle: w.idle.ttl(),
            stale_ms: w.stale.map(u64::from),
            tags: &tags,
        };
        let ns = self.ns[usize::from(w.ns)];
        let stored = match kind {
            0 => self.tier.set(ns, &key, &value, &opts).is_ok(),
            1 => self.tier.add(ns, &key, &value, &opts) == Ok(true),
            _ => self.tier.replace(ns, &key, &value, &opts) == Ok(true),
        };
        if stored {
            self.record_write(w.ns, key, &opts);
        }
    }

    fn step(&mut self, op: &Op) {
        match op {
            Op::Set(w) => self.write(w, 0),
            Op::Add(w) => self.write(w, 1),
            Op::Replace(w) => self.write(w, 2),
            Op::Get(ns, k) => {
                let key = k.name();
                let found = matches!(self.tier.get(self.ns[usize::from(*ns)], &key), Ok(Some(_)));
                if found {
                    self.check_fresh(*ns, &key, true);
                }
            }
            Op::Peek(ns, k) => {
                let key = k.name();
                if matches!(self.tier.peek(self.ns[usize::from(*ns)], &key), Ok(Some(_))) {
                    self.check_fresh(*ns, &key, false);
                }
            }
            Op::GetStale(ns, k, max_stale) => {
                let key = k.name();
                let max_stale = u64::from(*max_stale);
                let got = self
                    .tier
                    .get_allowing_stale(self.ns[usize::from(*ns)], &key, max_stale)
                    .ok()
                    .flatten()
                    .map(|(_, f)| f);
                match got {
                    Some(Freshness::Fresh) => self.check_fresh(*ns, &key, true),
                    Some(Freshness::Stale) => self.check_stale(*ns, &key, max_stale),
                    None => {}
                }
            }
            Op::Has(ns, k) => {
                let key = k.name();
                if self.tier.has(self.ns[usize::from(*ns)], &key) == Ok(true) {
                    self.check_fresh(*ns, &key, false);
                }
            }
            Op::Ttl(ns, k) => {
                let _ = self.tier.ttl(self.ns[usize::from(*ns)], &k.name());
            }
            Op::Delete(ns, k) => {
                let _ = self.tier.delete(self.ns[usize::from(*ns)], &k.name());
            }
            Op::Expire(ns, k, ttl) => {
                let key = k.name();
                let ttl = u64::from(*ttl);
                if self.tier.expire(self.ns[usize::from(*ns)], &key, ttl) == Ok(true) {
                    self.check_fresh(*ns, &key, false);
                    let now = self.now();
                    if let Some(s) = self.shadow.get_mut(&(*ns, key)) {
                        s.expires_at = Some(now.saturating_add(ttl));
                        // Lenient: assume the idle clock restarted too.
                        s.last_access = now;
                    }
                }
            }
            Op::Persist(ns, k) => {
                let key = k.name();
                if self.tier.persist(self.ns[usize::from(*ns)], &key) == Ok(true) {
                    self.check_fresh(*ns, &key, false);
                    if let Some(s) = self.shadow.get_mut(&(*ns, key)) {
                        s.expires_at = None;
                        s.idle_ms = 0;
                    }
                }
            }
            Op::Touch(ns, k) => {
                let key = k.name();
                if self.tier.touch(self.ns[usize::from(*ns)], &key) == Ok(true) {
                    self.check_fresh(*ns, &key, true);
                }
            }
            Op::Incr(ns, k, delta) => {
                let key = k.name();
                let tier_ns = self.ns[usize::from(*ns)];
                let existed = self.tier.has(tier_ns, &key) == Ok(true);
                if self.tier.incr(tier_ns, &key, *delta).is_ok() {
                    let now = self.now();
                    if existed {
                        // The entry keeps its deadlines (lenient about the idle clock).
                        if let Some(s) = self.shadow.get_mut(&(*ns, key)) {
                            s.last_access = now;
                        }
                    } else {
                        self.record_write(*ns, key, &SetOptions::default());
                    }
                }
            }
            Op::GetMany(ns, keys) => {
                let names: Vec<String> = keys.iter().map(Key::name).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                if let Ok(values) = self.tier.get_many(self.ns[usize::from(*ns)], &refs) {
                    assert_eq!(values.len(), refs.len());
                    for (name, value) in names.iter().zip(values) {
                        if value.is_some() {
                            self.check_fresh(*ns, name, true);
                        }
                    }
                }
            }
            Op::DeleteMany(ns, keys) => {
                let names: Vec<String> = keys.iter().map(Key::name).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let _ = self.tier.delete_many(self.ns[usize::from(*ns)], &refs);
            }
            Op::Keys(ns, p) => {
                let pattern = PATTERNS[usize::from(*p) % PATTERNS.len()];
                if let Ok(keys) = self.tier.keys(self.ns[usize::from(*ns)], pattern) {
                    for key in keys {
                        self.check_fresh(*ns, &key, false);
                    }
                }
            }
            Op::DeleteMatching(ns, pattern) => {
                let _ = self
                    .tier
                    .delete_matching(self.ns[usize::from(*ns)], pattern);
            }
            Op::InvalidateTag(ns, t) => {
                let tag = TAGS[usize::from(*t) % TAGS.len()];
                let _ = self.tier.invalidate_tag(self.ns[usize::from(*ns)], tag);
            }
            Op::ClearNamespace(ns) => {
                let _ = self.tier.clear_namespace(self.ns[usize::from(*ns)]);
            }
            Op::Clear => {
                self.tier.clear();
            }
            Op::Purge => {
                self.tier.purge_expired();
            }
            Op::Advance(ms) => self.clock.advance(u64::from(*ms)),
        }
    }
}

fuzz_target!(|input: (Setup, Vec<Op>)| {
    let (setup, ops) = input;
    let policy = [
        EvictionPolicy::Lru,
        EvictionPolicy::Lfu,
        EvictionPolicy::Fifo,
        EvictionPolicy::S3Fifo,
    ][usize::from(setup.policy % 4)];
    let config = MemoryConfig {
        max_entries: u64::from(setup.max_entries % 16) + 1,
        max_bytes: u64::from(setup.max_bytes % 4096) + 1,
        max_value_bytes: 400,
        max_key_bytes: 64,
        max_tags_per_entry: 2,
        default_ttl_ms: setup.default_ttl.map(|t| u64::from(t) + 1),
        default_idle_ms: setup.default_idle.map(|t| u64::from(t) + 1),
        policy,
        compression: if setup.compress {
            Compression {
                threshold: 16,
                level: 1,
            }
        } else {
            Compression::OFF
        },
    };
    let clock = ManualClock::new(1_700_000_000_000);
    let Ok(mut tier) = MemoryTier::new(config.clone(), Box::new(clock.clone())) else {
        return;
    };
    let other = tier.namespace("other").expect("a second namespace");
    let mut h = Harness {
        tier,
        clock,
        ns: [Ns::DEFAULT, other],
        shadow: HashMap::new(),
        default_ttl: config.default_ttl_ms,
        default_idle: config.default_idle_ms,
    };
    for op in ops.iter().take(256) {
        h.step(op);
        if let Err(e) = h.tier.validate() {
            panic!("validate() after {op:?}: {e}");
        }
        assert!(
            h.tier.len() <= config.max_entries,
            "{} entries",
            h.tier.len()
        );
        assert!(
            h.tier.bytes() <= config.max_bytes,
            "{} bytes",
            h.tier.bytes()
        );
    }
});
