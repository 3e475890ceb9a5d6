//! First in, first out: entries leave in insertion order; hits do not reorder.
//!
//! The cheapest policy (no work on a hit), and the baseline the others are measured against.

use super::slots::SlotVec;
use crate::memory::links::{Links, List};

#[derive(Debug, Default)]
pub(crate) struct Fifo {
    links: Links,
    /// Newest at the front, next victim at the back.
    queue: List,
    /// Whether a slot is queued (guards `remove` of unknown slots).
    present: SlotVec<bool>,
}

impl Fifo {
    pub(crate) fn insert(&mut self, slot: u32, _hash: u64, _weight: u64) {
        if !self.present.get(slot) {
            self.present.set(slot, true);
            self.links.push_front(&mut self.queue, slot);
        }
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        if self.present.get(slot) {
            self.present.set(slot, false);
            self.links.unlink(&mut self.queue, slot);
        }
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        let slot = self.links.pop_back(&mut self.queue)?;
        self.present.set(slot, false);
        Some(slot)
    }

    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.present.clear();
        self.queue = List::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_in_insertion_order_regardless_of_hits() {
        let mut p = Fifo::default();
        for slot in [4, 2, 7] {
            p.insert(slot, u64::from(slot), 1);
        }
        // Hits and updates are not reported to FIFO at all (see `Policy`).
        assert_eq!(p.evict(), Some(4));
        p.insert(4, 4, 1);
        assert_eq!(p.evict(), Some(2));
        assert_eq!(p.evict(), Some(7));
        assert_eq!(p.evict(), Some(4));
        assert_eq!(p.evict(), None);
    }

    #[test]
    fn remove_takes_a_slot_out_of_the_middle() {
        let mut p = Fifo::default();
        for slot in 0..3 {
            p.insert(slot, 0, 1);
        }
        p.remove(1);
        p.remove(1);
        assert_eq!(p.evict(), Some(0));
        assert_eq!(p.evict(), Some(2));
        assert_eq!(p.evict(), None);
    }
}
