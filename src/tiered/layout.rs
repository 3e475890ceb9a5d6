//! How a tiered cache lays its data out in a backend (L2). Stable: other
//! hosts and later releases read it. This is layout 2 (see "Changes" below).
//!
//! # Keys
//!
//! | record            | key                                     | value                         |
//! |-------------------|-----------------------------------------|-------------------------------|
//! | entry             | `<prefix>:<ns>:<key>`                   | an [`Envelope`](crate::codec::Envelope), or a chunk manifest |
//! | tag generation    | `<prefix>:tag:<ns>:<tag>`               | the generation, ASCII decimal u64 `#` CRC-32 hex |
//! | lease             | `<prefix>:lease:<ns>:<key>`             | `<token>:<expires_at ms>`     |
//! | chunk             | `<prefix>:chunk:<write id>:<index>`     | a slice of an encoded envelope and the next chunk's link |
//!
//! `<ns>` is the namespace name (the default namespace is `""`, giving
//! `<prefix>::<key>`). Namespace names may not contain `:` and may not be
//! `tag`, `lease` or `chunk`, so the four kinds never collide. Every key is
//! then passed through [`fit_key`] with the backend's `max_key_bytes`: a key
//! longer than `max_key_bytes - 36` keeps its readable start and ends in `#` +
//! 32 hex digits of SHA-256 of the whole key.
//!
//! Fitting is injective: a fitted key is at least `max_key_bytes - 3` bytes
//! long and a key kept as it is at most `max_key_bytes - 36`, so no key stored
//! as it is can equal the fitted form of another key, and two fitted keys are
//! equal only if SHA-256 collides. Otherwise a caller could build a key equal
//! to a long key's stored form and serve its own value for it to every
//! isolate (cross-key poisoning), with no access to the store.
//!
//! With signing or encryption ([`seal`](crate::tiered::seal)), entries,
//! manifests, tag generations and leases are sealed, each bound to its full
//! unfitted key; chunks are authenticated through the sealed manifest's chain.
//!
//! # Reads are bounded
//!
//! Each read carries the largest record of its kind this cache can have
//! written (`bounds.rs`): an entry record is at most the backend's
//! `max_value_bytes` and the envelope of a `max_value_bytes` (memory option)
//! value; a chunk exactly the length its manifest commits to. Hosts check the
//! size before copying the answer; a larger one is a counted corrupt read.
//!
//! # Chunked entries
//!
//! When an encoded envelope is larger than the backend's `max_value_bytes`, it
//! is cut into hash-chained chunks under chunk keys, and the entry key holds a
//! 52-byte manifest: the format is specified in [`crate::tiered::chunks`].
//! Writers store every chunk before the manifest, so a reader never finds a
//! manifest whose chunks were not written. The write id is derived from the
//! entry key, a per-cache random number and the content, so concurrent writers
//! of one key never share chunk keys. A missing or altered chunk makes the
//! read a miss (and a counted error). Chunks left behind by an overwrite or
//! delete are collected by the backend TTL they were written with.
//!
//! # Changes
//!
//! Layout 2 (this release), from layout 1:
//! - keys of `max_key_bytes - 35 ..= max_key_bytes` bytes (after the prefix
//!   and namespace) were stored as they are and are now fitted: such entries
//!   written by an older release are not found (a miss, then rewritten);
//! - chunk manifests are version 2 (a chain of per-chunk links instead of one
//!   digest of the joined chunks); version 1 manifests read as a counted
//!   corrupt miss, and the next write replaces them;
//! - with signing or encryption, tag generations and leases are sealed:
//!   unsealed generations written by an older release count as unreadable
//!   (entries with those tags miss until the tag is invalidated once).
//!
//! Unchunked entries (the envelope, sealed or not) are unchanged: the
//! component reads what the npm build writes, and back.

use crate::error::{CacheError, Result};
use crate::key::fit_key;

pub use crate::tiered::chunks::{MANIFEST_LEN, MANIFEST_MAGIC};
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
        self.fit(self.full_tag_key(ns, tag))
    }

    /// `<prefix>:tag:<ns>:<tag>` before fitting: what sealed generations are bound to.
    pub fn full_tag_key(&self, ns: &str, tag: &str) -> String {
        format!("{}:tag:{ns}:{tag}", self.prefix)
    }

    /// `<prefix>:lease:<ns>:<key>`, fitted.
    pub fn lease_key(&self, ns: &str, key: &str) -> String {
        self.fit(self.full_lease_key(ns, key))
    }

    /// `<prefix>:lease:<ns>:<key>` before fitting: what sealed leases are bound to.
    pub fn full_lease_key(&self, ns: &str, key: &str) -> String {
        format!("{}:lease:{ns}:{key}", self.prefix)
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

pub(crate) fn hex(bytes: &[u8]) -> String {
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
        let l = Layout::new("ec", 128).unwrap();
        assert_eq!(l.entry_key("app", "user:1"), "ec:app:user:1");
        assert_eq!(l.entry_key("", "k"), "ec::k");
        assert_eq!(l.tag_key("app", "users"), "ec:tag:app:users");
        assert_eq!(l.lease_key("app", "k"), "ec:lease:app:k");
        assert_eq!(
            l.chunk_key(&[0xab; 16], 3),
            format!("ec:chunk:{}:3", "ab".repeat(16))
        );
        let long = layout().entry_key("app", &"x".repeat(100));
        assert_eq!(long.len(), 64);
        assert!(long.starts_with("ec:app:xxx"));
        assert!(Layout::new("a:b", 64).is_err());
        assert!(check_namespace("tag").is_err());
        assert!(check_namespace("a:b").is_err());
        assert!(check_namespace("").is_ok());
    }
}
