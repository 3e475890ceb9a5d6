//! How a tiered cache lays its data out in a backend (L2). Stable: other
//! hosts and later releases read it.
//!
//! # Keys
//!
//! | record            | key                                     | value                         |
//! |-------------------|-----------------------------------------|-------------------------------|
//! | entry             | `<prefix>:<ns>:<key>`                   | an [`Envelope`](crate::codec::Envelope), or a chunk manifest |
//! | tag generation    | `<prefix>:tag:<ns>:<tag>`               | the generation, ASCII decimal u64 |
//! | lease             | `<prefix>:lease:<ns>:<key>`             | an opaque token               |
//! | chunk             | `<prefix>:chunk:<write id>:<index>`     | a slice of an encoded envelope |
//!
//! `<ns>` is the namespace name (the default namespace is `""`, giving
//! `<prefix>::<key>`). Namespace names may not contain `:` and may not be
//! `tag`, `lease` or `chunk`, so the four kinds never collide. Every key is
//! then passed through [`fit_key`] with the backend's `max_key_bytes`: a key
//! that is too long keeps its readable start and ends in `#` + 32 hex digits of
//! SHA-256 of the whole key.
//!
//! # Chunked entries
//!
//! When an encoded envelope is larger than the backend's `max_value_bytes`,
//! it is cut into chunks of `max_value_bytes` bytes, stored under chunk keys,
//! and the entry key holds a 48-byte manifest (little-endian):
//!
//! | offset | size | field                                                  |
//! |-------:|-----:|--------------------------------------------------------|
//! | 0      | 2    | magic `0xEC 0xCB` (an envelope starts `0xEC 0xCA`)     |
//! | 2      | 1    | version `1`                                            |
//! | 3      | 1    | flags, `0`                                             |
//! | 4      | 4    | chunk count                                            |
//! | 8      | 4    | total length of the joined envelope                    |
//! | 12     | 16   | write id (also in the chunk keys, 32 lowercase hex)    |
//! | 28     | 16   | first 16 bytes of SHA-256 of the joined envelope       |
//! | 44     | 4    | CRC-32/IEEE of bytes 0..44                             |
//!
//! Writers store every chunk before the manifest, so a reader never finds a
//! manifest whose chunks were not written. The write id is derived from the
//! entry key, the write time, a per-cache random number and the content, so
//! concurrent writers of one key never share chunk keys. A missing or altered
//! chunk makes the read a miss (and a counted error). Chunks left behind by an
//! overwrite or delete are collected by the backend TTL they were written with.

use sha2::{Digest, Sha256};

use crate::codec::crc32::crc32;
use crate::error::{CacheError, Result};
use crate::key::fit_key;

/// First two bytes of a chunk manifest.
pub const MANIFEST_MAGIC: [u8; 2] = [0xEC, 0xCB];
/// Bytes of an encoded manifest.
pub const MANIFEST_LEN: usize = 48;
const MANIFEST_VERSION: u8 = 1;
/// Namespace names reserved for internal records.
pub const RESERVED_NAMESPACES: [&str; 3] = ["tag", "lease", "chunk"];

/// Builds L2 keys for one cache (see the module docs).
#[derive(Debug, Clone)]
pub struct Layout {
    prefix: String,
    max_key_bytes: usize,
}

impl Layout {
    /// `prefix` must be non-empty, without `:` or control characters.
    pub fn new(prefix: &str, max_key_bytes: usize) -> Result<Self> {
        if prefix.is_empty() || prefix.contains(':') || prefix.chars().any(char::is_control) {
            return Err(CacheError::InvalidOption {
                name: "prefix",
                reason: "a non-empty name without `:` or control characters".to_string(),
            });
        }
        Ok(Layout {
            prefix: prefix.to_string(),
            max_key_bytes,
        })
    }

    fn fit(&self, key: String) -> String {
        fit_key(&key, self.max_key_bytes).into_owned()
    }

    /// `<prefix>:<ns>:<key>`, fitted.
    pub fn entry_key(&self, ns: &str, key: &str) -> String {
        self.fit(self.full_entry_key(ns, key))
    }

    /// `<prefix>:<ns>:<key>` before fitting: what sealed entries are bound to.
    pub fn full_entry_key(&self, ns: &str, key: &str) -> String {
        format!("{}:{ns}:{key}", self.prefix)
    }

