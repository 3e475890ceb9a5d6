//! Least recently used: one list, hits move to the front, victims leave from the back.

use crate::memory::links::{Links, List};

#[derive(Debug, Default)]
pub(crate) struct Lru {
    links: Links,
    list: List,
}

impl Lru {
    pub(crate) fn insert(&mut self, slot: u32, _hash: u64, _weight: u64) {
        self.links.push_front(&mut self.list, slot);
    }

    pub(crate) fn access(&mut self, slot: u32) {
        self.links.move_to_front(&mut self.list, slot);
    }

    pub(crate) fn update(&mut self, slot: u32, _weight: u64) {
        self.access(slot);
    }

    pub(crate) fn remove(&mut self, slot: u32) {
        self.links.unlink(&mut self.list, slot);
    }

    pub(crate) fn evict(&mut self) -> Option<u32> {
        self.links.pop_back(&mut self.list)
    }

    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.list = List::default();
    }
}
