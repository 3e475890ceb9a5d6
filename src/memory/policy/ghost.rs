//! The ghost queue of S3-FIFO: key hashes of entries recently evicted from
//! the small queue, without their values.
//!
//! A FIFO of hashes plus a map from hash to the sequence number of its newest
//! copy in the FIFO, so membership is O(1). Forgetting a hash (on a ghost hit)
//! only drops it from the map; its copy in the FIFO goes stale and is skipped
//! when it reaches the front, because the map no longer names that sequence
//! number. The FIFO never holds more than `limit` hashes, so memory is bounded.
//!
//! Both keep a 32-bit fingerprint of each hash and 32-bit sequence numbers
//! (compared for equality only, so wrapping is harmless: a live copy is never
//! `2^32` pushes old). That halves the ghost's memory, so a 100k-entry
//! cache's ghost (about 1.7 MB) mostly stays in the CPU's L2 cache: an
//! eviction probes it three times. Two hashes sharing a fingerprint (about
//! one chance in 40,000 at 100k hashes) only make one ghost hit wrong, and
//! the ghost is a heuristic.

use std::collections::VecDeque;

use hashbrown::HashTable;

type Fingerprint = u32;

#[derive(Debug, Default)]
pub(crate) struct Ghost {
    /// Oldest fingerprint at the front.
    fifo: VecDeque<Fingerprint>,
    /// The sequence number of the front of `fifo`; the item at index `i` has `front_seq + i`.
    front_seq: u32,
    /// (fingerprint, sequence number of its live copy).
    live: HashTable<(Fingerprint, u32)>,
}

fn fingerprint(hash: u64) -> Fingerprint {
    ((hash >> 32) ^ hash) as u32
}

/// Where a fingerprint goes in the table: spread over all 64 bits, since the
/// table takes its bucket from the low bits and its tag from the top ones.
fn table_hash(fp: Fingerprint) -> u64 {
    u64::from(fp).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn hash_of(item: &(Fingerprint, u32)) -> u64 {
    table_hash(item.0)
}

impl Ghost {
    /// Remembers `hash`, then trims the oldest hashes down to `limit`.
    pub(crate) fn push(&mut self, hash: u64, limit: usize) {
        if limit == 0 {
            self.trim(0);
            return;
        }
        let fp = fingerprint(hash);
        let seq = self.front_seq.wrapping_add(self.fifo.len() as u32);
        self.fifo.push_back(fp);
        match self.live.find_mut(table_hash(fp), |item| item.0 == fp) {
            Some(item) => item.1 = seq,
            None => {
                self.live.insert_unique(table_hash(fp), (fp, seq), hash_of);
            }
        }
        self.trim(limit);
    }

    /// Whether `hash` was remembered; if so it is forgotten (a ghost hit is used once).
    pub(crate) fn take(&mut self, hash: u64) -> bool {
        let fp = fingerprint(hash);
        match self.live.find_entry(table_hash(fp), |item| item.0 == fp) {
            Ok(found) => {
                found.remove();
                true
            }
            Err(_) => false,
        }
    }

    /// Drops the oldest hashes until at most `limit` remain. Amortised O(1):
    /// every hash is dropped at most once after being pushed once.
    pub(crate) fn trim(&mut self, limit: usize) {
        while self.fifo.len() > limit {
            let Some(fp) = self.fifo.pop_front() else {
                break;
            };
            let front_seq = self.front_seq;
            if let Ok(found) = self
                .live
                .find_entry(table_hash(fp), |item| *item == (fp, front_seq))
            {
                found.remove();
            }
            self.front_seq = self.front_seq.wrapping_add(1);
        }
    }

    /// How many hashes the FIFO holds, stale ones included (the memory bound).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.fifo.len()
    }

    pub(crate) fn clear(&mut self) {
        self.fifo.clear();
        self.live.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recent_hashes_and_forgets_the_oldest() {
        let mut g = Ghost::default();
        for h in 1..=5 {
            g.push(h, 3);
        }
        assert_eq!(g.len(), 3);
        assert!(!g.take(1));
        assert!(!g.take(2));
        assert!(g.take(3));
        assert!(!g.take(3), "a ghost hit is consumed");
        assert!(g.take(5));
    }

    #[test]
    fn sequence_numbers_wrap_without_losing_hashes() {
        let mut g = Ghost {
            front_seq: u32::MAX - 2,
            ..Ghost::default()
        };
        for h in 1..=8u64 {
            g.push(h << 40, 4);
        }
        g.push(6 << 40, 4); // a second copy of 6, across the wrap
        g.push(9 << 40, 4); // drops the first 6: the newer copy stays
        assert!(g.take(6 << 40));
        assert!(g.take(8 << 40));
        assert!(!g.take(4 << 40), "fell out of the window");
        assert!(g.live.len() <= g.len());
    }

    #[test]
    fn a_stale_copy_does_not_forget_a_newer_one() {
        let mut g = Ghost::default();
        g.push(7, 3);
        g.push(8, 3);
        g.push(7, 3); // 7 again: its first copy is now stale
        g.push(9, 3); // drops the first 7
        assert!(g.take(7));
        assert!(g.take(8));
    }

    #[test]
    fn stays_bounded_and_the_map_follows_the_fifo() {
        let mut g = Ghost::default();
        for h in 0..10_000u64 {
            g.push(h % 700, 100);
            if h % 3 == 0 {
                g.take(h % 700);
            }
            assert!(g.len() <= 100);
            assert!(g.live.len() <= g.len());
        }
        g.trim(10);
        assert_eq!(g.len(), 10);
        assert!(g.live.len() <= 10);
        g.clear();
        assert!(!g.take(9_999 % 700));
    }
}
