//! Intrusive doubly-linked lists over slot indices.
//!
//! Every structure that orders entries (LRU and FIFO queues, LFU frequency
//! buckets, S3-FIFO queues, timer-wheel buckets, namespace lists) keeps its
//! links in a [`Links`] arena indexed by the entry's slot number, and one
//! [`List`] per list. A slot is in at most one list of a given arena. All
//! operations are O(1); out-of-range slots are ignored rather than panicking
//! (they would indicate a bug, which `debug_assert!` catches in tests).

/// "No slot": the end of a list.
pub(crate) const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Link {
    prev: u32,
    next: u32,
}

const UNLINKED: Link = Link {
    prev: NIL,
    next: NIL,
};

/// The head of one list: `front` is the newest end, `back` the oldest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List {
    front: u32,
    back: u32,
    len: u32,
}

impl Default for List {
    fn default() -> Self {
        List {
            front: NIL,
            back: NIL,
            len: 0,
        }
    }
}

impl List {
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The newest slot, if any.
    pub(crate) fn front(&self) -> Option<u32> {
        (self.front != NIL).then_some(self.front)
    }

    /// The oldest slot, if any.
    pub(crate) fn back(&self) -> Option<u32> {
        (self.back != NIL).then_some(self.back)
    }
}

/// Link storage for a family of lists, indexed by slot.
#[derive(Debug, Default, Clone)]
pub(crate) struct Links {
    links: Vec<Link>,
}

impl Links {
    fn get(&self, slot: u32) -> Link {
        self.links.get(slot as usize).copied().unwrap_or(UNLINKED)
    }

    fn set_prev(&mut self, slot: u32, prev: u32) {
        if let Some(link) = self.links.get_mut(slot as usize) {
            link.prev = prev;
        }
    }

    fn set_next(&mut self, slot: u32, next: u32) {
        if let Some(link) = self.links.get_mut(slot as usize) {
            link.next = next;
        }
    }

    fn ensure(&mut self, slot: u32) {
        let needed = slot as usize + 1;
        if self.links.len() < needed {
            crate::memory::growth::grow_to(&mut self.links, needed, UNLINKED);
        }
    }

    /// Inserts `slot` at the newest end of `list`. The slot must not be in any list of this arena.
    pub(crate) fn push_front(&mut self, list: &mut List, slot: u32) {
        debug_assert!(slot != NIL);
        self.ensure(slot);
        let old_front = list.front;
        self.set_prev(slot, NIL);
        self.set_next(slot, old_front);
        if old_front == NIL {
            list.back = slot;
        } else {
            self.set_prev(old_front, slot);
        }
        list.front = slot;
        list.len += 1;
    }

    /// Removes `slot` from `list`. The slot must be in that list.
    pub(crate) fn unlink(&mut self, list: &mut List, slot: u32) {
        let Link { prev, next } = self.get(slot);
        if prev == NIL {
            list.front = next;
        } else {
            self.set_next(prev, next);
        }
        if next == NIL {
            list.back = prev;
        } else {
            self.set_prev(next, prev);
        }
        self.set_prev(slot, NIL);
        self.set_next(slot, NIL);
        list.len = list.len.saturating_sub(1);
    }

    /// Moves `slot`, already in `list`, to the newest end.
    pub(crate) fn move_to_front(&mut self, list: &mut List, slot: u32) {
        if list.front != slot {
            self.unlink(list, slot);
            self.push_front(list, slot);
        }
    }

    /// Removes and returns the oldest slot.
    pub(crate) fn pop_back(&mut self, list: &mut List) -> Option<u32> {
        let slot = list.back()?;
        self.unlink(list, slot);
        Some(slot)
    }

    /// The slot after `slot` going from newest to oldest.
    pub(crate) fn older(&self, slot: u32) -> Option<u32> {
        let next = self.get(slot).next;
        (next != NIL).then_some(next)
    }

    /// Iterates `list` from newest to oldest. Do not modify the list while iterating;
    /// collect first when removing.
    pub(crate) fn iter<'a>(&'a self, list: &List) -> impl Iterator<Item = u32> + 'a {
        let mut cursor = list.front();
        core::iter::from_fn(move || {
            let slot = cursor?;
            cursor = self.older(slot);
            Some(slot)
        })
    }

    /// Forgets every link (lists must be reset by their owners).
    pub(crate) fn clear(&mut self) {
        self.links.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(links: &Links, list: &List) -> Vec<u32> {
        links.iter(list).collect()
    }

    #[test]
    fn push_pop_unlink_keep_order() {
        let mut links = Links::default();
        let mut list = List::default();
        for slot in [3, 1, 4] {
            links.push_front(&mut list, slot);
        }
        assert_eq!(collect(&links, &list), vec![4, 1, 3]);
        links.move_to_front(&mut list, 3);
        assert_eq!(collect(&links, &list), vec![3, 4, 1]);
        links.unlink(&mut list, 4);
        assert_eq!(collect(&links, &list), vec![3, 1]);
        assert_eq!(list.len(), 2);
        assert_eq!(links.pop_back(&mut list), Some(1));
        assert_eq!(links.pop_back(&mut list), Some(3));
        assert!(list.is_empty());
        assert_eq!(links.pop_back(&mut list), None);
    }

    #[test]
    fn two_lists_share_one_arena() {
        let mut links = Links::default();
        let (mut a, mut b) = (List::default(), List::default());
        links.push_front(&mut a, 0);
        links.push_front(&mut b, 1);
        links.push_front(&mut a, 2);
        assert_eq!(collect(&links, &a), vec![2, 0]);
        assert_eq!(collect(&links, &b), vec![1]);
        links.unlink(&mut a, 2);
        links.push_front(&mut b, 2);
        assert_eq!(collect(&links, &b), vec![2, 1]);
        assert_eq!(a.back(), Some(0));
    }
}
