//! Storing a [`Prepared`] write: into a new slot (reused from the free list or
//! grown) or over the existing entry of the same key, keeping the table,
//! namespaces, tags, policy, wheel and byte count in step.

use crate::memory::entry::{Entry, EntryCold, NEVER};
use crate::memory::prepare::Prepared;
use crate::memory::slot_key::SlotKey;
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    /// Stores a prepared write (insert or overwrite), then evicts to the
    /// bounds without evicting the entry just written.
    pub(crate) fn store(&mut self, p: Prepared<'_>, now: u64) {
        let slot = self.put(p, now);
        self.enforce_bounds(&[slot]);
    }

    /// Inserts or overwrites without enforcing the bounds; returns the slot.
    /// Callers must call `enforce_bounds` before returning to the user.
    pub(crate) fn put(&mut self, p: Prepared<'_>, now: u64) -> u32 {
        self.stats.sets = self.stats.sets.saturating_add(1);
        match self.find(p.ns, p.key, p.hash) {
            Some(slot) => {
                self.overwrite(slot, p, now);
                slot
            }
            None => self.insert_new(p, now),
        }
    }

    fn insert_new(&mut self, p: Prepared<'_>, now: u64) -> u32 {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let len = self.slots.len() + 1;
                crate::memory::growth::reserve_for(&mut self.slots, len);
                crate::memory::growth::reserve_for(&mut self.cold, len);
                self.slots.push(None);
                self.cold.push(EntryCold::default());
                (self.slots.len() - 1) as u32
            }
        };
        let tags = self
            .tags
            .attach(p.ns, slot, p.tags.as_deref().unwrap_or_default());
        let cold = EntryCold {
            weight: p.weight,
            idle_ms: p.idle_ms,
            stale_ms: p.stale_ms,
            last_access: now,
            tags,
        };
        let entry = Entry {
            hash: p.hash,
            key: SlotKey::new(p.key),
            stored: p.stored,
            expires_at: p.expires_at,
            ns: p.ns,
            compressed: p.compressed,
            held: p.held,
            needs_cold: cold.needs_deadlines(),
        };
        if let (Some(cell), Some(cold_cell)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) {
            *cell = Some(entry);
            *cold_cell = cold;
        }
        let slots = &self.slots;
        self.table.insert_unique(p.hash, slot, |&s| {
            slots
                .get(s as usize)
                .and_then(Option::as_ref)
                .map_or(0, |e| e.hash)
        });
        self.namespaces.add(p.ns, slot);
        self.policy.insert(slot, p.hash, p.weight);
        // A free slot has no timer (see `remove_slot`): only a deadline needs one.
        if let Some(at) = self.view(slot).map(|e| e.keep_until())
            && at != NEVER
        {
            self.wheel.schedule(slot, at);
        }
        self.len += 1;
        self.bytes = self.bytes.saturating_add(p.weight);
        slot
    }

    fn overwrite(&mut self, slot: u32, p: Prepared<'_>, now: u64) {
        let new_tags = p.tags.map(|names| {
            let old = self
                .cold_mut(slot)
                .map(|c| std::mem::take(&mut c.tags))
                .unwrap_or_default();
            self.tags.detach(slot, &old);
            self.tags.attach(p.ns, slot, &names)
        });
        let (Some(Some(entry)), Some(cold)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) else {
            return;
        };
        let old_weight = cold.weight;
        cold.weight = p.weight;
        cold.idle_ms = p.idle_ms;
        cold.stale_ms = p.stale_ms;
        cold.last_access = now;
        if let Some(tags) = new_tags {
            cold.tags = tags;
        }
        // The host drops the value it held here; a held write puts the new
        // one back after it has read the dropped slots.
        if entry.held
            && let Some(dropped) = self.dropped.as_mut()
        {
            dropped.push(slot);
        }
        entry.stored = p.stored;
        entry.compressed = p.compressed;
        entry.held = p.held;
        entry.expires_at = p.expires_at;
        entry.needs_cold = cold.needs_deadlines();
        self.bytes = self
            .bytes
            .saturating_sub(old_weight)
            .saturating_add(p.weight);
        self.arm_timer(slot);
        self.policy.update(slot, p.weight);
    }
}
