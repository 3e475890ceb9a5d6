//! Memory held beside the tier on behalf of its entries (a semantic index's
//! vectors): [`MemoryTier::charge`] adds those bytes to an entry's weight, so
//! the byte bound and eviction count them, and the removal hook tells the
//! holder when the entry leaves (evicted, expired, deleted, invalidated), so
//! it can drop them at once. Additive to the tier: nothing else reads these.

use crate::error::{CacheError, Result};
use crate::memory::namespaces::Ns;
use crate::memory::stats::RemovalListener;
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    /// Adds `extra` bytes (only a tier with a removal hook: the holder of
    /// those bytes must hear when the entry leaves) to the weight of the fresh entry `key`, then evicts
    /// to the bounds (never that entry). False, changing nothing, if `key` has
    /// no fresh entry; `VALUE_TOO_LARGE` if the entry would outweigh `max_bytes`.
    /// An overwrite of the entry resets its weight: charge again after it.
    pub fn charge(&mut self, ns: Ns, key: &str, extra: u64) -> Result<bool> {
        if self.hook.is_none() {
            return Err(CacheError::InvalidOption {
                name: "charge",
                reason: "only a tier with a removal hook holds bytes beside its entries".into(),
            });
        }
        let now = self.now();
        let Some(slot) = self.lookup_fresh(ns, key, now)?.1 else {
            return Ok(false);
        };
        let max_bytes = self.config.max_bytes;
        let Some(cold) = self.cold_mut(slot) else {
            return Ok(false);
        };
        let weight = cold
            .weight
            .checked_add(extra)
            .filter(|&w| w <= max_bytes)
            .ok_or(CacheError::ValueTooLarge {
                size: cold.weight.saturating_add(extra),
                limit: max_bytes,
            })?;
        cold.weight = weight;
        self.bytes = self.bytes.saturating_add(extra);
        self.policy.update(slot, weight);
        self.enforce_bounds(&[slot]);
        Ok(true)
    }

    /// Installs the removal hook: called for every entry that leaves, after
    /// the listener of [`MemoryTier::set_removal_listener`], which it leaves alone.
    pub fn set_removal_hook(&mut self, hook: Option<RemovalListener>) {
        self.hook = hook;
    }

    /// Whether a removal hook is installed (one holder per tier).
    pub fn has_removal_hook(&self) -> bool {
        self.hook.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::clock::ManualClock;
    use crate::memory::{MemoryConfig, MemoryTier, Ns, Removal, SetOptions};

    fn tier(max_bytes: u64) -> MemoryTier {
        let config = MemoryConfig {
            max_bytes,
            ..MemoryConfig::default()
        };
        MemoryTier::new(config, Box::new(ManualClock::new(0))).unwrap()
    }

    #[test]
    fn charged_bytes_count_toward_the_bound_and_evict_others() {
        let mut t = tier(2_000);
        t.set_removal_hook(Some(Box::new(|_: &Removal<'_>| {})));
        let opts = SetOptions::default();
        t.set(Ns::DEFAULT, "a", b"x", &opts).unwrap();
        t.set(Ns::DEFAULT, "b", b"y", &opts).unwrap();
        let one = t.bytes() / 2;
        assert!(t.charge(Ns::DEFAULT, "b", 1_500).unwrap());
        assert!(
            !t.has(Ns::DEFAULT, "a").unwrap(),
            "a was evicted to fit b's charge"
        );
        assert!(t.has(Ns::DEFAULT, "b").unwrap());
        assert_eq!(t.bytes(), one + 1_500);
        t.validate().unwrap();
    }

    #[test]
    fn refuses_a_charge_past_the_bound_and_a_missing_key() {
        let mut t = tier(1_000);
        t.set(Ns::DEFAULT, "a", b"x", &SetOptions::default())
            .unwrap();
        assert!(t.charge(Ns::DEFAULT, "a", 1).is_err(), "no hook, no charge");
        t.set_removal_hook(Some(Box::new(|_: &Removal<'_>| {})));
        let before = t.bytes();
        let err = t.charge(Ns::DEFAULT, "a", 1_000 - before + 1).unwrap_err();
        assert_eq!(err.code(), "VALUE_TOO_LARGE");
        assert_eq!(t.bytes(), before);
        assert!(!t.charge(Ns::DEFAULT, "missing", 1).unwrap());
    }

    #[test]
    fn the_hook_and_the_listener_both_hear_removals() {
        let mut t = tier(1_000);
        let heard = Rc::new(RefCell::new(Vec::new()));
        let (l, h) = (Rc::clone(&heard), Rc::clone(&heard));
        t.set_removal_listener(Some(Box::new(move |r: &Removal<'_>| {
            l.borrow_mut().push(format!("listener {}", r.key));
        })));
        t.set_removal_hook(Some(Box::new(move |r: &Removal<'_>| {
            h.borrow_mut().push(format!("hook {}", r.key));
        })));
        assert!(t.has_removal_hook());
        t.set(Ns::DEFAULT, "a", b"x", &SetOptions::default())
            .unwrap();
        t.delete(Ns::DEFAULT, "a").unwrap();
        assert_eq!(*heard.borrow(), ["listener a", "hook a"]);
    }
}
