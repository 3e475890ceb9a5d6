//! A hierarchical timer wheel that tells the memory tier which slots expired.
//!
//! Eleven levels of 64 buckets; a bucket of level `L` spans `64^L` ms, so the
//! levels span 64 ms, 4 s, 4.4 min, 4.7 h, 12 days, 2.2 years, ... and the
//! eleventh reaches past `u64::MAX` (66 bits): every time has a bucket, no
//! overflow list. A slot lives at the lowest level where its time shares all
//! higher digits with the wheel's time `elapsed`; when the wheel reaches the
//! start of a bucket of level >= 1, the bucket is cascaded (its slots are
//! re-bucketed from their exact stored times into lower levels). Level-0
//! buckets are 1 ms wide, so everything in a level-0 bucket is due at exactly
//! that millisecond and nothing ever fires early.
//!
//! A bitmap of occupied buckets per level finds the next due bucket in
//! O(levels), so an idle gap of any length costs a handful of steps. Each slot
//! is moved at most once per level on its way down: amortised O(1) per slot.
//!
//! Slots scheduled before the wheel's time (a time in the past, or a clock that
//! went backwards) go to a small `overdue` heap instead (`wheel/overdue.rs`):
//! they fire at the first `expire` whose `now_ms` reaches them (O(log k)
//! amortised for those k slots only).

// The memory tier, merged separately, is the caller.

use std::fmt;

use super::links::{Links, List, NIL};

mod overdue;
use overdue::Overdue;

const BITS_PER_LEVEL: u32 = 6;
const BUCKETS_PER_LEVEL: usize = 1 << BITS_PER_LEVEL;
/// 11 levels x 6 bits = 66 bits >= 64: any u64 time fits in the wheel.
const LEVELS: usize = 11;
const DIGIT_MASK: u64 = (BUCKETS_PER_LEVEL as u64) - 1;

/// `location` of a slot with no schedule.
const NOT_SCHEDULED: u16 = u16::MAX;
/// `location` of a slot in the `overdue` set.
const OVERDUE: u16 = u16::MAX - 1;

/// Cascading moves allowed per unit of `budget` in one `expire` call: enough to
/// keep up with emission (a slot is moved at most `LEVELS - 1` times), while
/// bounding the work of one call when a huge bucket cascades.
const MOVES_PER_BUDGET: usize = 8;

/// Schedules slot expiries and reports the due ones in bounded batches.
pub(crate) struct ExpiryWheel {
    /// The wheel's time: every slot in a bucket has `when >= elapsed`. Never decreases
    /// (except through `clear`).
    elapsed: u64,
    /// `LEVELS * BUCKETS_PER_LEVEL` lists; bucket `level * 64 + digit`.
    buckets: Vec<List>,
    /// Bit `d` of `occupied[level]` is set iff that bucket is non-empty.
    occupied: [u64; LEVELS],
    links: Links,
    /// Exact scheduled time per slot (meaningful only while scheduled).
    when: Vec<u64>,
    /// Bucket index, `OVERDUE` or `NOT_SCHEDULED` per slot.
    location: Vec<u16>,
    /// Slots scheduled at a time the wheel had already passed, ordered by time.
    overdue: Overdue,
    scheduled: usize,
    /// Nothing can be due before this time: a lower bound of every scheduled
    /// time, so the common "nothing due" call returns without scanning levels.
    quiet_until: u64,
    /// Units of work done (slot moves, emissions, bucket searches), for tests.
    #[cfg(test)]
    work: u64,
}

impl fmt::Debug for ExpiryWheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpiryWheel")
            .field("elapsed", &self.elapsed)
            .field("scheduled", &self.scheduled)
            .field("overdue", &self.overdue.len())
            .finish_non_exhaustive()
    }
}

impl Default for ExpiryWheel {
    fn default() -> Self {
        ExpiryWheel::new(0)
    }
}

