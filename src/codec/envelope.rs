//! The entry envelope: how one cache entry is laid out in a backend (L2).
//!
//! The format is stable and versioned: an entry written by the npm build is
//! read by the WASI component and back, and a reader in another language can
//! be written from this page alone. The backend's own TTL is only a garbage
//! collection hint; the envelope carries the logical expiry.
//!
//! # Format, version 1
//!
//! All integers are unsigned and **little-endian**. Times are milliseconds
//! since the Unix epoch (UTC). Offsets are in bytes.
//!
//! | offset | size | field         | meaning                                                        |
//! |-------:|-----:|---------------|----------------------------------------------------------------|
//! | 0      | 2    | `magic`       | `0xEC 0xCA`                                                    |
//! | 2      | 1    | `version`     | `1`                                                            |
//! | 3      | 1    | `flags`       | bit set, below                                                 |
//! | 4      | 8    | `created_at`  | when the entry was written (informational)                     |
//! | 12     | 8    | `expires_at`  | end of freshness (exclusive); `0` when `HAS_EXPIRY` is clear   |
//! | 20     | 8    | `stale_until` | end of the stale window (exclusive); `0` when `HAS_STALE` is clear |
//! | 28     | 4    | `payload_len` | length of the payload after decompression                     |
//! | 32     | 4    | `stored_len`  | length of the payload as stored (compressed or not)            |
//! | 36     | 2    | `tag_count`   | number of tag records that follow                              |
//! | 38     | …    | tags          | `tag_count` records: `name_len: u16`, `name: name_len` bytes of UTF-8, `generation: u64` |
//! | …      | `stored_len` | payload | the value bytes; a zlib stream (RFC 1950) when `COMPRESSED` |
//! | end−4  | 4    | `crc32`       | CRC-32/IEEE of every byte before it (offset 0 to end−4)        |
//!
//! The smallest envelope (no tags, empty payload) is 42 bytes.
//!
//! Flags (bit 0 is the least significant):
//! - bit 0 `COMPRESSED` (`0x01`): the stored payload is a zlib stream whose
//!   decompressed length is `payload_len`.
//! - bit 1 `HAS_EXPIRY` (`0x02`): `expires_at` is meaningful. Clear = never expires.
//! - bit 2 `HAS_STALE` (`0x04`): `stale_until` is meaningful. Requires `HAS_EXPIRY`.
//! - bits 3–7: reserved, always 0 in version 1.
//!
//! CRC-32/IEEE: reflected polynomial `0xEDB88320`, init and final XOR
//! `0xFFFFFFFF` (zlib's `crc32`, Go's `crc32.ChecksumIEEE`); `"123456789"`
//! gives `0xCBF43926`.
//!
//! ## Rules for writers
//! - Set exactly the flags that describe the entry; reserved bits are 0; an
//!   absent `expires_at` or `stale_until` is written as 0.
//! - `stale_until` requires `expires_at` and is `>= expires_at`.
//! - Uncompressed: `payload_len == stored_len`. Compress only when it saves bytes.
//! - Tag names may be empty and may repeat; their order is kept.
//!
//! ## Rules for readers, in this order
//! 1. Fewer than 2 bytes, or `magic` differs: corrupt (foreign data).
//! 2. No version byte: corrupt. `version != 1`: **unsupported version** (the
//!    entry came from a newer writer; treat it as a miss, do not guess). The
//!    version is checked before the checksum because a future version may
//!    move or change it.
//! 3. Fewer than 42 bytes, or `crc32` mismatch: corrupt.
//! 4. Any reserved flag bit set: corrupt. A version-1 writer never sets one, and
//!    any change of meaning gets a new version, so such data cannot be trusted.
//! 5. A nonzero absent time, `HAS_STALE` without `HAS_EXPIRY`,
//!    `stale_until < expires_at`, or uncompressed with `payload_len != stored_len`: corrupt.
//! 6. Reader limits (chosen by the reader, see [`EnvelopeLimits`]):
//!    `payload_len` above the payload limit: value too large; `tag_count` or a
//!    `name_len` above their limits: limit exceeded. Checked before allocating.
//! 7. Tags, payload and trailer must consume the bytes exactly; a tag name must
//!    be valid UTF-8: otherwise corrupt.
//! 8. A compressed payload is inflated with an output limit of `payload_len`:
//!    more output is a decompression-limit error; invalid zlib, a bad Adler-32
//!    or fewer than `payload_len` bytes is corrupt.
//!
//! Freshness: with `HAS_EXPIRY`, an entry is fresh while `now < expires_at`;
//! it may be served stale while `expires_at <= now < stale_until`.
//!
//! ## Worked example
//! `created_at = 1_700_000_000_000`, `expires_at = 1_700_000_060_000`,
//! `stale_until = 1_700_000_120_000`, one tag `("user:42", 7)`, payload
//! `"hello"` uncompressed encodes to these 64 bytes (hex, `|` between fields):
//! ```text
//! ecca | 01 | 06 | 0068e5cf8b010000 | 6052e6cf8b010000 | c03ce7cf8b010000
//! 05000000 | 05000000 | 0100 | 0700 757365723a3432 0700000000000000
//! 68656c6c6f | 00a9c443
//! ```

