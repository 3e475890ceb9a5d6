//! The public reads: `get`, `peek` and `get_allowing_stale`.

use std::borrow::Cow;

use crate::error::Result;
use crate::memory::namespaces::Ns;
use crate::memory::stats::Freshness;
use crate::memory::tier::MemoryTier;

impl MemoryTier {
    /// The value of `key`, promoting it in the eviction order.
    pub fn get(&mut self, ns: Ns, key: &str) -> Result<Option<Cow<'_, [u8]>>> {
        let now = self.now();
        let (hash, slot) = self.lookup_fresh(ns, key, now)?;
        let Some(slot) = slot else {
            self.stats.misses = self.stats.misses.saturating_add(1);
            self.policy.miss(hash);
            return Ok(None);
        };
        self.stats.hits = self.stats.hits.saturating_add(1);
        self.touch_slot(slot, now);
        self.value_of(slot).map(Some)
    }

    /// The value of `key` without promoting it, touching its idle clock, or
    /// counting a hit or miss.
    pub fn peek(&mut self, ns: Ns, key: &str) -> Result<Option<Cow<'_, [u8]>>> {
        let now = self.now();
        match self.lookup_fresh(ns, key, now)?.1 {
            Some(slot) => self.value_of(slot).map(Some),
            None => Ok(None),
        }
    }

    /// Like `get`, but also returns an entry that stopped being fresh less than
    /// `max_stale_ms` ago (and is still inside the stale window it was stored
    /// with), marked [`Freshness::Stale`]. A stale read counts as a stale hit.
    pub fn get_allowing_stale(
        &mut self,
        ns: Ns,
        key: &str,
        max_stale_ms: u64,
    ) -> Result<Option<(Cow<'_, [u8]>, Freshness)>> {
        let now = self.now();
        let Some((slot, freshness)) = self.stale_slot(ns, key, max_stale_ms, now)? else {
            return Ok(None);
        };
        Ok(Some((self.value_of(slot)?, freshness)))
    }

    /// The slot a `get_allowing_stale` reads, with the read's bookkeeping done.
    pub(crate) fn stale_slot(
        &mut self,
        ns: Ns,
        key: &str,
        max_stale_ms: u64,
        now: u64,
    ) -> Result<Option<(u32, Freshness)>> {
        let (hash, slot) = self.lookup(ns, key, now)?;
        let found = slot.and_then(|s| self.view(s).map(|e| (s, e.is_fresh(now), e.fresh_until())));
        let freshness = match found {
            Some((_, true, _)) => Freshness::Fresh,
            Some((_, false, fresh_until)) if now.saturating_sub(fresh_until) < max_stale_ms => {
                Freshness::Stale
            }
            _ => {
                self.stats.misses = self.stats.misses.saturating_add(1);
                self.policy.miss(hash);
                return Ok(None);
            }
        };
        let Some((slot, _, _)) = found else {
            return Ok(None);
        };
        match freshness {
            Freshness::Fresh => {
                self.stats.hits = self.stats.hits.saturating_add(1);
                self.touch_slot(slot, now);
            }
            // A stale read must not restart the idle clock: that would revive the entry.
            Freshness::Stale => {
                self.stats.stale_hits = self.stats.stale_hits.saturating_add(1);
                self.policy.access(slot);
            }
        }
        Ok(Some((slot, freshness)))
    }
}