/// The level at which a slot due at `when` belongs, seen from time `elapsed`:
/// the level of the highest digit where the two differ.
fn level_for(elapsed: u64, when: u64) -> usize {
    let highest_bit = 63 - ((elapsed ^ when) | DIGIT_MASK).leading_zeros();
    (highest_bit / BITS_PER_LEVEL) as usize
}

fn shift_of(level: usize) -> u32 {
    // level < LEVELS, so this is at most 60.
    (level as u32).saturating_mul(BITS_PER_LEVEL)
}

/// The digit of `time` at `level` (0..64).
fn digit_of(time: u64, level: usize) -> usize {
    (time.checked_shr(shift_of(level)).unwrap_or(0) & DIGIT_MASK) as usize
}

/// `time` with every digit at `level` and below cleared.
fn level_start(time: u64, level: usize) -> u64 {
    let keep = u64::MAX
        .checked_shl(shift_of(level).saturating_add(BITS_PER_LEVEL))
        .unwrap_or(0);
    time & keep
}

fn bucket_index(level: usize, digit: usize) -> usize {
    level
        .saturating_mul(BUCKETS_PER_LEVEL)
        .saturating_add(digit)
}

/// The next bucket to process.
#[derive(Debug, Clone, Copy)]
struct DueBucket {
    deadline: u64,
    level: usize,
    digit: usize,
}

impl ExpiryWheel {
    pub(crate) fn new(now_ms: u64) -> Self {
        ExpiryWheel {
            elapsed: now_ms,
            buckets: vec![List::default(); LEVELS * BUCKETS_PER_LEVEL],
            occupied: [0; LEVELS],
            links: Links::default(),
            when: Vec::new(),
            location: Vec::new(),
            overdue: Overdue::default(),
            scheduled: 0,
            quiet_until: u64::MAX,
            #[cfg(test)]
            work: 0,
        }
    }