    /// `<prefix>:tag:<ns>:<tag>`, fitted.
    pub fn tag_key(&self, ns: &str, tag: &str) -> String {
        self.fit(format!("{}:tag:{ns}:{tag}", self.prefix))
    }

    /// `<prefix>:lease:<ns>:<key>`, fitted.
    pub fn lease_key(&self, ns: &str, key: &str) -> String {
        self.fit(format!("{}:lease:{ns}:{key}", self.prefix))
    }

    /// `<prefix>:chunk:<write id hex>:<index>`, fitted.
    pub fn chunk_key(&self, write_id: &[u8; 16], index: u32) -> String {
        self.fit(format!("{}:chunk:{}:{index}", self.prefix, hex(write_id)))
    }

    /// Every entry key of `ns` starts with this: `<prefix>:<ns>:`.
    pub fn namespace_prefix(&self, ns: &str) -> String {
        format!("{}:{ns}:", self.prefix)
    }

    /// Every key of this cache starts with this: `<prefix>:`.
    pub fn cache_prefix(&self) -> String {
        format!("{}:", self.prefix)
    }
}

/// Checks a namespace name for use in L2 keys.
pub fn check_namespace(ns: &str) -> Result<()> {
    if ns.contains(':') || ns.chars().any(char::is_control) {
        return Err(CacheError::InvalidKey {
            reason: "a namespace may not contain `:` or control characters",
        });
    }
    if RESERVED_NAMESPACES.contains(&ns) {
        return Err(CacheError::InvalidKey {
            reason: "the namespaces `tag`, `lease` and `chunk` are reserved",
        });
    }
    Ok(())
}

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
    let too_large = CacheError::ValueTooLarge {
        size,
        limit: max_value.saturating_mul(u64::from(max_chunks)),
    };
    let chunk_size = usize::try_from(max_value).map_err(|_| too_large.clone())?;
    let count = envelope.len().div_ceil(chunk_size.max(1));
    let count = u32::try_from(count).map_err(|_| too_large.clone())?;
    if count > max_chunks {
        return Err(too_large);
    }
    let total_len = u32::try_from(envelope.len()).map_err(|_| too_large.clone())?;
    let digest = Sha256::digest(&envelope);
    let write_id = first16(
        &Sha256::new()
            .chain_update(entry_key.as_bytes())
            .chain_update(nonce.to_le_bytes())
            .chain_update(digest)
            .finalize(),
    );
    let chunks = envelope
        .chunks(chunk_size.max(1))
        .zip(0u32..)
        .map(|(part, i)| (layout.chunk_key(&write_id, i), part.to_vec()))
        .collect();
    let manifest = Manifest {
        chunk_count: count,
        total_len,
        write_id,
        digest: first16(&digest),
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
    pub write_id: [u8; 16],
    pub digest: [u8; 16],
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
        out.extend_from_slice(&self.write_id);
        out.extend_from_slice(&self.digest);
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
        let chunk_count = u32::from_le_bytes(array(field(4, 8)));
        if chunk_count == 0 {
            return Err(CacheError::corrupt("manifest without chunks"));
        }
        Ok(Manifest {
            chunk_count,
            total_len: u32::from_le_bytes(array(field(8, 12))),
            write_id: array(field(12, 28)),
            digest: array(field(28, 44)),
        })
    }

    /// Refuses a manifest no writer with these settings makes: more chunks
    /// than `max_chunks`, or more chunks than bytes (every chunk holds one).
    pub(crate) fn check_bounds(self, max_chunks: u32) -> Result<Manifest> {
        if self.chunk_count > max_chunks || self.chunk_count > self.total_len {
            return Err(CacheError::corrupt(
                "manifest claims more chunks than allowed or than it has bytes",
            ));
        }
        Ok(self)
    }

    pub(crate) fn chunk_keys(&self, layout: &Layout) -> Vec<String> {
        (0..self.chunk_count)
            .map(|i| layout.chunk_key(&self.write_id, i))
            .collect()
    }

    /// Joins the chunks read back; a missing chunk, wrong length or digest is corrupt.
    pub(crate) fn join(&self, chunks: Vec<Option<Vec<u8>>>) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for chunk in chunks {
            let chunk = chunk.ok_or(CacheError::corrupt("a chunk of the entry is missing"))?;
            if out.len().saturating_add(chunk.len()) > self.total_len as usize {
                return Err(CacheError::corrupt(
                    "chunks are longer than the manifest says",
                ));
            }
            out.extend_from_slice(&chunk);
        }
        if out.len() != self.total_len as usize {
            return Err(CacheError::corrupt(
                "chunks are shorter than the manifest says",
            ));
        }
        if first16(&Sha256::digest(&out)) != self.digest {
            return Err(CacheError::corrupt("chunk digest mismatch"));
        }
        Ok(out)
    }
}

