//! Finding entries: the hash table lookup, the hot/cold parts of a slot, the
//! lookup every command starts with (which reclaims a little expired work),
//! decompression of a stored value, and the read bookkeeping (promotion and
//! the idle clock).

use std::borrow::Cow;
use std::hash::BuildHasher;

use crate::error::{CacheError, Result};
use crate::key::validate_key;
use crate::memory::entry::{Entry, EntryCold, EntryRef};
use crate::memory::expiry::RECLAIM_BUDGET;
use crate::memory::namespaces::Ns;
use crate::memory::stats::RemovalCause;
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    #[inline(always)]
    pub(crate) fn hash(&self, ns: Ns, key: &str) -> u64 {
        self.hasher.hash_one((ns.0, key))
    }

    /// The hot part of a live slot.
    #[inline(always)]
    pub(crate) fn entry(&self, slot: u32) -> Option<&Entry> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// Both parts of a live slot; the cold one is read only if the deadlines need it.
    #[inline(always)]
    pub(crate) fn view(&self, slot: u32) -> Option<EntryRef<'_>> {
        let hot = self.entry(slot)?;
        Some(EntryRef {
            hot,
            cold: self.cold.get(slot as usize),
        })
    }

    /// The cold part of a live slot.
    pub(crate) fn cold(&self, slot: u32) -> Option<&EntryCold> {
        self.entry(slot)?;
        self.cold.get(slot as usize)
    }

    pub(super) fn cold_mut(&mut self, slot: u32) -> Option<&mut EntryCold> {
        self.entry(slot)?;
        self.cold.get_mut(slot as usize)
    }

    #[inline(always)]
    pub(crate) fn find(&self, ns: Ns, key: &str, hash: u64) -> Option<u32> {
        let slots = &self.slots;
        self.table
            .find(hash, |&slot| {
                slots
                    .get(slot as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|e| e.hash == hash && e.ns == ns && e.key.matches(key))
            })
            .copied()
    }

    /// Checks the namespace and key, reclaims a little expired work, and finds
    /// the slot for `key`, fresh or stale; a gone entry found here is removed.
    #[inline(always)]
    pub(crate) fn lookup(&mut self, ns: Ns, key: &str, now: u64) -> Result<(u64, Option<u32>)> {
        self.namespaces.check(ns)?;
        let hash = self.hash(ns, key);
        let mut slot = self.find(ns, key, hash);
        // A stored key was valid when written (the limit never changes), so
        // only a miss needs the check; still before any reclaiming, since a
        // refused call must leave the tier unchanged.
        if slot.is_none() {
            validate_key(key, self.config.max_key_bytes)?;
        }
        if !self.wheel.is_quiet(now) {
            self.reclaim_expired(now, RECLAIM_BUDGET);
            // Reclaiming only frees slots: the one found is still this key's, or empty.
            slot = slot.filter(|&s| self.entry(s).is_some());
        }
        match slot {
            Some(slot) if self.view(slot).is_some_and(|e| e.is_gone(now)) => {
                self.remove_slot(slot, RemovalCause::Expired, true);
                Ok((hash, None))
            }
            other => Ok((hash, other)),
        }
    }

    /// `lookup`, keeping only a fresh entry.
    pub(crate) fn lookup_fresh(
        &mut self,
        ns: Ns,
        key: &str,
        now: u64,
    ) -> Result<(u64, Option<u32>)> {
        let (hash, slot) = self.lookup(ns, key, now)?;
        Ok((
            hash,
            slot.filter(|&s| self.view(s).is_some_and(|e| e.is_fresh(now))),
        ))
    }

    /// The value of a live slot, decompressed when needed.
    #[inline(always)]
    pub(crate) fn value_of(&self, slot: u32) -> Result<Cow<'_, [u8]>> {
        let entry = self
            .entry(slot)
            .ok_or(CacheError::corrupt("slot vanished"))?;
        if entry.compressed {
            self.inflate(&entry.stored).map(Cow::Owned)
        } else {
            Ok(Cow::Borrowed(&entry.stored))
        }
    }

    #[cold]
    #[inline(never)]
    #[cfg(feature = "l1-deflate")]
    fn inflate(&self, stored: &[u8]) -> Result<Vec<u8>> {
        let limit = usize::try_from(self.config.max_value_bytes).unwrap_or(usize::MAX);
        crate::codec::compress::decompress(stored, limit)
    }

    /// Without `l1-deflate` nothing is stored deflated.
    #[cfg(not(feature = "l1-deflate"))]
    fn inflate(&self, _stored: &[u8]) -> Result<Vec<u8>> {
        Err(CacheError::corrupt(
            "a deflated value in a build without l1-deflate",
        ))
    }

    /// Records a read of a live slot: promotion and the idle clock.
    #[inline(always)]
    pub(crate) fn touch_slot(&mut self, slot: u32, now: u64) {
        self.policy.access(slot);
        // Only idle expiry reads `last_access`; leave the cold part alone otherwise.
        if self.entry(slot).is_some_and(|e| e.needs_cold)
            && let Some(cold) = self.cold.get_mut(slot as usize)
            && cold.idle_ms != 0
        {
            cold.last_access = now;
        }
    }

    /// Slots of a namespace that are not gone (gone ones are reclaimed on the way).
    pub(crate) fn present_slots(&mut self, ns: Ns, now: u64) -> Result<Vec<u32>> {
        self.namespaces.check(ns)?;
        let mut present = self.namespaces.members(ns);
        present.retain(|&slot| self.view(slot).is_some_and(|e| !e.is_gone(now)));
        if present.len() as u32 != self.namespaces.len_of(ns) {
            for slot in self.namespaces.members(ns) {
                if self.view(slot).is_some_and(|e| e.is_gone(now)) {
                    self.remove_slot(slot, RemovalCause::Expired, true);
                }
            }
        }
        Ok(present)
    }
}
