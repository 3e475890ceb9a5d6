//! Per-slot policy state, indexed by the tier's slot number.
//!
//! Slots are small dense integers reused after removal, so a growable vector
//! is the cheapest map. Reads of slots never written return the default, and
//! writes grow the vector: no lookup can panic.

#[derive(Debug, Clone)]
pub(crate) struct SlotVec<T> {
    items: Vec<T>,
}

impl<T> Default for SlotVec<T> {
    fn default() -> Self {
        SlotVec { items: Vec::new() }
    }
}

impl<T: Copy + Default> SlotVec<T> {
    /// The state of `slot`, or the default for a slot never seen.
    pub(crate) fn get(&self, slot: u32) -> T {
        self.items.get(slot as usize).copied().unwrap_or_default()
    }

    /// Mutable access, growing the vector so that `slot` exists.
    pub(crate) fn get_mut(&mut self, slot: u32) -> Option<&mut T> {
        let needed = (slot as usize).saturating_add(1);
        if self.items.len() < needed {
            crate::memory::growth::grow_to(&mut self.items, needed, T::default());
        }
        self.items.get_mut(slot as usize)
    }

    /// Mutable access to a slot already written, without growing (the hit path).
    #[inline]
    pub(crate) fn get_existing_mut(&mut self, slot: u32) -> Option<&mut T> {
        self.items.get_mut(slot as usize)
    }

    pub(crate) fn set(&mut self, slot: u32, value: T) {
        if let Some(item) = self.get_mut(slot) {
            *item = value;
        }
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_slots_read_as_default_and_grow_on_write() {
        let mut v: SlotVec<u8> = SlotVec::default();
        assert_eq!(v.get(7), 0);
        v.set(7, 3);
        assert_eq!(v.get(7), 3);
        assert_eq!(v.get(6), 0);
        if let Some(x) = v.get_mut(2) {
            *x = 9;
        }
        assert_eq!(v.get(2), 9);
        assert!(v.get_existing_mut(100).is_none());
        if let Some(x) = v.get_existing_mut(7) {
            *x = 4;
        }
        assert_eq!(v.get(7), 4);
        v.clear();
        assert_eq!(v.get(7), 0);
    }
}
