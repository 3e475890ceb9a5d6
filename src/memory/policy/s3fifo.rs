//! S3-FIFO: three FIFO queues that together resist scans (Yang et al., SOSP 2023).
//!
//! - `small` (about 10% of the capacity, by entries and by bytes) takes new
//!   entries. Most keys are requested once; they leave from here quickly,
//!   and their hashes go to the ghost queue.
//! - `main` holds entries that proved themselves: hit while in `small`, or
//!   requested again soon after leaving it (a ghost hit).
//! - `ghost` remembers hashes only, about as many as `main` holds entries.
//!
//! Each slot has a 2-bit hit counter. A hit only bumps the counter (no list
//! work, unlike LRU). At eviction time, a `small` tail that was hit moves to
//! `main`; a `main` tail that was hit goes back to the head with one hit
//! less (a CLOCK-like second chance). Every operation is O(1) amortised: a
//! slot moves from `small` to `main` at most once per insert, and each
//! reinsertion in `main` spends one of the hits that paid for it.

use super::Capacity;
use super::ghost::Ghost;
use super::slots::SlotVec;
use crate::memory::links::{Links, List};

/// The small queue's share of the capacity, in percent.
const SMALL_PERCENT: u64 = 10;
/// The hit counter saturates here (2 bits).
const MAX_FREQ: u8 = 3;
/// A `small` tail moves to `main` when its counter is above this.
const PROMOTE_ABOVE: u8 = 0;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Queue {
    #[default]
    Absent,
    Small,
    Main,
}

/// What a hit reads and writes: two bytes per slot, so the whole array of a
/// 100k-entry tier (200 KB) stays in the CPU's L2 cache.
#[derive(Debug, Clone, Copy, Default)]
struct State {
    freq: u8,
    queue: Queue,
}

/// What only inserts and evictions need.
#[derive(Debug, Clone, Copy, Default)]
struct Meta {
    hash: u64,
    weight: u64,
}

#[derive(Debug)]
pub(crate) struct S3Fifo {
    links: Links,
    small: List,
    main: List,
    small_bytes: u64,
    main_bytes: u64,
    state: SlotVec<State>,
    meta: SlotVec<Meta>,
    ghost: Ghost,
    /// `small` is over its share above either of these.
    small_max_entries: u64,
    small_max_bytes: u64,
}

impl S3Fifo {
    pub(crate) fn new(capacity: Capacity) -> Self {
        let share = |total: u64| (total.saturating_mul(SMALL_PERCENT) / 100).max(1);
        S3Fifo {
            links: Links::default(),
            small: List::default(),
            main: List::default(),
            small_bytes: 0,
            main_bytes: 0,
            state: SlotVec::default(),
            meta: SlotVec::default(),
            ghost: Ghost::default(),
            small_max_entries: share(capacity.max_entries),
            small_max_bytes: share(capacity.max_bytes),
        }
    }

    pub(crate) fn insert(&mut self, slot: u32, hash: u64, weight: u64) {
        if self.state.get(slot).queue != Queue::Absent {
            self.update(slot, weight);
            return;
        }
        let queue = if self.ghost.take(hash) {
            Queue::Main
        } else {
            Queue::Small
        };
        self.meta.set(slot, Meta { hash, weight });
        self.state.set(slot, State { freq: 0, queue });
        self.push_head(slot, queue, weight);
    }

    #[inline]
    pub(crate) fn access(&mut self, slot: u32) {
        if let Some(state) = self.state.get_existing_mut(slot)
            && state.queue != Queue::Absent
            && state.freq < MAX_FREQ
        {
            state.freq += 1;
        }
    }

