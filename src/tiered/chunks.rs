//! Chunked entries (layout 2): an encoded envelope larger than the backend's
//! `max_value_bytes` is cut into chunks linked by a hash chain, so a reader
//! fetches and verifies them one at a time against lengths and hashes the
//! manifest commits to, and never holds more than the manifest's total (itself
//! bounded by what this cache can write). See [`crate::tiered::layout`].
//!
//! # Manifest, version 2 (52 bytes, little-endian, under the entry key)
//!
//! | offset | size | field                                                  |
//! |-------:|-----:|--------------------------------------------------------|
//! | 0      | 2    | magic `0xEC 0xCB` (an envelope starts `0xEC 0xCA`)     |
//! | 2      | 1    | version `2`                                            |
//! | 3      | 1    | flags, `0`                                             |
//! | 4      | 4    | chunk count `n` (at least 1)                           |
//! | 8      | 4    | total length of the joined envelope                    |
//! | 12     | 4    | chunk length `c`: data bytes of every chunk but the last |
//! | 16     | 16   | write id (also in the chunk keys, 32 lowercase hex)    |
//! | 32     | 16   | link of chunk 0                                        |
//! | 48     | 4    | CRC-32/IEEE of bytes 0..48                             |
//!
//! Chunk `i < n - 1` holds `c` data bytes then the 16-byte link of chunk
//! `i + 1`; the last holds the remaining `total - (n - 1) * c` data bytes
//! (1 to `c`) alone. The link of chunk `i` is the first 16 bytes of
//! SHA-256(`"edgecache chunk v2"` ‖ u32le(i) ‖ the chunk's stored bytes): the
//! manifest's link covers chunk 0, whose stored link covers chunk 1, and so
//! on, so every chunk is checked against the manifest before it is appended.
//! With signing or encryption the manifest is sealed, so the chain is
//! authenticated chunk by chunk; the joined bytes are the sealed envelope and
//! are opened once more after joining.
//!
//! Version 1 manifests (48 bytes, one digest over the joined chunks, written
//! before layout 2) could only be checked after every chunk was fetched: they
//! are read as a counted corrupt miss, and the next write replaces them.

use sha2::{Digest, Sha256};

use crate::codec::crc32::crc32;
use crate::error::{CacheError, Result};
use crate::tiered::layout::Layout;

/// First two bytes of a chunk manifest.
pub const MANIFEST_MAGIC: [u8; 2] = [0xEC, 0xCB];
/// Bytes of an encoded manifest.
pub const MANIFEST_LEN: usize = 52;
const MANIFEST_VERSION: u8 = 2;
/// Bytes of a link (a truncated SHA-256).
pub const LINK_LEN: usize = 16;
const LINK_LABEL: &[u8] = b"edgecache chunk v2";

/// How one encoded envelope is written to L2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoredForm {
    /// The envelope fits in one value.
    Single(Vec<u8>),
    /// Chunks first (in batches), then the manifest under the entry key.
    Chunked {
        chunks: Vec<(String, Vec<u8>)>,
        manifest: Vec<u8>,
    },
}

fn link(index: u32, stored: &[u8]) -> [u8; LINK_LEN] {
    let digest = Sha256::new()
        .chain_update(LINK_LABEL)
        .chain_update(index.to_le_bytes())
        .chain_update(stored)
        .finalize();
    array(digest.get(..LINK_LEN).unwrap_or_default())
}

