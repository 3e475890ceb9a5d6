//! Least frequently used, in O(1), with dynamic aging.
//!
//! Slots live in frequency buckets; the buckets form a doubly-linked list
//! ordered from the lowest priority to the highest, and each bucket keeps its
//! slots in recency order (a [`List`] over the shared [`Links`] arena). A hit
//! moves the slot to the bucket for the next priority, creating it next to the
//! current one if it is missing; the victim is the least recent slot of the
//! lowest bucket. Empty buckets are recycled at once.
//!
//! Aging (a gentler variant of LFU with dynamic aging, "LFU-DA"): a slot's
//! priority is not its raw hit count but `floor + 1 + hits`, where `floor` is
//! one less than the priority of the last victim at the time the slot came
//! in. When victims are entries that were hit, the floor rises and newcomers
//! start higher, so an entry that was hot long ago is eventually overtaken
//! instead of being pinned forever by an old burst. Victims never hit since
//! they came in (a scan, one-hit wonders) leave the floor where it is; plain
//! LFU-DA (floor = victim's priority) lets every such victim raise the floor
//! by one, which flushed hot keys on a short scan and cost several points of
//! hit ratio on Zipf traces. The lead
//! over the floor is also capped at [`MAX_LEAD`] (a saturating counter): past
//! it a hit only refreshes recency within the bucket. Every live priority is
//! at least `floor`, so a new slot's bucket is found within two steps of the
//! lowest bucket, and a hit's bucket is the next one or a new one: O(1).

use super::slots::SlotVec;
use crate::memory::links::{Links, List, NIL};

/// How far (in hits) a slot may run ahead of the eviction floor.
const MAX_LEAD: u64 = 255;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    priority: u64,
    slots: List,
    /// The next bucket with a lower priority, or `NIL`.
    lower: u32,
    /// The next bucket with a higher priority, or `NIL`.
    higher: u32,
}

#[derive(Debug)]
pub(crate) struct Lfu {
    links: Links,
    buckets: Vec<Bucket>,
    /// Indices of recycled entries of `buckets`.
    free: Vec<u32>,
    /// The bucket with the lowest priority, or `NIL`.
    lowest: u32,
    /// The bucket each slot is in.
    home: SlotVec<Option<u32>>,
    /// One less than the priority of the last victim (see the module docs on aging).
    floor: u64,
}

impl Default for Lfu {
    fn default() -> Self {
        Lfu {
            links: Links::default(),
            buckets: Vec::new(),
            free: Vec::new(),
            lowest: NIL,
            home: SlotVec::default(),
            floor: 0,
        }
    }
}

impl Lfu {
    pub(crate) fn insert(&mut self, slot: u32, _hash: u64, _weight: u64) {
        if self.home.get(slot).is_some() {
            self.access(slot);
            return;
        }
        let target = self.floor.saturating_add(1);
        if let Some(bucket) = self.find_or_create(NIL, target) {
            self.attach(slot, bucket);
        }
    }

    pub(crate) fn access(&mut self, slot: u32) {
        let Some(current) = self.home.get(slot) else {
            return;
        };
        let priority = self.priority(current);
        if priority >= self.floor.saturating_add(MAX_LEAD) {
            // Saturated: only recency changes.
            if let Some(b) = self.buckets.get_mut(current as usize) {
                self.links.move_to_front(&mut b.slots, slot);
            }
            return;
        }
        // Find the destination before detaching: `current` anchors the search
        // and may be recycled once empty.
        let Some(next) = self.find_or_create(current, priority.saturating_add(1)) else {
            return;
        };
        self.detach(slot, current);
        self.attach(slot, next);
    }

    /// A new value is a use of the entry, like a hit.
    pub(crate) fn update(&mut self, slot: u32, _weight: u64) {
        self.access(slot);
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        if let Some(current) = self.home.get(slot) {
            self.detach(slot, current);
        }
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        while self.lowest != NIL {
            let lowest = self.lowest;
            let bucket = self.buckets.get_mut(lowest as usize)?;
            let priority = bucket.priority;
            let victim = self.links.pop_back(&mut bucket.slots);
            self.recycle_if_empty(lowest);
            if let Some(slot) = victim {
                self.home.set(slot, None);
                // One below the victim: a victim never hit since it came in
                // (priority floor + 1) leaves the floor where it is.
                self.floor = self.floor.max(priority.saturating_sub(1));
                return Some(slot);
            }
        }
        None
    }

    pub(crate) fn clear(&mut self) {
        *self = Lfu::default();
    }

    fn priority(&self, bucket: u32) -> u64 {
        self.buckets
            .get(bucket as usize)
            .map_or(u64::MAX, |b| b.priority)
    }

    fn attach(&mut self, slot: u32, bucket: u32) {
        if let Some(b) = self.buckets.get_mut(bucket as usize) {
            self.links.push_front(&mut b.slots, slot);
            self.home.set(slot, Some(bucket));
        }
    }

    fn detach(&mut self, slot: u32, bucket: u32) {
        if let Some(b) = self.buckets.get_mut(bucket as usize) {
            self.links.unlink(&mut b.slots, slot);
        }
        self.home.set(slot, None);
        self.recycle_if_empty(bucket);
    }