use super::compress::{Compression, decompress, maybe_compress};
use super::crc32::crc32;
use crate::error::{CacheError, Result};

/// First two bytes of every envelope. `0xEC` can never start UTF-8 text
/// followed by `0xCA`, so JSON or plain strings are never mistaken for one.
pub const MAGIC: [u8; 2] = [0xEC, 0xCA];
/// The format version this code writes and reads.
pub const VERSION: u8 = 1;
/// Flag: the payload is stored as a zlib stream.
pub const FLAG_COMPRESSED: u8 = 0x01;
/// Flag: `expires_at` is present.
pub const FLAG_HAS_EXPIRY: u8 = 0x02;
/// Flag: `stale_until` is present.
pub const FLAG_HAS_STALE: u8 = 0x04;
const KNOWN_FLAGS: u8 = FLAG_COMPRESSED | FLAG_HAS_EXPIRY | FLAG_HAS_STALE;
/// Bytes before the first tag record.
pub const HEADER_LEN: usize = 38;
/// Bytes of the CRC-32 trailer.
pub const TRAILER_LEN: usize = 4;

/// One cache entry as stored in a backend. The payload is always the
/// decompressed value; compression is an encoding detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// When the entry was written (epoch ms).
    pub created_at: u64,
    /// End of freshness (epoch ms, exclusive); `None` = never expires.
    pub expires_at: Option<u64>,
    /// End of the stale-while-revalidate / stale-if-error window (epoch ms,
    /// exclusive); only with `expires_at`, and never before it.
    pub stale_until: Option<u64>,
    /// Tags with the generation each had when the entry was written; a tag
    /// invalidation bumps the generation, which makes older entries stale.
    pub tags: Vec<(String, u64)>,
    /// The value bytes.
    pub payload: Vec<u8>,
}

/// What a reader accepts, checked before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeLimits {
    /// Largest decompressed payload, in bytes (also the decompression-bomb limit).
    pub max_payload: usize,
    /// Most tags on one entry.
    pub max_tags: usize,
    /// Longest tag name, in bytes.
    pub max_tag_len: usize,
}

impl Default for EnvelopeLimits {
    /// 25 MiB payload (the largest Workers KV value), 64 tags of 256 bytes.
    fn default() -> Self {
        EnvelopeLimits {
            max_payload: 25 * 1024 * 1024,
            max_tags: 64,
            max_tag_len: 256,
        }
    }
}

