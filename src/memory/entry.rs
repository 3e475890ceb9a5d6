//! One stored entry, split in two by how often a field is read, and its weight.
//!
//! [`Entry`] is what a hit reads: hash, namespace, key (inline when short),
//! the value's pointer and the TTL deadline, in one 64-byte cache line.
//! [`EntryCold`] holds what only writes, removals and the rarer idle and
//! stale-window entries need; it lives in a parallel vector indexed by slot.

use crate::memory::namespaces::Ns;
use crate::memory::slot_key::SlotKey;
use crate::memory::tags::TagId;

/// "No deadline" for `expires_at`.
pub(crate) const NEVER: u64 = u64::MAX;

/// Fixed bytes charged per entry for the bookkeeping around key and value:
/// the slot, its hash-table cell, policy, timer and namespace links, the ghost
/// queue's share, and allocator headers of the key and value blocks.
/// `tests/memory_accounting.rs` counts the real heap bytes with a counting
/// allocator and checks the charge covers them; on x86_64 the bookkeeping
/// measured 188-192 bytes per entry with inline keys (a key over
/// `INLINE_KEY_BYTES` adds its own heap block: up to ~31 bytes of header and
/// rounding), and wasm32 has 4-byte pointers, so less.
pub const ENTRY_OVERHEAD: u64 = 256;
/// Bytes charged per tag an entry carries, on top of the tag name's length:
/// the tag's slab cell, its member set and name-table cell, and the id the
/// entry keeps. Charged to every entry carrying the tag, so shared tags are
/// over-counted rather than under (`tests/memory_accounting.rs` checks it).
pub const TAG_OVERHEAD: u64 = 192;

/// The hot part of an entry: everything a fresh hit reads, one cache line.
/// Not over-aligned in wasm: its allocator (dlmalloc) cannot grow an
/// over-aligned Vec in place, so every growth copied and left a hole (wasm
/// memory at 100k 100-byte entries: 593 B per entry aligned, 424 not).
#[derive(Debug)]
#[cfg_attr(not(target_family = "wasm"), repr(align(64)))]
pub(crate) struct Entry {
    pub hash: u64,
    pub key: SlotKey,
    /// The value as stored: deflated when `compressed`.
    pub stored: Box<[u8]>,
    /// Absolute deadline from the TTL, or [`NEVER`].
    pub expires_at: u64,
    pub ns: Ns,
    pub compressed: bool,
    /// The host holds the value (a JS value kept by slot): `stored` is
    /// empty and the weight carries the charge the host declared.
    pub held: bool,
    /// The cold part has an idle time or a stale window, so the deadlines
    /// need it; without either, `expires_at` alone decides.
    pub needs_cold: bool,
}

/// The cold part of an entry.
#[derive(Debug, Default)]
pub(crate) struct EntryCold {
    pub weight: u64,
    /// Time-to-idle in ms; 0 means none.
    pub idle_ms: u64,
    /// How long the entry is kept after it stops being fresh, for
    /// stale-while-revalidate and stale-if-error; 0 means not at all.
    pub stale_ms: u64,
    pub last_access: u64,
    pub tags: Box<[TagId]>,
}

impl EntryCold {
    pub(crate) fn needs_deadlines(&self) -> bool {
        self.idle_ms != 0 || self.stale_ms != 0
    }
}

/// An entry's two parts, for the deadline arithmetic.
#[derive(Clone, Copy)]
pub(crate) struct EntryRef<'a> {
    pub hot: &'a Entry,
    pub cold: Option<&'a EntryCold>,
}

impl EntryRef<'_> {
    fn cold(&self) -> Option<&EntryCold> {
        self.cold.filter(|_| self.hot.needs_cold)
    }

    /// When the entry stops being fresh: the earliest of the TTL and idle deadlines.
    #[inline(always)]
    pub(crate) fn fresh_until(&self) -> u64 {
        match self.cold() {
            Some(cold) if cold.idle_ms != 0 => self
                .hot
                .expires_at
                .min(cold.last_access.saturating_add(cold.idle_ms)),
            _ => self.hot.expires_at,
        }
    }

    /// When the entry is dropped: the end of its stale window.
    #[inline(always)]
    pub(crate) fn keep_until(&self) -> u64 {
        let stale_ms = self.cold().map_or(0, |c| c.stale_ms);
        self.fresh_until().saturating_add(stale_ms)
    }

    #[inline(always)]
    pub(crate) fn is_fresh(&self, now: u64) -> bool {
        now < self.fresh_until()
    }

    /// Past its stale window too: must never be returned again.
    #[inline(always)]
    pub(crate) fn is_gone(&self, now: u64) -> bool {
        now >= self.keep_until()
    }
}

/// The weight charged for an entry.
pub(crate) fn weight_of(key_len: usize, stored_len: u64, tag_count: usize, tag_bytes: u64) -> u64 {
    (key_len as u64)
        .saturating_add(stored_len)
        .saturating_add(ENTRY_OVERHEAD)
        .saturating_add((tag_count as u64).saturating_mul(TAG_OVERHEAD))
        .saturating_add(tag_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn the_hot_part_is_one_cache_line() {
        assert_eq!(std::mem::align_of::<Entry>(), 64);
        #[cfg(target_pointer_width = "64")]
        assert_eq!(std::mem::size_of::<Option<Entry>>(), 64);
    }

    fn entry(expires_at: u64, needs_cold: bool) -> Entry {
        Entry {
            hash: 1,
            key: SlotKey::new("k"),
            stored: Box::from(&b"v"[..]),
            expires_at,
            ns: Ns::DEFAULT,
            compressed: false,
            held: false,
            needs_cold,
        }
    }

    #[test]
    fn deadlines_read_the_cold_part_only_when_flagged() {
        let cold = EntryCold {
            idle_ms: 10,
            stale_ms: 5,
            last_access: 100,
            ..EntryCold::default()
        };
        let plain = entry(1_000, false);
        let view = EntryRef {
            hot: &plain,
            cold: Some(&cold),
        };
        assert_eq!((view.fresh_until(), view.keep_until()), (1_000, 1_000));
        let flagged = entry(1_000, true);
        let view = EntryRef {
            hot: &flagged,
            cold: Some(&cold),
        };
        assert_eq!((view.fresh_until(), view.keep_until()), (110, 115));
        assert!(view.is_fresh(109) && !view.is_fresh(110));
        assert!(!view.is_gone(114) && view.is_gone(115));
        let stale_only = EntryCold {
            stale_ms: 7,
            ..EntryCold::default()
        };
        assert!(stale_only.needs_deadlines() && !EntryCold::default().needs_deadlines());
        let view = EntryRef {
            hot: &flagged,
            cold: Some(&stale_only),
        };
        assert_eq!((view.fresh_until(), view.keep_until()), (1_000, 1_007));
    }
}
