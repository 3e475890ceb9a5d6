//! Size bounds of what a tiered cache reads from L2, derived once from its
//! settings: the largest record of each kind that this cache (or any cache
//! with the same settings) can have written. Every L2 read carries its bound
//! to the backend, which checks it before copying the answer into wasm memory
//! (memory that never shrinks); an answer over it is a counted corrupt read.

use crate::backend::BackendCaps;
use crate::codec::EnvelopeLimits;
use crate::codec::envelope::{HEADER_LEN, TRAILER_LEN};
use crate::memory::{MAX_TAG_BYTES, MemoryConfig};
use crate::tiered::layout::MANIFEST_LEN;
use crate::tiered::seal::SEAL_OVERHEAD;

/// A stored tag generation: 20 digits, `#`, 8 hex digits (29), sealed or not.
const GENERATION_BYTES: u64 = 29 + SEAL_OVERHEAD as u64;
/// A stored lease: a token and an expiry (at most 40 bytes), sealed or not.
const LEASE_BYTES: u64 = 40 + SEAL_OVERHEAD as u64;

/// The bounds of one cache (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReadBounds {
    /// The whole (sealed) envelope of one entry, joined from chunks or not.
    pub envelope: u64,
    /// One value under an entry key: an envelope or a manifest, within the backend's limit.
    pub entry_record: u64,
    pub generation: u64,
    pub lease: u64,
}

/// Envelope limits no wider than what this cache accepts in a write: the
/// payload is inflated to at most `maxValueBytes`, never a larger fixed bound.
pub(crate) fn envelope_limits(limits: EnvelopeLimits, memory: &MemoryConfig) -> EnvelopeLimits {
    let max_value = usize::try_from(memory.max_value_bytes).unwrap_or(usize::MAX);
    EnvelopeLimits {
        max_payload: limits.max_payload.min(max_value),
        max_tags: limits.max_tags.min(memory.max_tags_per_entry),
        max_tag_len: limits.max_tag_len.min(MAX_TAG_BYTES),
    }
}

impl ReadBounds {
    pub(crate) fn new(limits: &EnvelopeLimits, caps: &BackendCaps) -> Self {
        // A stored payload is never longer than the value: compression is
        // only kept when it saves bytes.
        let tag_bytes = (limits.max_tag_len as u64).saturating_add(2 + 8);
        let envelope = ((HEADER_LEN + TRAILER_LEN + SEAL_OVERHEAD) as u64)
            .saturating_add((limits.max_tags as u64).saturating_mul(tag_bytes))
            .saturating_add(limits.max_payload as u64);
        let manifest = (MANIFEST_LEN + SEAL_OVERHEAD) as u64;
        ReadBounds {
            envelope,
            entry_record: envelope.max(manifest).min(caps.max_value_bytes),
            generation: GENERATION_BYTES,
            lease: LEASE_BYTES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_max_value_bytes_and_the_backend() {
        let memory = MemoryConfig {
            max_value_bytes: 1000,
            ..MemoryConfig::default()
        };
        let limits = envelope_limits(EnvelopeLimits::default(), &memory);
        assert_eq!(limits.max_payload, 1000);
        let b = ReadBounds::new(&limits, &BackendCaps::unlimited());
        assert!(b.envelope > 1000 && b.envelope < 1000 + 64 * 300 + 100);
        assert_eq!(b.entry_record, b.envelope);
        let tiny = BackendCaps {
            max_value_bytes: 256,
            ..BackendCaps::unlimited()
        };
        assert_eq!(ReadBounds::new(&limits, &tiny).entry_record, 256);
    }
}