    /// The bucket with exactly `target` priority, created if missing. The search
    /// starts above `from` (a bucket with a lower priority, or `NIL` for the
    /// bottom); by the floor invariant it takes at most two steps.
    fn find_or_create(&mut self, from: u32, target: u64) -> Option<u32> {
        let mut below = from;
        let mut above = if from == NIL {
            self.lowest
        } else {
            self.buckets.get(from as usize)?.higher
        };
        while above != NIL {
            let b = self.buckets.get(above as usize)?;
            if b.priority == target {
                return Some(above);
            }
            if b.priority > target {
                break;
            }
            below = above;
            above = b.higher;
        }
        self.create_between(target, below, above)
    }

    fn create_between(&mut self, priority: u64, lower: u32, higher: u32) -> Option<u32> {
        let bucket = Bucket {
            priority,
            slots: List::default(),
            lower,
            higher,
        };
        let index = match self.free.pop() {
            Some(index) => {
                *self.buckets.get_mut(index as usize)? = bucket;
                index
            }
            None => {
                let index = u32::try_from(self.buckets.len()).ok()?;
                self.buckets.push(bucket);
                index
            }
        };
        self.set_higher(lower, index);
        self.set_lower(higher, index);
        Some(index)
    }

    fn recycle_if_empty(&mut self, bucket: u32) {
        let Some(b) = self.buckets.get(bucket as usize) else {
            return;
        };
        if !b.slots.is_empty() {
            return;
        }
        let (lower, higher) = (b.lower, b.higher);
        self.set_higher(lower, higher);
        self.set_lower(higher, lower);
        self.free.push(bucket);
    }

    /// Points `bucket`'s upward link at `higher`; `NIL` stands for the bottom end.
    fn set_higher(&mut self, bucket: u32, higher: u32) {
        match self.buckets.get_mut(bucket as usize) {
            Some(b) => b.higher = higher,
            None => self.lowest = higher,
        }
    }

    fn set_lower(&mut self, bucket: u32, lower: u32) {
        if let Some(b) = self.buckets.get_mut(bucket as usize) {
            b.lower = lower;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(p: &mut Lfu) -> Vec<u32> {
        core::iter::from_fn(|| p.evict()).collect()
    }

    /// Walks the bucket list from the bottom: priorities strictly rise and no bucket is empty.
    fn bucket_priorities(p: &Lfu) -> Vec<u64> {
        let mut out = Vec::new();
        let mut cursor = p.lowest;
        while cursor != NIL {
            let b = p.buckets[cursor as usize];
            assert!(!b.slots.is_empty());
            out.push(b.priority);
            cursor = b.higher;
        }
        assert!(out.windows(2).all(|w| w[0] < w[1]), "{out:?}");
        out
    }

    #[test]
    fn evicts_lowest_frequency_then_least_recent() {
        let mut p = Lfu::default();
        for slot in 0..5 {
            p.insert(slot, 0, 1);
        }
        p.access(0);
        p.access(0);
        p.access(3);
        p.access(1);
        p.access(3);
        // Counts: 0 -> 3, 3 -> 3, 1 -> 2, 2 and 4 -> 1 (2 older than 4).
        assert_eq!(bucket_priorities(&p), vec![1, 2, 3]);
        assert_eq!(drain(&mut p), vec![2, 4, 1, 0, 3]);
        assert!(p.lowest == NIL);
    }

    #[test]
    fn remove_and_update_keep_buckets_consistent() {
        let mut p = Lfu::default();
        for slot in 0..3 {
            p.insert(slot, 0, 1);
        }
        p.update(1, 5);
        p.remove(1);
        p.remove(1);
        assert_eq!(bucket_priorities(&p), vec![1]);
        p.access(2);
        assert_eq!(drain(&mut p), vec![0, 2]);
    }

    #[test]
    fn aging_lets_new_entries_overtake_an_old_burst() {
        let mut p = Lfu::default();
        // Slot 0 had a burst of 10 hits long ago.
        p.insert(0, 0, 1);
        for _ in 0..10 {
            p.access(0);
        }
        // Then a steady stream of entries hit twice each, one eviction per insert.
        let mut evicted_old = false;
        for i in 0..40u32 {
            let slot = 1 + (i % 2);
            p.insert(slot, 0, 1);
            p.access(slot);
            p.access(slot);
            if p.evict() == Some(0) {
                evicted_old = true;
                break;
            }
        }
        assert!(evicted_old, "the old burst stayed pinned");
        bucket_priorities(&p);
    }

    #[test]
    fn the_lead_over_the_floor_saturates() {
        let mut p = Lfu::default();
        p.insert(0, 0, 1);
        p.insert(1, 0, 1);
        for _ in 0..(MAX_LEAD * 3) {
            p.access(0);
        }
        assert_eq!(bucket_priorities(&p), vec![1, MAX_LEAD]);
        // Saturated slots still order by recency among themselves.
        for _ in 0..(MAX_LEAD * 3) {
            p.access(1);
        }
        assert_eq!(bucket_priorities(&p), vec![MAX_LEAD]);
        assert_eq!(drain(&mut p), vec![0, 1]);
    }

    #[test]
    fn buckets_are_recycled() {
        let mut p = Lfu::default();
        p.insert(0, 0, 1);
        for _ in 0..100 {
            p.access(0);
        }
        assert!(p.buckets.len() <= 2, "{}", p.buckets.len());
        p.clear();
        assert_eq!(p.evict(), None);
    }
}
