//! The ghost queue of S3-FIFO: key hashes of entries recently evicted from
//! the small queue, without their values.
//!
//! A FIFO of hashes plus a map from hash to the sequence number of its newest
//! copy in the FIFO, so membership is O(1). Forgetting a hash (on a ghost hit)
//! only drops it from the map; its copy in the FIFO goes stale and is skipped
//! when it reaches the front, because the map no longer names that sequence
//! number. The FIFO never holds more than `limit` hashes, so memory is bounded.

use std::collections::VecDeque;

use hashbrown::HashMap;

#[derive(Debug, Default)]
pub(crate) struct Ghost {
    /// Oldest hash at the front.
    fifo: VecDeque<u64>,
    /// The sequence number of the front of `fifo`; the hash at index `i` has `front_seq + i`.
    front_seq: u64,
    /// Hash -> sequence number of its live copy.
    live: HashMap<u64, u64>,
}

impl Ghost {
    /// Remembers `hash`, then trims the oldest hashes down to `limit`.
    pub(crate) fn push(&mut self, hash: u64, limit: usize) {
        if limit == 0 {
            self.trim(0);
            return;
        }
        let seq = self.front_seq.saturating_add(self.fifo.len() as u64);
        self.fifo.push_back(hash);
        self.live.insert(hash, seq);
        self.trim(limit);
    }

    /// Whether `hash` was remembered; if so it is forgotten (a ghost hit is used once).
    pub(crate) fn take(&mut self, hash: u64) -> bool {
        self.live.remove(&hash).is_some()
    }

    /// Drops the oldest hashes until at most `limit` remain. Amortised O(1):
    /// every hash is dropped at most once after being pushed once.
    pub(crate) fn trim(&mut self, limit: usize) {
        while self.fifo.len() > limit {
            let Some(hash) = self.fifo.pop_front() else {
                break;
            };
            if self.live.get(&hash) == Some(&self.front_seq) {
                self.live.remove(&hash);
            }
            self.front_seq = self.front_seq.saturating_add(1);
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