    /// Number of scheduled slots.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.scheduled
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.scheduled == 0
    }

    /// When `slot` is scheduled to fire, if it is.
    pub(crate) fn scheduled_at(&self, slot: u32) -> Option<u64> {
        let location = self.location.get(slot as usize).copied()?;
        if location == NOT_SCHEDULED {
            return None;
        }
        self.when.get(slot as usize).copied()
    }

    /// (Re)schedules `slot` to fire at `expires_at` (epoch ms). Replaces an earlier schedule. O(1).
    /// A time the wheel has passed fires at the next `expire` that reaches it.
    /// Slot `u32::MAX` is reserved (the list terminator) and ignored.
    pub(crate) fn schedule(&mut self, slot: u32, expires_at: u64) {
        if slot == NIL {
            return;
        }
        self.cancel(slot);
        let index = slot as usize;
        if self.when.len() <= index {
            let needed = index.saturating_add(1);
            crate::memory::growth::grow_to(&mut self.when, needed, 0);
            crate::memory::growth::grow_to(&mut self.location, needed, NOT_SCHEDULED);
        }
        if let Some(when) = self.when.get_mut(index) {
            *when = expires_at;
        }
        self.place(slot, expires_at);
        self.scheduled = self.scheduled.saturating_add(1);
        self.quiet_until = self.quiet_until.min(expires_at);
    }

    /// Removes `slot`'s schedule if any. O(1) (O(log k) for one of k overdue slots).
    pub(crate) fn cancel(&mut self, slot: u32) {
        let index = slot as usize;
        let Some(&location) = self.location.get(index) else {
            return;
        };
        match location {
            NOT_SCHEDULED => return,
            OVERDUE => {
                self.overdue.forget_one();
                self.set_location(slot, NOT_SCHEDULED);
                self.prune_overdue();
            }
            bucket => self.unlink(bucket as usize, slot),
        }
        self.set_location(slot, NOT_SCHEDULED);
        self.scheduled = self.scheduled.saturating_sub(1);
    }

    /// Advances to `now_ms` and appends to `out` up to `budget` slots whose scheduled time <= now_ms,
    /// unscheduling them. Returns true if more due slots remain (call again).
    ///
    /// Besides emitting, one call cascades at most `budget * MOVES_PER_BUDGET`
    /// slots, so `true` can also mean "a cascade is under way": every call
    /// makes progress, and a loop calling until `false` ends. `false` is exact:
    /// nothing due at `now_ms` is left. A zero budget does no work. A `now_ms`
    /// earlier than a previous one fires only overdue slots it has reached.
    /// True when nothing can be due at `now_ms`: `expire` would do nothing.
    #[inline]
    pub(crate) fn is_quiet(&self, now_ms: u64) -> bool {
        now_ms < self.quiet_until
    }

    pub(crate) fn expire(&mut self, now_ms: u64, budget: usize, out: &mut Vec<u32>) -> bool {
        if now_ms < self.quiet_until {
            return false;
        }
        let mut emitted = 0usize;
        while emitted < budget {
            match self.overdue.first() {
                Some((when, slot)) if when <= now_ms => {
                    self.overdue.pop_first();
                    self.finish(slot, out);
                    self.prune_overdue();
                    emitted = emitted.saturating_add(1);
                }
                _ => break,
            }
        }
        let mut moves_left = budget.saturating_mul(MOVES_PER_BUDGET);
        while emitted < budget {
            #[cfg(test)]
            {
                self.work = self.work.saturating_add(1);
            }
            let Some(due) = self.next_due() else {
                self.elapsed = self.elapsed.max(now_ms);
                break;
            };
            if due.deadline > now_ms {
                // Every bucket starts after now_ms: the wheel may move up to it.
                self.elapsed = self.elapsed.max(now_ms);
                break;
            }
            self.elapsed = self.elapsed.max(due.deadline);
            let index = bucket_index(due.level, due.digit);
            if due.level == 0 {
                let room = budget.saturating_sub(emitted);
                emitted = emitted.saturating_add(self.fire(index, now_ms, room, out));
            } else {
                if moves_left == 0 {
                    break;
                }
                moves_left = self.cascade(index, moves_left);
            }
        }
        let more = self.has_due(now_ms);
        if !more {
            self.quiet_until = self.earliest_start();
        }
        more
    }

    /// The earliest time anything scheduled can become due (a bucket's start
    /// or an overdue slot's time); `u64::MAX` when nothing is scheduled.
    fn earliest_start(&self) -> u64 {
        let bucket = self.next_due().map_or(u64::MAX, |due| due.deadline);
        let overdue = self.overdue.first().map_or(u64::MAX, |(when, _)| when);
        bucket.min(overdue)
    }

    /// Forgets everything; the wheel restarts at `now_ms`.
    pub(crate) fn clear(&mut self, now_ms: u64) {
        self.buckets.fill(List::default());
        self.occupied = [0; LEVELS];
        self.links.clear();
        self.when.clear();
        self.location.clear();
        self.overdue.clear();
        self.scheduled = 0;
        self.elapsed = now_ms;
        self.quiet_until = u64::MAX;
    }

    /// Whether anything is (or, for a bucket awaiting its cascade, may be) due at `now_ms`.
    fn has_due(&self, now_ms: u64) -> bool {
        let overdue_due = self.overdue.first().is_some_and(|(when, _)| when <= now_ms);
        overdue_due || self.next_due().is_some_and(|due| due.deadline <= now_ms)
    }

    /// Puts a slot (whose `when` is already stored) into its bucket or the overdue set.
    fn place(&mut self, slot: u32, when: u64) {
        if when < self.elapsed {
            self.overdue.insert(when, slot);
            self.set_location(slot, OVERDUE);
            return;
        }
        let level = level_for(self.elapsed, when);
        let digit = digit_of(when, level);
        let index = bucket_index(level, digit);
        if let Some(list) = self.buckets.get_mut(index) {
            self.links.push_front(list, slot);
            if let Some(bits) = self.occupied.get_mut(level) {
                *bits |= 1u64 << digit;
            }
            // index < LEVELS * 64 = 704, far below OVERDUE.
            self.set_location(slot, index as u16);
        }
    }

    fn set_location(&mut self, slot: u32, location: u16) {
        if let Some(entry) = self.location.get_mut(slot as usize) {
            *entry = location;
        }
    }

    /// Removes `slot` from bucket `index`, keeping the occupancy bitmap exact.
    fn unlink(&mut self, index: usize, slot: u32) {
        if let Some(list) = self.buckets.get_mut(index) {
            self.links.unlink(list, slot);
            if list.is_empty() {
                self.mark_empty(index);
            }
        }
    }

    /// Pops the oldest slot of bucket `index`, keeping the occupancy bitmap exact.
    fn pop(&mut self, index: usize) -> Option<u32> {
        let list = self.buckets.get_mut(index)?;
        let slot = self.links.pop_back(list)?;
        if list.is_empty() {
            self.mark_empty(index);
        }
        #[cfg(test)]
        {
            self.work = self.work.saturating_add(1);
        }
        Some(slot)
    }

    fn mark_empty(&mut self, index: usize) {
        let level = index / BUCKETS_PER_LEVEL;
        let digit = index % BUCKETS_PER_LEVEL;
        if let Some(bits) = self.occupied.get_mut(level) {
            *bits &= !(1u64 << digit);
        }
    }

    /// Unschedules a slot already taken out of its bucket or set, and reports it.
    /// Drops cancelled and fired entries from the top of the overdue heap.
    fn prune_overdue(&mut self) {
        let (location, when) = (&self.location, &self.when);
        self.overdue.prune(|at, slot| {
            location.get(slot as usize) == Some(&OVERDUE) && when.get(slot as usize) == Some(&at)
        });
    }

    fn finish(&mut self, slot: u32, out: &mut Vec<u32>) {
        self.set_location(slot, NOT_SCHEDULED);
        self.scheduled = self.scheduled.saturating_sub(1);
        out.push(slot);
    }

    /// Emits up to `room` slots of level-0 bucket `index` (all due at one
    /// millisecond <= `now_ms`); returns how many it emitted.
    fn fire(&mut self, index: usize, now_ms: u64, room: usize, out: &mut Vec<u32>) -> usize {
        let mut emitted = 0usize;
        for _ in 0..room {
            let Some(slot) = self.pop(index) else { break };
            let when = self.when.get(slot as usize).copied().unwrap_or(0);
            if when <= now_ms {
                self.finish(slot, out);
                emitted = emitted.saturating_add(1);
            } else {
                // Unreachable while the invariants hold; re-bucket rather than fire early.
                self.place(slot, when);
            }
        }
        emitted
    }

    /// Re-buckets up to `moves_left` slots of bucket `index` from their exact
    /// times (they land in lower levels); returns the moves left.
    fn cascade(&mut self, index: usize, mut moves_left: usize) -> usize {
        while moves_left > 0 {
            let Some(slot) = self.pop(index) else { break };
            let when = self.when.get(slot as usize).copied().unwrap_or(0);
            self.place(slot, when);
            moves_left -= 1;
        }
        moves_left
    }

    /// The bucket with the earliest start (lowest level on ties), in O(levels).
    fn next_due(&self) -> Option<DueBucket> {
        let mut best: Option<DueBucket> = None;
        for (level, &bits) in self.occupied.iter().enumerate() {
            if bits == 0 {
                continue;
            }
            let current = digit_of(self.elapsed, level);
            let ahead = bits & u64::MAX.checked_shl(current as u32).unwrap_or(0);
            let candidate = if ahead == 0 {
                // A bucket behind the wheel's time cannot exist while the
                // invariants hold; processing it at once loses nothing.
                DueBucket {
                    deadline: self.elapsed,
                    level,
                    digit: bits.trailing_zeros() as usize,
                }
            } else {
                let digit = ahead.trailing_zeros() as usize;
                let start = level_start(self.elapsed, level) | ((digit as u64) << shift_of(level));
                DueBucket {
                    deadline: start.max(self.elapsed),
                    level,
                    digit,
                }
            };
            if best.is_none_or(|b| candidate.deadline < b.deadline) {
                best = Some(candidate);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests;
