//! Removing entries: `delete`, the one path every removal takes
//! (`remove_slot`: every index, the counters and the listener), eviction to
//! the bounds, and `clear`.

use crate::error::Result;
use crate::memory::entry::NEVER;
use crate::memory::namespaces::Ns;
use crate::memory::stats::{Removal, RemovalCause};
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    /// Removes `key`, fresh or stale; true if a fresh entry was there.
    pub fn delete(&mut self, ns: Ns, key: &str) -> Result<bool> {
        let now = self.now();
        let Some(slot) = self.lookup(ns, key, now)?.1 else {
            return Ok(false);
        };
        let was_fresh = self.view(slot).is_some_and(|e| e.is_fresh(now));
        self.remove_slot(slot, RemovalCause::Explicit, true);
        self.stats.deletes = self.stats.deletes.saturating_add(1);
        Ok(was_fresh)
    }

    /// Drops a slot's entry from every index. `in_policy` is false when the
    /// policy already detached it (it chose it as a victim).
    pub(crate) fn remove_slot(&mut self, slot: u32, cause: RemovalCause, in_policy: bool) {
        let Some(keep_until) = self.view(slot).map(|e| e.keep_until()) else {
            return;
        };
        let Some(entry) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        let cold = self
            .cold
            .get_mut(slot as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        if let Ok(found) = self.table.find_entry(entry.hash, |&s| s == slot) {
            found.remove();
        }
        if in_policy {
            self.policy.remove(slot);
        }
        // Only a finite deadline is ever scheduled (`arm_timer`); skipping
        // the wheel otherwise saves a cache miss on every eviction.
        if keep_until != NEVER {
            self.wheel.cancel(slot);
        }
        self.namespaces.remove(entry.ns, slot);
        self.tags.detach(slot, &cold.tags);
        self.len = self.len.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(cold.weight);
        self.free.push(slot);
        if entry.held
            && let Some(dropped) = self.dropped.as_mut()
        {
            dropped.push(slot);
        }
        self.stats.count_removal(cause);
        let removal = Removal {
            ns: entry.ns,
            key: entry.key.as_str(),
            cause,
        };
        if let Some(listener) = self.listener.as_mut() {
            listener(&removal);
        }
        if let Some(hook) = self.hook.as_mut() {
            hook(&removal);
        }
    }

    /// Evicts until both bounds hold, never choosing a `protected` slot (the
    /// entries this call just wrote: a `set` that returns Ok must be readable).
    /// A protected victim is set aside and handed back to the policy after.
    /// Callers guarantee the protected entries alone fit the bounds, and pass
    /// them sorted.
    pub(crate) fn enforce_bounds(&mut self, protected: &[u32]) {
        let mut set_aside = Vec::new();
        while self.len > self.config.max_entries || self.bytes > self.config.max_bytes {
            match self.policy.evict() {
                Some(slot) if protected.binary_search(&slot).is_ok() => set_aside.push(slot),
                Some(slot) => self.remove_slot(slot, RemovalCause::Capacity, false),
                // Only reachable if the policy lost track of a slot; stop rather than spin.
                None => break,
            }
        }
        for slot in set_aside {
            if let (Some(entry), Some(cold)) = (self.entry(slot), self.cold(slot)) {
                let (hash, weight) = (entry.hash, cold.weight);
                self.policy.insert(slot, hash, weight);
            }
        }
    }

    /// Removes every entry of every namespace; returns how many.
    pub fn clear(&mut self) -> u64 {
        let count = self.len;
        if self.listener.is_some() || self.hook.is_some() {
            for slot in 0..self.slots.len() as u32 {
                self.remove_slot(slot, RemovalCause::Explicit, true);
            }
            return count;
        }
        // Without a listener, drop everything at once instead of entry by entry.
        // A host holding values drops them all: every live held slot is told.
        if let Some(dropped) = self.dropped.as_mut() {
            let held = self.slots.iter().enumerate();
            dropped.extend(
                held.filter_map(|(slot, e)| e.as_ref().filter(|e| e.held).map(|_| slot as u32)),
            );
        }
        self.table.clear();
        self.slots.clear();
        self.cold.clear();
        self.free.clear();
        self.policy.clear();
        let now = self.now();
        self.wheel.clear(now);
        self.namespaces.clear_members();
        self.tags.clear();
        self.len = 0;
        self.bytes = 0;
        self.stats.evictions_explicit = self.stats.evictions_explicit.saturating_add(count);
        count
    }
}