fn first16(bytes: &[u8]) -> [u8; 16] {
    array(bytes.get(..16).unwrap_or_default())
}

/// The first N bytes, zero-padded when short (callers pass exact slices).
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.iter_mut().zip(bytes).for_each(|(o, b)| *o = *b);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::new("ec", 64).unwrap()
    }

    #[test]
    fn keys_follow_the_documented_layout() {
        let l = layout();
        assert_eq!(l.entry_key("app", "user:1"), "ec:app:user:1");
        assert_eq!(l.entry_key("", "k"), "ec::k");
        assert_eq!(l.tag_key("app", "users"), "ec:tag:app:users");
        assert_eq!(l.lease_key("app", "k"), "ec:lease:app:k");
        assert_eq!(
            l.chunk_key(&[0xab; 16], 3),
            format!("ec:chunk:{}:3", "ab".repeat(16))
        );
        let long = l.entry_key("app", &"x".repeat(100));
        assert_eq!(long.len(), 64);
        assert!(long.starts_with("ec:app:xxx"));
        assert!(Layout::new("a:b", 64).is_err());
        assert!(check_namespace("tag").is_err());
        assert!(check_namespace("a:b").is_err());
        assert!(check_namespace("").is_ok());
    }

    #[test]
    fn small_values_stay_single_and_large_ones_round_trip_through_chunks() {
        let l = layout();
        let small = plan(&l, "ec::k", vec![1; 100], 100, 8, 1).unwrap();
        assert_eq!(small, StoredForm::Single(vec![1; 100]));
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let StoredForm::Chunked { chunks, manifest } =
            plan(&l, "ec::k", data.clone(), 300, 8, 1).unwrap()
        else {
            panic!("expected chunks");
        };
        assert_eq!(chunks.len(), 4);
        assert_eq!(manifest.len(), MANIFEST_LEN);
        let m = Manifest::decode(&manifest).unwrap();
        assert_eq!(
            m.chunk_keys(&l),
            chunks.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()
        );
        let parts: Vec<_> = chunks.iter().map(|(_, v)| Some(v.clone())).collect();
        assert_eq!(m.join(parts.clone()).unwrap(), data);
        let mut missing = parts.clone();
        missing[2] = None;
        assert_eq!(m.join(missing).map_err(|e| e.code()), Err("CORRUPT_DATA"));
        let mut altered = parts;
        altered[0].as_mut().unwrap()[0] ^= 1;
        assert_eq!(m.join(altered).map_err(|e| e.code()), Err("CORRUPT_DATA"));
        // Another writer (another nonce) gets other chunk keys.
        let StoredForm::Chunked { chunks: other, .. } = plan(&l, "ec::k", data, 300, 8, 2).unwrap()
        else {
            panic!("expected chunks");
        };
        assert_ne!(other[0].0, chunks[0].0);
    }

    #[test]
    fn too_many_chunks_is_value_too_large_and_manifest_decoding_is_total() {
        let l = layout();
        let err = plan(&l, "k", vec![0; 1000], 100, 5, 0).unwrap_err();
        assert_eq!(err.code(), "VALUE_TOO_LARGE");
        let StoredForm::Chunked { manifest, .. } = plan(&l, "k", vec![0; 1000], 600, 5, 0).unwrap()
        else {
            panic!("expected chunks");
        };
        for cut in 0..manifest.len() {
            assert!(Manifest::decode(&manifest[..cut]).is_err());
        }
        let mut flipped = manifest.clone();
        flipped[10] ^= 1;
        assert!(Manifest::decode(&flipped).is_err());
        let mut newer = manifest;
        newer[2] = 2;
        assert_eq!(
            Manifest::decode(&newer).map_err(|e| e.code()),
            Err("UNSUPPORTED_VERSION")
        );
    }
}