/// Splits `envelope` for a backend holding at most `max_value` bytes per value.
pub(crate) fn plan(
    layout: &Layout,
    entry_key: &str,
    envelope: Vec<u8>,
    max_value: u64,
    max_chunks: u32,
    nonce: u64,
) -> Result<StoredForm> {
    let size = envelope.len() as u64;
    if size <= max_value {
        return Ok(StoredForm::Single(envelope));
    }
    let data_per_chunk = max_value.saturating_sub(LINK_LEN as u64);
    let too_large = CacheError::ValueTooLarge {
        size,
        limit: data_per_chunk.saturating_mul(u64::from(max_chunks)),
    };
    let chunk_len = usize::try_from(data_per_chunk)
        .ok()
        .filter(|&c| c > 0)
        .ok_or(too_large.clone())?;
    let count = u32::try_from(envelope.len().div_ceil(chunk_len)).map_err(|_| too_large.clone())?;
    if count > max_chunks {
        return Err(too_large);
    }
    let total_len = u32::try_from(envelope.len()).map_err(|_| too_large.clone())?;
    let chunk_len32 = u32::try_from(chunk_len).map_err(|_| too_large.clone())?;
    let write_id = array(
        Sha256::new()
            .chain_update(entry_key.as_bytes())
            .chain_update(nonce.to_le_bytes())
            .chain_update(Sha256::digest(&envelope))
            .finalize()
            .get(..16)
            .unwrap_or_default(),
    );
    // Built from the last chunk back: each stored chunk ends with its successor's link.
    let mut stored: Vec<Vec<u8>> = Vec::with_capacity(count as usize);
    let mut next: Option<[u8; LINK_LEN]> = None;
    for (part, i) in envelope.chunks(chunk_len).zip(0..count).rev() {
        let mut record = Vec::with_capacity(part.len().saturating_add(LINK_LEN));
        record.extend_from_slice(part);
        if let Some(next) = next {
            record.extend_from_slice(&next);
        }
        next = Some(link(i, &record));
        stored.push(record);
    }
    stored.reverse();
    let chunks = stored
        .into_iter()
        .zip(0u32..)
        .map(|(record, i)| (layout.chunk_key(&write_id, i), record))
        .collect();
    let manifest = Manifest {
        chunk_count: count,
        total_len,
        chunk_len: chunk_len32,
        write_id,
        head: next.unwrap_or_default(),
    };
    Ok(StoredForm::Chunked {
        chunks,
        manifest: manifest.encode(),
    })
}

/// The index record of a chunked entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Manifest {
    pub chunk_count: u32,
    pub total_len: u32,
    pub chunk_len: u32,
    pub write_id: [u8; 16],
    pub head: [u8; LINK_LEN],
}

impl Manifest {
    pub(crate) fn is_manifest(bytes: &[u8]) -> bool {
        bytes.starts_with(&MANIFEST_MAGIC)
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MANIFEST_LEN);
        out.extend_from_slice(&MANIFEST_MAGIC);
        out.push(MANIFEST_VERSION);
        out.push(0);
        out.extend_from_slice(&self.chunk_count.to_le_bytes());
        out.extend_from_slice(&self.total_len.to_le_bytes());
        out.extend_from_slice(&self.chunk_len.to_le_bytes());
        out.extend_from_slice(&self.write_id);
        out.extend_from_slice(&self.head);
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Total: any bytes give a manifest or an error.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Manifest> {
        if !Self::is_manifest(bytes) {
            return Err(CacheError::corrupt("not a chunk manifest"));
        }
        let version = bytes.get(2).copied().unwrap_or(0);
        if version != MANIFEST_VERSION {
            return Err(CacheError::UnsupportedVersion { version });
        }
        let bytes: &[u8; MANIFEST_LEN] = bytes
            .try_into()
            .map_err(|_| CacheError::corrupt("manifest has the wrong length"))?;
        let (body, trailer) = bytes.split_at(MANIFEST_LEN - 4);
        if u32::from_le_bytes(array(trailer)) != crc32(body) || body.get(3) != Some(&0) {
            return Err(CacheError::corrupt("manifest checksum mismatch"));
        }
        let field = |from: usize, to: usize| body.get(from..to).unwrap_or_default();
        Ok(Manifest {
            chunk_count: u32::from_le_bytes(array(field(4, 8))),
            total_len: u32::from_le_bytes(array(field(8, 12))),
            chunk_len: u32::from_le_bytes(array(field(12, 16))),
            write_id: array(field(16, 32)),
            head: array(field(32, 48)),
        })
    }