    /// A new value counts as a use, and the queue's byte total follows the new weight.
    pub(crate) fn update(&mut self, slot: u32, weight: u64) {
        let state = self.state.get(slot);
        if state.queue == Queue::Absent {
            return;
        }
        let meta = self.meta.get(slot);
        let bytes = self.bytes_mut(state.queue);
        *bytes = bytes.saturating_sub(meta.weight).saturating_add(weight);
        self.meta.set(slot, Meta { weight, ..meta });
        self.state.set(
            slot,
            State {
                freq: state.freq.saturating_add(1).min(MAX_FREQ),
                ..state
            },
        );
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        if self.state.get(slot).queue != Queue::Absent {
            self.unlink(slot);
        }
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        // From `small` while it is over its share (or when `main` is empty):
        // hit tails are promoted, the first unhit one is the victim.
        while self.small_over_share() || self.main.is_empty() {
            let tail = self.small.back()?;
            if self.state.get(tail).freq > PROMOTE_ABOVE {
                let weight = self.unlink(tail);
                self.state.set(
                    tail,
                    State {
                        freq: 0,
                        queue: Queue::Main,
                    },
                );
                self.push_head(tail, Queue::Main, weight);
            } else {
                self.unlink(tail);
                self.ghost
                    .push(self.meta.get(tail).hash, self.ghost_limit());
                return Some(tail);
            }
        }
        // From `main`: hit tails get a second chance at the head, one hit spent.
        while let Some(tail) = self.main.back() {
            let state = self.state.get(tail);
            if state.freq > 0 {
                self.links.move_to_front(&mut self.main, tail);
                self.state.set(
                    tail,
                    State {
                        freq: state.freq.saturating_sub(1),
                        ..state
                    },
                );
            } else {
                self.unlink(tail);
                return Some(tail);
            }
        }
        None
    }

    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.small = List::default();
        self.main = List::default();
        self.small_bytes = 0;
        self.main_bytes = 0;
        self.state.clear();
        self.meta.clear();
        self.ghost.clear();
    }

    /// About as many hashes as `main` holds entries (measured best against
    /// `main + small`); `small`'s length while `main` is still filling, so a
    /// cold cache remembers its first evictions too.
    fn ghost_limit(&self) -> usize {
        let entries = self.main.len().max(self.small.len());
        usize::try_from(entries).unwrap_or(usize::MAX)
    }

    fn small_over_share(&self) -> bool {
        u64::from(self.small.len()) > self.small_max_entries
            || self.small_bytes > self.small_max_bytes
    }

    fn bytes_mut(&mut self, queue: Queue) -> &mut u64 {
        match queue {
            Queue::Main => &mut self.main_bytes,
            Queue::Small | Queue::Absent => &mut self.small_bytes,
        }
    }

    fn push_head(&mut self, slot: u32, queue: Queue, weight: u64) {
        match queue {
            Queue::Small => self.links.push_front(&mut self.small, slot),
            Queue::Main => self.links.push_front(&mut self.main, slot),
            Queue::Absent => return,
        }
        let bytes = self.bytes_mut(queue);
        *bytes = bytes.saturating_add(weight);
    }

    /// Takes `slot` out of its queue and marks it absent; returns its weight.
    fn unlink(&mut self, slot: u32) -> u64 {
        let state = self.state.get(slot);
        match state.queue {
            Queue::Small => self.links.unlink(&mut self.small, slot),
            Queue::Main => self.links.unlink(&mut self.main, slot),
            Queue::Absent => return 0,
        }
        let weight = self.meta.get(slot).weight;
        let bytes = self.bytes_mut(state.queue);
        *bytes = bytes.saturating_sub(weight);
        self.state.set(
            slot,
            State {
                queue: Queue::Absent,
                ..state
            },
        );
        weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_entries(max_entries: u64) -> S3Fifo {
        S3Fifo::new(Capacity {
            max_entries,
            max_bytes: u64::MAX / 4,
        })
    }

    fn queue_of(p: &S3Fifo, slot: u32) -> Queue {
        p.state.get(slot).queue
    }

    #[test]
    fn hit_small_tails_move_to_main_and_unhit_ones_are_victims() {
        let mut p = by_entries(10); // small share: 1 entry
        for slot in 0..10 {
            p.insert(slot, 100 + u64::from(slot), 1);
        }
        p.access(0);
        p.access(1);
        p.access(1);
        assert_eq!(p.evict(), Some(2));
        assert_eq!(queue_of(&p, 0), Queue::Main);
        assert_eq!(queue_of(&p, 1), Queue::Main);
        for expected in 3..9 {
            assert_eq!(p.evict(), Some(expected));
        }
        // `small` is down to its share (slot 9): victims now come from `main`,
        // oldest promoted first; the counter was reset on promotion.
        assert_eq!(p.evict(), Some(0));
        p.access(1);
        p.insert(20, 120, 1);
        // 1 was hit in `main`: it gets a second chance, so 9 (small tail, over share) goes.
        assert_eq!(p.evict(), Some(9));
        assert_eq!(p.evict(), Some(1));
        assert_eq!(p.evict(), Some(20));
        assert_eq!(p.evict(), None);
    }

    #[test]
    fn a_ghost_hit_goes_straight_to_main() {
        let mut p = by_entries(10);
        for slot in 0..4 {
            p.insert(slot, 100 + u64::from(slot), 1);
        }
        assert_eq!(p.evict(), Some(0)); // hash 100 is now a ghost
        p.insert(0, 100, 1);
        assert_eq!(queue_of(&p, 0), Queue::Main);
        // The ghost entry was used up: the next comer with that hash starts in `small`.
        p.remove(0);
        p.insert(0, 100, 1);
        assert_eq!(queue_of(&p, 0), Queue::Small);
    }

    #[test]
    fn the_ghost_stays_bounded_by_the_queues() {
        let mut p = by_entries(50);
        for i in 0..10_000u32 {
            let slot = i % 64;
            p.remove(slot);
            p.insert(slot, u64::from(i), 1);
            if i % 3 == 0 {
                p.access(slot);
            }
            while u64::from(p.small.len() + p.main.len()) > 50 {
                assert!(p.evict().is_some());
            }
            assert!(p.ghost.len() <= 50, "ghost holds {}", p.ghost.len());
        }
    }

    #[test]
    fn small_is_over_its_share_by_bytes_too() {
        let mut p = S3Fifo::new(Capacity {
            max_entries: u64::MAX,
            max_bytes: 1000,
        }); // small share: 100 bytes
        p.insert(0, 1, 10);
        p.insert(1, 2, 10);
        p.access(0);
        p.access(1);
        // Both hit: promoted to `main`, which then loses its first (unhit) entry.
        assert_eq!(p.evict(), Some(0));
        p.insert(2, 3, 200);
        p.insert(3, 4, 10);
        // Two entries in `small` but 210 bytes: its tail goes even though `main` is not empty.
        assert_eq!(p.evict(), Some(2));
        assert_eq!(p.small_bytes, 10);
        // Shrinking a value updates the byte totals.
        p.update(1, 4);
        assert_eq!(p.main_bytes, 4);
        p.insert(4, 5, 95);
        assert_eq!(p.evict(), Some(3), "small at 105 bytes is over its share");
        p.update(4, 50);
        assert_eq!(p.small_bytes, 50);
        // `small` within its share: the victim comes from `main` after a second chance.
        assert_eq!(p.evict(), Some(1));
        p.clear();
        assert_eq!((p.small_bytes, p.main_bytes, p.evict()), (0, 0, None));
    }
}
