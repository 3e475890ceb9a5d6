//! Validating a write: [`Prepared`] is everything a write will store
//! (compressed value, deadlines, distinct tags, weight), computed before the
//! tier changes, so a refused write leaves it untouched.

use crate::codec::Compression;
use crate::error::{CacheError, Result};
use crate::key::validate_key;
use crate::memory::config::{MAX_TAG_BYTES, SetOptions};
use crate::memory::entry::{NEVER, weight_of};
use crate::memory::namespaces::Ns;
use crate::memory::tier::MemoryTier;
use crate::ttl::MAX_TTL_MS;

/// What a write stores: bytes the tier keeps, or a value the host keeps by
/// slot (a JS value: nothing crosses), charged `charge` bytes as the host
/// declares its size.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// Bytes the tier copies and keeps.
    Bytes(&'a [u8]),
    /// A value the host keeps by slot.
    Held {
        /// Its weight in bytes, as the host declares it.
        charge: u64,
    },
}

/// A validated write, ready to store.
pub(crate) struct Prepared<'a> {
    pub ns: Ns,
    pub key: &'a str,
    pub hash: u64,
    pub stored: Box<[u8]>,
    pub compressed: bool,
    pub held: bool,
    pub expires_at: u64,
    pub idle_ms: u64,
    pub stale_ms: u64,
    /// Distinct tags; `None` keeps the tags of an existing entry.
    pub tags: Option<Vec<&'a str>>,
    pub weight: u64,
}

impl MemoryTier {
    /// Validates a write and computes what will be stored, changing nothing.
    pub(crate) fn prepare<'a>(
        &self,
        ns: Ns,
        key: &'a str,
        value: Value<'_>,
        opts: &SetOptions<'a>,
        now: u64,
    ) -> Result<Prepared<'a>> {
        self.namespaces.check(ns)?;
        validate_key(key, self.config.max_key_bytes)?;
        let size = match value {
            Value::Bytes(bytes) => bytes.len() as u64,
            Value::Held { charge } => charge,
        };
        if size > self.config.max_value_bytes {
            return Err(CacheError::ValueTooLarge {
                size,
                limit: self.config.max_value_bytes,
            });
        }
        // A heap sort: far less wasm than a second `sort_unstable` copy.
        let mut tags = std::collections::BinaryHeap::from(opts.tags.to_vec()).into_sorted_vec();
        tags.dedup();
        self.check_tags(&tags)?;
        let ttl = opts.ttl.resolve(self.config.default_ttl_ms)?;
        let stale_ms = opts.stale_ms.unwrap_or(0);
        if stale_ms > MAX_TTL_MS {
            return Err(CacheError::invalid_ttl(format!(
                "a stale window of {stale_ms} ms exceeds the maximum of {MAX_TTL_MS} ms"
            )));
        }
        let idle = opts.idle.resolve(self.config.default_idle_ms)?;
        let (stored, compressed, held) = match value {
            Value::Held { .. } => (Box::default(), false, true),
            Value::Bytes(bytes) => {
                let (stored, compressed) = stored_form(bytes, &self.config.compression);
                (stored, compressed, false)
            }
        };
        let charged = if held { size } else { stored.len() as u64 };
        let tag_bytes = tags.iter().map(|t| t.len() as u64).sum();
        let weight = weight_of(key.len(), charged, tags.len(), tag_bytes);
        if weight > self.config.max_bytes {
            return Err(CacheError::ValueTooLarge {
                size: weight,
                limit: self.config.max_bytes,
            });
        }
        Ok(Prepared {
            ns,
            key,
            hash: self.hash(ns, key),
            stored,
            compressed,
            held,
            expires_at: ttl.map_or(NEVER, |ms| now.saturating_add(ms)),
            idle_ms: idle.unwrap_or(0),
            stale_ms,
            tags: Some(tags),
            weight,
        })
    }

    fn check_tags(&self, tags: &[&str]) -> Result<()> {
        if tags.len() > self.config.max_tags_per_entry {
            return Err(CacheError::LimitExceeded {
                what: "tags on one entry",
                limit: self.config.max_tags_per_entry as u64,
            });
        }
        for tag in tags {
            if tag.is_empty() || tag.len() > MAX_TAG_BYTES || tag.chars().any(char::is_control) {
                return Err(CacheError::InvalidOption {
                    name: "tags",
                    reason: format!(
                        "a tag is 1 to {MAX_TAG_BYTES} bytes without control characters"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The bytes stored for a value and whether they are deflated.
#[cfg(feature = "l1-deflate")]
fn stored_form(bytes: &[u8], compression: &Compression) -> (Box<[u8]>, bool) {
    match crate::codec::compress::maybe_compress(bytes, compression) {
        Some(deflated) => (deflated.into_boxed_slice(), true),
        None => (Box::from(bytes), false),
    }
}

/// Without the `l1-deflate` feature values are stored as they are.
#[cfg(not(feature = "l1-deflate"))]
fn stored_form(bytes: &[u8], _compression: &Compression) -> (Box<[u8]>, bool) {
    (Box::from(bytes), false)
}
