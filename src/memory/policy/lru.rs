//! Least recently used: one list, hits move to the front, victims leave from the back.

use super::slots::SlotVec;
use crate::memory::links::{Links, List};

#[derive(Debug, Default)]
pub(crate) struct Lru {
    links: Links,
    list: List,
    /// Whether a slot is in `list`: `Links` cannot tell, and unlinking a
    /// slot that is not there would corrupt the list ends.
    present: SlotVec<bool>,
}

impl Lru {
    pub(crate) fn insert(&mut self, slot: u32, _hash: u64, _weight: u64) {
        if self.present.get(slot) {
            self.access(slot);
            return;
        }
        self.present.set(slot, true);
        self.links.push_front(&mut self.list, slot);
    }

    pub(crate) fn access(&mut self, slot: u32) {
        if self.present.get(slot) {
            self.links.move_to_front(&mut self.list, slot);
        }
    }

    pub(crate) fn update(&mut self, slot: u32, _weight: u64) {
        self.access(slot);
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        if self.present.get(slot) {
            self.present.set(slot, false);
            self.links.unlink(&mut self.list, slot);
        }
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        let slot = self.links.pop_back(&mut self.list)?;
        self.present.set(slot, false);
        Some(slot)
    }

    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.present.clear();
        self.list = List::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_first() {
        let mut p = Lru::default();
        for slot in 0..4 {
            p.insert(slot, u64::from(slot), 10);
        }
        p.access(0);
        p.update(1, 20);
        assert_eq!(p.evict(), Some(2));
        assert_eq!(p.evict(), Some(3));
        assert_eq!(p.evict(), Some(0));
        assert_eq!(p.evict(), Some(1));
        assert_eq!(p.evict(), None);
    }

    #[test]
    fn removing_an_absent_slot_leaves_the_list_intact() {
        let mut p = Lru::default();
        p.insert(0, 0, 1);
        p.insert(1, 1, 1);
        p.remove(5);
        p.remove(0);
        p.remove(0);
        p.access(0);
        assert_eq!(p.evict(), Some(1));
        assert_eq!(p.evict(), None);
    }
}
