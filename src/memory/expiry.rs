//! Deadlines and their timers: changing an entry's deadlines, arming its
//! timer in the wheel, and reclaiming the entries whose timers fired.

use crate::memory::entry::NEVER;
use crate::memory::stats::RemovalCause;
use crate::memory::tier::MemoryTier;

/// Expired entries reclaimed per operation, so no single call pays for a
/// backlog; [`MemoryTier::purge_expired`] reclaims everything at once.
pub(super) const RECLAIM_BUDGET: usize = 16;

impl MemoryTier {
    /// Changes the deadlines of a live slot and re-arms its timer.
    pub(crate) fn set_deadlines(&mut self, slot: u32, expires_at: u64, idle_ms: u64, now: u64) {
        let (Some(Some(entry)), Some(cold)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) else {
            return;
        };
        cold.idle_ms = idle_ms;
        cold.last_access = now;
        entry.expires_at = expires_at;
        entry.needs_cold = cold.needs_deadlines();
        self.arm_timer(slot);
    }

    /// Schedules the slot's removal at the end of its stale window, if any.
    pub(super) fn arm_timer(&mut self, slot: u32) {
        match self.view(slot).map(|e| e.keep_until()) {
            Some(NEVER) | None => self.wheel.cancel(slot),
            Some(at) => self.wheel.schedule(slot, at),
        }
    }

    /// Reclaims up to `budget` entries whose deadline passed. Returns true if
    /// more are due.
    pub(crate) fn reclaim_expired(&mut self, now: u64, budget: usize) -> bool {
        let mut due = std::mem::take(&mut self.due);
        due.clear();
        let more = self.wheel.expire(now, budget, &mut due);
        for &slot in &due {
            match self.view(slot).map(|e| e.keep_until()) {
                Some(at) if at <= now => {
                    self.remove_slot(slot, RemovalCause::Expired, true);
                }
                // A sliding deadline moved on since the timer was armed.
                Some(at) if at != NEVER => self.wheel.schedule(slot, at),
                _ => {}
            }
        }
        self.due = due;
        more
    }

    /// Reclaims every expired entry now; returns how many were removed.
    pub fn purge_expired(&mut self) -> u64 {
        let now = self.now();
        let before = self.stats.evictions_expired;
        while self.reclaim_expired(now, 1024) {}
        self.stats.evictions_expired.saturating_sub(before)
    }
}
