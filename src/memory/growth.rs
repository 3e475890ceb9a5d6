//! Growth of the per-slot vectors with little headroom.
//!
//! `Vec` doubles its capacity, so right after a doubling up to half of every
//! per-slot array is empty, and the byte budget would have to charge for that
//! waste. Growing by about 1/8 keeps the spare capacity small while the total
//! copying stays amortised O(1) per slot.

/// Extends `vec` with `fill` up to `len` items, reserving at most ~12.5% spare.
pub(crate) fn grow_to<T: Clone>(vec: &mut Vec<T>, len: usize, fill: T) {
    if vec.len() >= len {
        return;
    }
    reserve_for(vec, len);
    vec.resize(len, fill);
}

/// Makes room for `len` items in total, with at most ~12.5% spare.
pub(crate) fn reserve_for<T>(vec: &mut Vec<T>, len: usize) {
    if vec.capacity() < len {
        let target = len.saturating_add((len / 8).max(16));
        vec.reserve_exact(target.saturating_sub(vec.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_leaves_little_spare_capacity() {
        let mut v: Vec<u64> = Vec::new();
        for len in 1..200_000 {
            grow_to(&mut v, len, 0);
            assert_eq!(v.len(), len);
        }
        assert!(v.capacity() <= v.len() + v.len() / 8 + 16);
    }
}
