//! The invariant checker, [`MemoryTier::validate`]: every structural
//! invariant listed in `tier.rs`, checked from scratch (for tests and fuzzing).

use crate::memory::entry::{EntryRef, NEVER, weight_of};
use crate::memory::namespaces::Ns;
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    /// Checks every structural invariant; for tests and fuzzing.
    pub fn validate(&self) -> core::result::Result<(), String> {
        let live: Vec<(u32, EntryRef<'_>)> = (0..self.slots.len() as u32)
            .filter_map(|i| self.view(i).map(|e| (i, e)))
            .collect();
        if let Some(free) = (0..self.slots.len() as u32)
            .find(|&i| self.entry(i).is_none() && self.wheel.scheduled_at(i).is_some())
        {
            return Err(format!("free slot {free} has a timer"));
        }
        if self.cold.len() != self.slots.len() {
            return Err(format!(
                "{} cold parts for {} slots",
                self.cold.len(),
                self.slots.len()
            ));
        }
        if live.len() as u64 != self.len {
            return Err(format!("len {} but {} live slots", self.len, live.len()));
        }
        if self.table.len() as u64 != self.len {
            return Err(format!(
                "table holds {} for len {}",
                self.table.len(),
                self.len
            ));
        }
        let bytes: u64 = live
            .iter()
            .filter_map(|(_, e)| e.cold)
            .map(|c| c.weight)
            .sum();
        if bytes != self.bytes {
            return Err(format!("bytes {} but entries weigh {bytes}", self.bytes));
        }
        if self.len > self.config.max_entries || self.bytes > self.config.max_bytes {
            return Err(format!(
                "bounds exceeded: {} entries / {} bytes",
                self.len, self.bytes
            ));
        }
        for (slot, view) in &live {
            let (entry, Some(cold)) = (view.hot, view.cold) else {
                return Err(format!("slot {slot} has no cold part"));
            };
            if self.find(entry.ns, entry.key.as_str(), entry.hash) != Some(*slot) {
                return Err(format!(
                    "slot {slot} ({}) not found by key",
                    entry.key.as_str()
                ));
            }
            if entry.needs_cold != cold.needs_deadlines() {
                return Err(format!("slot {slot} misreports its idle/stale deadlines"));
            }
            match (view.keep_until(), self.wheel.scheduled_at(*slot)) {
                (NEVER, Some(_)) => {
                    return Err(format!("slot {slot} never expires but has a timer"));
                }
                (at, None) if at != NEVER => {
                    return Err(format!("slot {slot} expires but has no timer"));
                }
                _ => {}
            }
            let tag_bytes = self.tags.name_bytes(&cold.tags);
            let expected = weight_of(
                entry.key.len(),
                entry.stored.len() as u64,
                cold.tags.len(),
                tag_bytes,
            );
            // Bytes held beside the tier may be charged on top (charge.rs), and a
            // held value's charge is the host's: only the floor is known here.
            let stale = if entry.held || self.hook.is_some() {
                cold.weight < expected
            } else {
                cold.weight != expected
            };
            if stale {
                return Err(format!("slot {slot} has a stale weight"));
            }
        }
        let in_namespaces: u64 = (0..crate::memory::namespaces::MAX_NAMESPACES as u32)
            .map(|id| u64::from(self.namespaces.len_of(Ns(id))))
            .sum();
        if in_namespaces != self.len {
            return Err(format!("namespaces list {in_namespaces} of {}", self.len));
        }
        Ok(())
    }
}