    /// Refuses a manifest no writer with these settings makes, before any
    /// chunk is fetched: more than `max_chunks` chunks, chunks (with their
    /// link) over the backend's value limit, a total over `max_total` (the
    /// largest envelope this cache writes), or lengths that do not add up.
    pub(crate) fn check_bounds(
        self,
        max_chunks: u32,
        max_value: u64,
        max_total: u64,
    ) -> Result<Manifest> {
        let (n, c, total) = (
            u64::from(self.chunk_count),
            u64::from(self.chunk_len),
            u64::from(self.total_len),
        );
        let adds_up =
            n >= 1 && c >= 1 && (n - 1).saturating_mul(c) < total && total <= n.saturating_mul(c);
        if !adds_up
            || self.chunk_count > max_chunks
            || c.saturating_add(LINK_LEN as u64) > max_value
            || total > max_total
        {
            return Err(CacheError::corrupt(
                "manifest claims more chunks or bytes than this cache writes",
            ));
        }
        Ok(self)
    }

    /// The stored length of chunk `index`: its data, plus a link unless last.
    pub(crate) fn stored_len(&self, index: u32) -> u64 {
        let last = index.saturating_add(1) >= self.chunk_count;
        if last {
            let before = u64::from(self.chunk_count.saturating_sub(1))
                .saturating_mul(u64::from(self.chunk_len));
            u64::from(self.total_len).saturating_sub(before)
        } else {
            u64::from(self.chunk_len).saturating_add(LINK_LEN as u64)
        }
    }

    pub(crate) fn chunk_key(&self, layout: &Layout, index: u32) -> String {
        layout.chunk_key(&self.write_id, index)
    }

    /// A joiner that accepts chunks 0, 1, … in order.
    pub(crate) fn joiner(&self) -> Joiner {
        Joiner {
            manifest: *self,
            next: 0,
            expected: self.head,
            out: Vec::new(),
        }
    }
}

/// Verifies chunks one at a time against the chain and appends their data.
pub(crate) struct Joiner {
    manifest: Manifest,
    next: u32,
    expected: [u8; LINK_LEN],
    out: Vec<u8>,
}

impl Joiner {
    /// Index of the chunk wanted next, or `None` when complete.
    pub(crate) fn wanted(&self) -> Option<u32> {
        (self.next < self.manifest.chunk_count).then_some(self.next)
    }

    /// Checks the next chunk's length and link, then keeps its data.
    pub(crate) fn push(&mut self, stored: &[u8]) -> Result<()> {
        let index = self.next;
        if stored.len() as u64 != self.manifest.stored_len(index) {
            return Err(CacheError::corrupt("a chunk has the wrong length"));
        }
        if link(index, stored) != self.expected {
            return Err(CacheError::corrupt("a chunk does not match its link"));
        }
        let last = index.saturating_add(1) >= self.manifest.chunk_count;
        let (data, next) = if last {
            (stored, &[][..])
        } else {
            stored.split_at(stored.len().saturating_sub(LINK_LEN))
        };
        if self.out.is_empty() {
            self.out.reserve_exact(self.manifest.total_len as usize);
        }
        self.out.extend_from_slice(data);
        self.expected = array(next);
        self.next = index.saturating_add(1);
        Ok(())
    }

    /// The joined bytes once every chunk was pushed.
    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        if self.wanted().is_some() || self.out.len() as u64 != u64::from(self.manifest.total_len) {
            return Err(CacheError::corrupt("chunks are missing"));
        }
        Ok(self.out)
    }
}

/// The first N bytes, zero-padded when short (callers pass exact slices).
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.iter_mut().zip(bytes).for_each(|(o, b)| *o = *b);
    out
}

#[cfg(test)]
#[path = "chunks_tests.rs"]
mod tests;
