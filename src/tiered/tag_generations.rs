//! Tag generations: one counter per (namespace, tag) in L2 under
//! `<prefix>:tag:<ns>:<tag>`, so tags work on backends that cannot list keys.
//!
//! An entry records the generation of each of its tags when written.
//! Invalidating a tag writes a new generation (one write per tag); an entry
//! whose recorded generation differs from the current one is a miss. Absent
//! means generation 0. A new generation is `max(old + 1, now_ms)`, so two
//! isolates invalidating at once still move it away from what entries recorded.
//! Generations are stored as ASCII decimal, `#`, and the CRC-32 of the
//! decimal digits in 8 lowercase hex digits (`1700000000000#1a2b3c4d`): still
//! readable, and a damaged or truncated value is never taken for another
//! generation (it would make entries written with it unreadable).
//!
//! Generations read from L2 are remembered for `ttl_ms` (default 1 s): an
//! invalidation in another isolate becomes visible here within that time.

use hashbrown::HashMap;

/// A generation no writer produces: what unreadable stored generations count
/// as, so entries tagged before are misses rather than wrongly fresh.
pub(crate) const UNREADABLE: u64 = u64::MAX;

/// The generation stored in L2 bytes, or [`UNREADABLE`] when they are garbage.
pub(crate) fn parse(bytes: Option<&[u8]>) -> u64 {
    let Some(bytes) = bytes else {
        return 0;
    };
    core::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.split_once('#'))
        .filter(|(digits, check)| {
            !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && *check == checksum(digits)
        })
        .and_then(|(digits, _)| digits.parse::<u64>().ok())
        .unwrap_or(UNREADABLE)
}

pub(crate) fn format(generation: u64) -> Vec<u8> {
    let digits = generation.to_string();
    let check = checksum(&digits);
    format!("{digits}#{check}").into_bytes()
}

fn checksum(digits: &str) -> String {
    format!("{:08x}", crate::codec::crc32::crc32(digits.as_bytes()))
}

/// The generation after `old`, at time `now`.
pub(crate) fn next(old: u64, now: u64) -> u64 {
    if old == UNREADABLE {
        return now;
    }
    old.saturating_add(1).max(now).min(UNREADABLE - 1)
}

/// Generations recently read from (or written to) L2.
#[derive(Debug, Default)]
pub(crate) struct GenerationCache {
    ttl_ms: u64,
    known: HashMap<(String, String), (u64, u64)>,
}

impl GenerationCache {
    pub(crate) fn new(ttl_ms: u64) -> Self {
        GenerationCache {
            ttl_ms,
            known: HashMap::new(),
        }
    }

    /// The generation of `tag` if learnt less than `ttl_ms` ago.
    pub(crate) fn fresh(&self, ns: &str, tag: &str, now: u64) -> Option<u64> {
        self.known
            .get(&(ns.to_string(), tag.to_string()))
            .filter(|(_, at)| now < at.saturating_add(self.ttl_ms))
            .map(|(generation, _)| *generation)
    }

    /// The last generation learnt, however old (used when L2 is unavailable).
    pub(crate) fn last_known(&self, ns: &str, tag: &str) -> Option<u64> {
        self.known
            .get(&(ns.to_string(), tag.to_string()))
            .map(|(generation, _)| *generation)
    }

    /// Drops what is known of `tag`, so the next use reads L2 again.
    pub(crate) fn forget(&mut self, ns: &str, tag: &str) {
        self.known.remove(&(ns.to_string(), tag.to_string()));
    }

    pub(crate) fn remember(&mut self, ns: &str, tag: &str, generation: u64, now: u64) {
        if self.known.len() >= 100_000 {
            // Bounded: forgetting only costs a re-read.
            self.known.clear();
        }
        self.known
            .insert((ns.to_string(), tag.to_string()), (generation, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_is_total_and_garbage_never_matches() {
        assert_eq!(parse(None), 0);
        assert_eq!(parse(Some(&format(42))), 42);
        assert_eq!(parse(Some(b"42")), UNREADABLE, "no checksum");
        let good = format(1_700_000_000_000);
        assert_eq!(
            parse(Some(good.get(..good.len() - 1).unwrap())),
            UNREADABLE,
            "truncated"
        );
        let mut flipped = good.clone();
        flipped[3] ^= 0x01;
        assert_eq!(parse(Some(&flipped)), UNREADABLE, "damaged digit");
        assert_eq!(parse(Some(b"")), UNREADABLE);
        assert_eq!(parse(Some(b"-1")), UNREADABLE);
        assert_eq!(parse(Some(b"99999999999999999999999")), UNREADABLE);
        assert_eq!(parse(Some(&format(1_700_000_000_000))), 1_700_000_000_000);
    }

    #[test]
    fn next_generation_always_moves() {
        assert_eq!(next(0, 1_000), 1_000);
        assert_eq!(next(1_000, 1_000), 1_001);
        assert_eq!(next(UNREADABLE, 5), 5);
        assert_ne!(next(UNREADABLE - 1, 0), UNREADABLE);
    }

    #[test]
    fn cache_expires_after_its_ttl_but_keeps_the_last_value() {
        let mut c = GenerationCache::new(1_000);
        c.remember("ns", "t", 3, 10);
        assert_eq!(c.fresh("ns", "t", 1_009), Some(3));
        assert_eq!(c.fresh("ns", "t", 1_010), None);
        assert_eq!(c.last_known("ns", "t"), Some(3));
        assert_eq!(c.fresh("other", "t", 10), None);
    }
}
