//! The wheel's overdue slots (scheduled at a time the wheel had passed),
//! earliest first: a binary heap with lazy removal instead of an ordered set,
//! because the heap's code is in the module anyway (tags, batches) and a
//! B-tree's is ~7 KB of .wasm.
//!
//! An entry `(when, slot)` is live while the wheel says the slot is overdue at
//! that time (`location[slot] == OVERDUE && when[slot] == when`); a cancelled
//! one stays until it reaches the top or the heap is rebuilt, which happens
//! when dead entries outnumber live ones: pushes, pops and cancels stay
//! O(log k) amortised for k overdue slots.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Dead entries tolerated before a rebuild, beyond one per live entry.
const SLACK: usize = 32;

#[derive(Debug, Default)]
pub(super) struct Overdue {
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    live: usize,
}

impl Overdue {
    pub(super) fn len(&self) -> usize {
        self.live
    }

    pub(super) fn insert(&mut self, when: u64, slot: u32) {
        self.heap.push(Reverse((when, slot)));
        self.live = self.live.saturating_add(1);
    }

    /// The earliest live entry; call [`Overdue::prune`] after every change
    /// to the wheel's locations first.
    pub(super) fn first(&self) -> Option<(u64, u32)> {
        self.heap.peek().map(|&Reverse(entry)| entry)
    }

    /// Removes the earliest entry (live, after a prune).
    pub(super) fn pop_first(&mut self) {
        if self.heap.pop().is_some() {
            self.live = self.live.saturating_sub(1);
        }
    }

    /// One live entry was cancelled (it stays in the heap, dead).
    pub(super) fn forget_one(&mut self) {
        self.live = self.live.saturating_sub(1);
    }

    /// Drops dead entries from the top, and rebuilds when they are too many.
    /// `is_live(when, slot)` is the wheel's view.
    pub(super) fn prune(&mut self, is_live: impl Fn(u64, u32) -> bool) {
        if self.heap.len() > self.live.saturating_mul(2).saturating_add(SLACK) {
            let mut entries = std::mem::take(&mut self.heap).into_vec();
            entries.retain(|&Reverse((when, slot))| is_live(when, slot));
            let mut entries = BinaryHeap::from(entries).into_sorted_vec();
            entries.dedup();
            self.heap = BinaryHeap::from(entries);
        }
        while let Some(&Reverse((when, slot))) = self.heap.peek() {
            if is_live(when, slot) {
                break;
            }
            self.heap.pop();
        }
        // A slot cancelled and placed again at the same time has two live
        // copies: the first fires it, and the second is dead from then on.
        self.live = self.live.min(self.heap.len());
    }

    pub(super) fn clear(&mut self) {
        self.heap.clear();
        self.live = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A model of the wheel's view: slot -> overdue time.
    fn live_in(model: &BTreeMap<u32, u64>) -> impl Fn(u64, u32) -> bool + '_ {
        move |when, slot| model.get(&slot) == Some(&when)
    }

    #[test]
    fn earliest_first_with_cancels_and_a_same_time_reinsert() {
        let mut o = Overdue::default();
        let mut model = BTreeMap::new();
        for (slot, when) in [(1, 30), (2, 10), (3, 20)] {
            o.insert(when, slot);
            model.insert(slot, when);
        }
        // Cancel slot 2 (the earliest), then put it back at the same time.
        model.remove(&2);
        o.forget_one();
        o.prune(live_in(&model));
        assert_eq!(o.first(), Some((20, 3)));
        o.insert(10, 2);
        model.insert(2, 10);
        let mut fired = Vec::new();
        while let Some((when, slot)) = o.first() {
            o.pop_first();
            model.remove(&slot);
            o.prune(live_in(&model));
            fired.push((when, slot));
        }
        assert_eq!(fired, [(10, 2), (20, 3), (30, 1)]);
        assert_eq!(o.len(), 0);
    }

    #[test]
    fn dead_entries_are_rebuilt_away() {
        let mut o = Overdue::default();
        let mut model = BTreeMap::new();
        for slot in 0..1_000u32 {
            o.insert(u64::from(slot), slot);
            model.insert(slot, u64::from(slot));
        }
        // Cancel all but the last ten, from the back: none reaches the top.
        for slot in (10..1_000u32).rev() {
            model.remove(&slot);
            o.forget_one();
            o.prune(live_in(&model));
        }
        assert_eq!(o.len(), 10);
        assert!(
            o.heap.len() <= 2 * 10 + SLACK + 1,
            "heap of {}",
            o.heap.len()
        );
        assert_eq!(o.first(), Some((0, 0)));
    }
}
