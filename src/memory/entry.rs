//! One stored entry and its weight.

use crate::memory::namespaces::Ns;
use crate::memory::tags::TagId;

/// "No deadline" for `expires_at`.
pub(crate) const NEVER: u64 = u64::MAX;

/// Fixed bytes charged per entry for the bookkeeping around key and value:
/// the slot, its hash-table cell, policy, timer and namespace links, the ghost
/// queue's share, and allocator headers of the key and value blocks.
/// `tests/memory_accounting.rs` counts the real heap bytes with a counting
/// allocator and checks the charge covers them; on x86_64 the bookkeeping
/// measured 225-237 bytes per entry (wasm32 has 4-byte pointers, so less).
pub const ENTRY_OVERHEAD: u64 = 256;
/// Bytes charged per tag an entry carries, on top of the tag name's length:
/// the tag's slab cell, its member set and name-table cell, and the id the
/// entry keeps. Charged to every entry carrying the tag, so shared tags are
/// over-counted rather than under (`tests/memory_accounting.rs` checks it).
pub const TAG_OVERHEAD: u64 = 192;

#[derive(Debug)]
pub(crate) struct Entry {
    pub key: Box<str>,
    /// The value as stored: deflated when `compressed`.
    pub stored: Box<[u8]>,
    pub hash: u64,
    pub ns: Ns,
    pub compressed: bool,
    pub weight: u64,
    /// Absolute deadline from the TTL, or [`NEVER`].
    pub expires_at: u64,
    /// Time-to-idle in ms; 0 means none.
    pub idle_ms: u64,
    /// How long the entry is kept after it stops being fresh, for
    /// stale-while-revalidate and stale-if-error; 0 means not at all.
    pub stale_ms: u64,
    pub last_access: u64,
    pub tags: Box<[TagId]>,
}

impl Entry {
    /// When the entry stops being fresh: the earliest of the TTL and idle deadlines.
    pub(crate) fn fresh_until(&self) -> u64 {
        if self.idle_ms == 0 {
            self.expires_at
        } else {
            self.expires_at
                .min(self.last_access.saturating_add(self.idle_ms))
        }
    }

    /// When the entry is dropped: the end of its stale window.
    pub(crate) fn keep_until(&self) -> u64 {
        self.fresh_until().saturating_add(self.stale_ms)
    }

    pub(crate) fn is_fresh(&self, now: u64) -> bool {
        now < self.fresh_until()
    }

    /// Past its stale window too: must never be returned again.
    pub(crate) fn is_gone(&self, now: u64) -> bool {
        now >= self.keep_until()
    }
}

/// The weight charged for an entry.
pub(crate) fn weight_of(
    key_len: usize,
    stored_len: usize,
    tag_count: usize,
    tag_bytes: u64,
) -> u64 {
    (key_len as u64)
        .saturating_add(stored_len as u64)
        .saturating_add(ENTRY_OVERHEAD)
        .saturating_add((tag_count as u64).saturating_mul(TAG_OVERHEAD))
        .saturating_add(tag_bytes)
}
