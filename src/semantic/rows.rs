//! Fixed-width rows in blocks of [`BLOCK_ROWS`]: the storage of one space's
//! vectors. Wasm memory never shrinks, so the rows never move as they grow: a
//! full block stays where it is and the next one is allocated at its exact
//! size (a single growing array would copy itself at each step and leave the
//! old copies behind as free but fragmented memory). Only the first block grows,
//! by ~1/8, so a small index stays small. Removal moves the last row into the
//! hole (swap remove).

use crate::memory::growth::reserve_for;

/// Rows per block: 256 rows of 768 f32 are 768 KB.
pub const BLOCK_ROWS: usize = 256;

pub struct Rows<T> {
    width: usize,
    blocks: Vec<Vec<T>>,
    len: usize,
}

impl<T: Copy + Default> Rows<T> {
    pub fn new(width: usize) -> Self {
        Rows {
            width: width.max(1),
            blocks: Vec::new(),
            len: 0,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    fn block_len(&self) -> usize {
        BLOCK_ROWS.saturating_mul(self.width)
    }

    /// Appends a row of exactly `width` values (others are ignored).
    pub fn push(&mut self, row: &[T]) {
        if row.len() != self.width {
            return;
        }
        let full = self.block_len();
        if self.blocks.last().is_none_or(|b| b.len() >= full) {
            // Blocks after the first are allocated whole: they fill anyway.
            let capacity = if self.blocks.is_empty() {
                self.width
            } else {
                full
            };
            self.blocks.push(Vec::with_capacity(capacity));
        }
        let single = self.blocks.len() == 1;
        if let Some(block) = self.blocks.last_mut() {
            if single {
                reserve_for(block, block.len().saturating_add(row.len()).min(full));
            }
            block.extend_from_slice(row);
            self.len += 1;
        }
    }

    pub fn get(&self, i: usize) -> Option<&[T]> {
        let (b, o) = (i / BLOCK_ROWS, i % BLOCK_ROWS);
        let start = o.checked_mul(self.width)?;
        self.blocks
            .get(b)?
            .get(start..start.checked_add(self.width)?)
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut [T]> {
        let (b, o) = (i / BLOCK_ROWS, i % BLOCK_ROWS);
        let start = o.checked_mul(self.width)?;
        let end = start.checked_add(self.width)?;
        self.blocks.get_mut(b)?.get_mut(start..end)
    }

    /// Moves the last row into row `i`, then drops the last row.
    pub fn swap_remove(&mut self, i: usize) {
        let Some(last) = self.len.checked_sub(1) else {
            return;
        };
        if i > last {
            return;
        }
        if i != last {
            // One row (at most 16 KB) through a buffer: the two rows may share a block.
            let moved: Vec<T> = self.get(last).map(<[T]>::to_vec).unwrap_or_default();
            if let Some(hole) = self.get_mut(i)
                && hole.len() == moved.len()
            {
                hole.copy_from_slice(&moved);
            }
        }
        let width = self.width;
        if let Some(block) = self.blocks.last_mut() {
            block.truncate(block.len().saturating_sub(width));
            if block.is_empty() {
                self.blocks.pop();
            }
        }
        self.len = last;
    }

    /// Every row in order with its index: block by block, for the scan.
    pub fn for_each(&self, mut f: impl FnMut(usize, &[T])) {
        let mut i = 0;
        for block in &self.blocks {
            for row in block.chunks_exact(self.width) {
                f(i, row);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_span_blocks_and_swap_remove_keeps_the_rest() {
        let mut rows = Rows::new(3);
        let n = BLOCK_ROWS * 2 + 5;
        for i in 0..n {
            rows.push(&[i as u32; 3]);
        }
        assert_eq!(rows.len(), n);
        assert_eq!(
            rows.get(BLOCK_ROWS + 1),
            Some(&[BLOCK_ROWS as u32 + 1; 3][..])
        );
        rows.swap_remove(0);
        assert_eq!(
            rows.get(0),
            Some(&[n as u32 - 1; 3][..]),
            "the last row filled the hole"
        );
        for _ in 0..6 {
            rows.swap_remove(rows.len() - 1);
        }
        assert_eq!(rows.len(), n - 7);
        assert_eq!(rows.blocks.len(), 2, "an emptied block is freed");
        let mut seen = 0;
        rows.for_each(|i, row| {
            assert_eq!(rows.get(i), Some(row));
            seen += 1;
        });
        assert_eq!(seen, n - 7);
        rows.push(&[1, 2]);
        assert_eq!(rows.len(), n - 7, "a row of the wrong width is ignored");
    }

    #[test]
    fn later_blocks_are_allocated_whole_and_the_first_grows() {
        let mut rows = Rows::new(4);
        rows.push(&[0.0f32; 4]);
        assert!(rows.blocks[0].capacity() < BLOCK_ROWS * 4);
        for _ in 0..BLOCK_ROWS {
            rows.push(&[0.0f32; 4]);
        }
        assert_eq!(rows.blocks[1].capacity(), BLOCK_ROWS * 4);
    }
}
