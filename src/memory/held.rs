//! Values the host keeps: the JS binding stores immutable JS values (strings,
//! numbers, booleans, BigInts, null/undefined, JSON text) in a JS array by
//! slot, so they never cross into wasm. The tier still decides everything
//! for them (index, policy, deadlines, weight from the declared charge,
//! namespaces, tags, stats); it answers with the slot, and lists the slots
//! whose held value the host must drop (removed, or overwritten) so no JS
//! value outlives its entry.
//!
//! Protocol for a host: call [`MemoryTier::track_held`] once; after every
//! call, drop the values of [`MemoryTier::dropped`], then
//! [`MemoryTier::clear_dropped`], and only then store a value at the slot a
//! held write returned (a slot freed and reused within one call is listed).

use std::borrow::Cow;

use crate::error::Result;
use crate::memory::config::SetOptions;
use crate::memory::namespaces::Ns;
use crate::memory::prepare::Value;
use crate::memory::stats::Freshness;
use crate::memory::tier::MemoryTier;

/// What a read found: a held value's slot, or the bytes the tier keeps.
#[derive(Debug)]
pub enum Found<'a> {
    /// A value the host keeps, at this slot.
    Held(u32),
    /// The stored bytes (decompressed if needed).
    Bytes(Cow<'a, [u8]>),
}

/// Which of the three single-entry writes a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Always stores.
    Set,
    /// Stores only if the key has no live entry.
    Add,
    /// Stores only if the key has a live entry.
    Replace,
}

impl MemoryTier {
    /// Starts listing the slots of dropped held values (see the module doc).
    pub fn track_held(&mut self) {
        self.dropped.get_or_insert_with(Vec::new);
    }

    /// Slots whose held value the host must drop, oldest first.
    pub fn dropped(&self) -> &[u32] {
        self.dropped.as_deref().unwrap_or_default()
    }

    /// Forgets the dropped slots once the host has dropped their values.
    pub fn clear_dropped(&mut self) {
        if let Some(dropped) = self.dropped.as_mut() {
            dropped.clear();
        }
    }

    /// `set`, `add` or `replace` of bytes or a held value; the slot written,
    /// or `None` when a conditional write did not store.
    pub fn write(
        &mut self,
        kind: WriteKind,
        ns: Ns,
        key: &str,
        value: Value<'_>,
        opts: &SetOptions<'_>,
    ) -> Result<Option<u32>> {
        let now = self.now();
        let prepared = self.prepare(ns, key, value, opts, now)?;
        if kind == WriteKind::Set {
            self.reclaim_expired(now, 16);
        } else {
            let present = self.lookup_fresh(ns, key, now)?.1.is_some();
            if present != (kind == WriteKind::Replace) {
                return Ok(None);
            }
        }
        let slot = self.put(prepared, now);
        self.enforce_bounds(&[slot]);
        Ok(Some(slot))
    }

    /// `get` (or `peek`, which neither promotes nor counts) answering with
    /// the slot of a held value or the stored bytes.
    pub fn read(&mut self, ns: Ns, key: &str, peek: bool) -> Result<Option<Found<'_>>> {
        let now = self.now();
        let (hash, slot) = self.lookup_fresh(ns, key, now)?;
        let Some(slot) = slot else {
            if !peek {
                self.stats.misses = self.stats.misses.saturating_add(1);
                self.policy.miss(hash);
            }
            return Ok(None);
        };
        if !peek {
            self.stats.hits = self.stats.hits.saturating_add(1);
            self.touch_slot(slot, now);
        }
        self.found(slot).map(Some)
    }

    /// `get_allowing_stale`, answering like [`MemoryTier::read`].
    pub fn read_allowing_stale(
        &mut self,
        ns: Ns,
        key: &str,
        max_stale_ms: u64,
    ) -> Result<Option<(Found<'_>, Freshness)>> {
        let now = self.now();
        let Some((slot, freshness)) = self.stale_slot(ns, key, max_stale_ms, now)? else {
            return Ok(None);
        };
        Ok(Some((self.found(slot)?, freshness)))
    }

    /// `set` of every pair with the same options, all validated before any is
    /// stored; the slot of each, in order.
    pub fn write_many(
        &mut self,
        ns: Ns,
        items: &[(&str, Value<'_>)],
        opts: &SetOptions<'_>,
    ) -> Result<Vec<u32>> {
        self.store_many(ns, items, opts)
    }

    fn found(&self, slot: u32) -> Result<Found<'_>> {
        if self.entry(slot).is_some_and(|e| e.held) {
            return Ok(Found::Held(slot));
        }
        self.value_of(slot).map(Found::Bytes)
    }
}