impl Envelope {
    /// Encodes the entry, compressing the payload per `compression` (the
    /// `COMPRESSED` flag records whether it was).
    ///
    /// Errors: `stale_until` without `expires_at` or before it
    /// ([`CacheError::InvalidTtl`]); more than 65 535 tags or a tag name over
    /// 65 535 bytes ([`CacheError::LimitExceeded`]); a payload over 4 GiB − 1
    /// or too large to allocate ([`CacheError::ValueTooLarge`]). Reader limits
    /// are not applied here: the caller knows its backend's value limit.
    pub fn encode(&self, compression: &Compression) -> Result<Vec<u8>> {
        let mut flags = 0u8;
        if self.expires_at.is_some() {
            flags |= FLAG_HAS_EXPIRY;
        }
        match (self.expires_at, self.stale_until) {
            (_, None) => {}
            (None, Some(_)) => {
                return Err(CacheError::invalid_ttl("stale_until requires expires_at"));
            }
            (Some(expires), Some(stale)) if stale < expires => {
                return Err(CacheError::invalid_ttl("stale_until is before expires_at"));
            }
            (Some(_), Some(_)) => flags |= FLAG_HAS_STALE,
        }
        let tag_count = u16::try_from(self.tags.len()).map_err(|_| CacheError::LimitExceeded {
            what: "tags",
            limit: u64::from(u16::MAX),
        })?;
        let payload_len =
            u32::try_from(self.payload.len()).map_err(|_| too_large(self.payload.len()))?;

        let packed = maybe_compress(&self.payload, compression);
        if packed.is_some() {
            flags |= FLAG_COMPRESSED;
        }
        let stored = packed.as_deref().unwrap_or(&self.payload);
        // Compression only happens when it shrinks, so this fits when payload_len does.
        let stored_len = u32::try_from(stored.len()).map_err(|_| too_large(stored.len()))?;

        let mut size = HEADER_LEN
            .saturating_add(stored.len())
            .saturating_add(TRAILER_LEN);
        for (name, _) in &self.tags {
            size = size.saturating_add(name.len()).saturating_add(10);
        }
        let mut out = Vec::new();
        // try_reserve: a huge entry becomes an error, not an allocation abort.
        out.try_reserve_exact(size).map_err(|_| too_large(size))?;

        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.push(flags);
        out.extend_from_slice(&self.created_at.to_le_bytes());
        out.extend_from_slice(&self.expires_at.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.stale_until.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&payload_len.to_le_bytes());
        out.extend_from_slice(&stored_len.to_le_bytes());
        out.extend_from_slice(&tag_count.to_le_bytes());
        for (name, generation) in &self.tags {
            let name_len = u16::try_from(name.len()).map_err(|_| CacheError::LimitExceeded {
                what: "bytes in a tag name",
                limit: u64::from(u16::MAX),
            })?;
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&generation.to_le_bytes());
        }
        out.extend_from_slice(stored);
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        Ok(out)
    }

    /// Decodes an envelope read from a backend; the payload comes back
    /// decompressed. Total: any byte string gives `Ok` or a typed error
    /// ([`CacheError::CorruptData`], [`CacheError::UnsupportedVersion`],
    /// [`CacheError::ValueTooLarge`], [`CacheError::LimitExceeded`],
    /// [`CacheError::DecompressionLimit`]), following the reader rules in the
    /// module documentation.
    pub fn decode(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
        Self::decode_with(bytes, limits, true)
    }

    /// [`Envelope::decode`] without producing the payload (left empty): every
    /// check but inflation. Lets a reader decide whether it wants the value
    /// (expiry, tags) before it spends `payload_len` bytes on it.
    pub fn decode_head(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
        Self::decode_with(bytes, limits, false)
    }

    fn decode_with(bytes: &[u8], limits: &EnvelopeLimits, inflate: bool) -> Result<Envelope> {
        let mut r = Reader(bytes);
        if r.take(MAGIC.len()).ok() != Some(&MAGIC[..]) {
            return Err(CacheError::corrupt("not an edgecache envelope"));
        }
        let version = r.u8()?;
        if version != VERSION {
            return Err(CacheError::UnsupportedVersion { version });
        }
        let (body, trailer) = bytes
            .split_at_checked(bytes.len().saturating_sub(TRAILER_LEN))
            .filter(|(body, _)| body.len() >= HEADER_LEN)
            .ok_or(CacheError::corrupt("envelope is truncated"))?;
        if Reader(trailer).u32()? != crc32(body) {
            return Err(CacheError::corrupt("envelope checksum mismatch"));
        }

        // From here on only the checksummed body is parsed.
        let mut r = Reader(body);
        r.take(MAGIC.len() + 1)?;
        let flags = r.u8()?;
        let created_at = r.u64()?;
        let expires_raw = r.u64()?;
        let stale_raw = r.u64()?;
        let payload_len = r.u32()?;
        let stored_len = r.u32()?;
        let tag_count = r.u16()?;

        if flags & !KNOWN_FLAGS != 0 {
            return Err(CacheError::corrupt("envelope has unknown flags"));
        }
        let expires_at = optional(flags & FLAG_HAS_EXPIRY != 0, expires_raw)?;
        let stale_until = optional(flags & FLAG_HAS_STALE != 0, stale_raw)?;
        match (expires_at, stale_until) {
            (None, Some(_)) => return Err(CacheError::corrupt("stale_until without expires_at")),
            (Some(e), Some(s)) if s < e => {
                return Err(CacheError::corrupt("stale_until is before expires_at"));
            }
            _ => {}
        }
        let compressed = flags & FLAG_COMPRESSED != 0;
        if !compressed && payload_len != stored_len {
            return Err(CacheError::corrupt("payload length mismatch"));
        }

        let payload_len = usize::try_from(payload_len).map_err(|_| too_large(usize::MAX))?;
        if payload_len > limits.max_payload {
            return Err(CacheError::ValueTooLarge {
                size: payload_len as u64,
                limit: limits.max_payload as u64,
            });
        }
        if usize::from(tag_count) > limits.max_tags {
            return Err(CacheError::LimitExceeded {
                what: "tags",
                limit: limits.max_tags as u64,
            });
        }

        let mut tags = Vec::with_capacity(usize::from(tag_count));
        for _ in 0..tag_count {
            let name_len = usize::from(r.u16()?);
            if name_len > limits.max_tag_len {
                return Err(CacheError::LimitExceeded {
                    what: "bytes in a tag name",
                    limit: limits.max_tag_len as u64,
                });
            }
            let name = core::str::from_utf8(r.take(name_len)?)
                .map_err(|_| CacheError::corrupt("tag name is not UTF-8"))?;
            tags.push((name.to_owned(), r.u64()?));
        }

        let stored = r.0;
        if u32::try_from(stored.len()).ok() != Some(stored_len) {
            return Err(CacheError::corrupt("payload length mismatch"));
        }
        let payload = if !inflate {
            Vec::new()
        } else if compressed {
            let out = decompress(stored, payload_len)?;
            if out.len() != payload_len {
                return Err(CacheError::corrupt("payload length mismatch"));
            }
            out
        } else {
            stored.to_vec()
        };

        Ok(Envelope {
            created_at,
            expires_at,
            stale_until,
            tags,
            payload,
        })
    }

    /// Fresh: never expires, or `now` is before `expires_at`.
    pub fn is_fresh(&self, now: u64) -> bool {
        self.expires_at.is_none_or(|expires| now < expires)
    }

    /// Expired but still inside the stale window (`expires_at <= now < stale_until`):
    /// may be served while it is revalidated, or when the origin fails.
    pub fn is_servable_stale(&self, now: u64) -> bool {
        match (self.expires_at, self.stale_until) {
            (Some(expires), Some(stale)) => expires <= now && now < stale,
            _ => false,
        }
    }
}

fn too_large(size: usize) -> CacheError {
    CacheError::ValueTooLarge {
        size: size as u64,
        limit: u64::from(u32::MAX),
    }
}

/// A present field is taken as is; an absent one must have been written as 0.
fn optional(present: bool, raw: u64) -> Result<Option<u64>> {
    match (present, raw) {
        (true, value) => Ok(Some(value)),
        (false, 0) => Ok(None),
        (false, _) => Err(CacheError::corrupt("absent time field is not zero")),
    }
}

/// Reads little-endian fields off the front of a slice, never past its end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let (head, rest) = self
            .0
            .split_at_checked(n)
            .ok_or(CacheError::corrupt("envelope is truncated"))?;
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?
            .try_into()
            .map_err(|_| CacheError::corrupt("envelope is truncated"))
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
