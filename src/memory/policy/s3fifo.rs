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

#[derive(Debug, Clone, Copy, Default)]
struct Meta {
    hash: u64,
    weight: u64,
    freq: u8,
    queue: Queue,
}

#[derive(Debug)]
pub(crate) struct S3Fifo {
    links: Links,
    small: List,
    main: List,
    small_bytes: u64,
    main_bytes: u64,
    meta: SlotVec<Meta>,
    ghost: Ghost,
    /// `small` is over its share above either of these.
    small_max_entries: u64,
    small_max_bytes: u64,
}

impl S3Fifo {
    pub(crate) fn new(capacity: Capacity) -> Self {
        let share = |total: u64| (total / 100).saturating_mul(SMALL_PERCENT).max(1);
        S3Fifo {
            links: Links::default(),
            small: List::default(),
            main: List::default(),
            small_bytes: 0,
            main_bytes: 0,
            meta: SlotVec::default(),
            ghost: Ghost::default(),
            small_max_entries: share(capacity.max_entries),
            small_max_bytes: share(capacity.max_bytes),
        }
    }

    pub(crate) fn insert(&mut self, slot: u32, hash: u64, weight: u64) {
        if self.meta.get(slot).queue != Queue::Absent {
            self.update(slot, weight);
            return;
        }
        let queue = if self.ghost.take(hash) {
            Queue::Main
        } else {
            Queue::Small
        };
        self.meta.set(
            slot,
            Meta {
                hash,
                weight,
                freq: 0,
                queue,
            },
        );
        self.push_head(slot, queue, weight);
    }

    pub(crate) fn access(&mut self, slot: u32) {
        if let Some(meta) = self.meta.get_mut(slot) {
            if meta.queue != Queue::Absent {
                meta.freq = meta.freq.saturating_add(1).min(MAX_FREQ);
            }
        }
    }

    /// A new value counts as a use, and the queue's byte total follows the new weight.
    pub(crate) fn update(&mut self, slot: u32, weight: u64) {
        let meta = self.meta.get(slot);
        if meta.queue == Queue::Absent {
            return;
        }
        let bytes = self.bytes_mut(meta.queue);
        *bytes = bytes.saturating_sub(meta.weight).saturating_add(weight);
        self.meta.set(
            slot,
            Meta {
                weight,
                freq: meta.freq.saturating_add(1).min(MAX_FREQ),
                ..meta
            },
        );
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        let meta = self.meta.get(slot);
        if meta.queue != Queue::Absent {
            self.unlink(slot, meta);
        }
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        // From `small` while it is over its share (or when `main` is empty):
        // hit tails are promoted, the first unhit one is the victim.
        while self.small_over_share() || self.main.is_empty() {
            let tail = self.small.back()?;
            let meta = self.meta.get(tail);
            if meta.freq > PROMOTE_ABOVE {
                self.unlink(tail, meta);
                self.meta.set(
                    tail,
                    Meta {
                        freq: 0,
                        queue: Queue::Main,
                        ..meta
                    },
                );
                self.push_head(tail, Queue::Main, meta.weight);
            } else {
                self.unlink(tail, meta);
                let limit = usize::try_from(self.main.len()).unwrap_or(usize::MAX);
                self.ghost.push(meta.hash, limit);
                return Some(tail);
            }
        }
        // From `main`: hit tails get a second chance at the head, one hit spent.
        while let Some(tail) = self.main.back() {
            let meta = self.meta.get(tail);
            if meta.freq > 0 {
                self.links.move_to_front(&mut self.main, tail);
                self.meta.set(
                    tail,
                    Meta {
                        freq: meta.freq.saturating_sub(1),
                        ..meta
                    },
                );
            } else {
                self.unlink(tail, meta);
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
        self.meta.clear();
        self.ghost.clear();
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

    /// Takes `slot` out of its queue and marks it absent.
    fn unlink(&mut self, slot: u32, meta: Meta) {
        match meta.queue {
            Queue::Small => self.links.unlink(&mut self.small, slot),
            Queue::Main => self.links.unlink(&mut self.main, slot),
            Queue::Absent => return,
        }
        let bytes = self.bytes_mut(meta.queue);
        *bytes = bytes.saturating_sub(meta.weight);
        self.meta.set(
            slot,
            Meta {
                queue: Queue::Absent,
                ..meta
            },
        );
    }
}
