//! Tag generations and leases as stored in L2. Without signing or encryption
//! they are plain (anyone who can write to the store can set them: see the
//! README); with it, each is sealed like an entry, bound to its full unfitted
//! key, and one that does not open is not trusted:
//!
//! - a generation that does not open counts as unreadable: entries with that
//!   tag are misses and are kept out of L2 until the next invalidation writes
//!   a sealed generation (a forged `u64::MAX - 1` can no longer pin a tag);
//! - a lease record holds `token:expires_at`; one that does not open, or whose
//!   authenticated expiry has passed, does not make a caller wait: the lease
//!   is reported unavailable and the host falls back to its own single-flight.
//!
//! What sealing cannot stop: replaying an older sealed generation, or
//! deleting one, undoes invalidations (as deleting entries would not).

use crate::backend::Backend;
use crate::error::Result;
use crate::tiered::TieredCache;
use crate::tiered::stats::TieredEvent;
use crate::tiered::tag_generations::{self, UNREADABLE};

impl<B: Backend> TieredCache<B> {
    /// The bytes stored for generation `generation` of `tag`.
    pub(crate) fn stored_generation(
        &self,
        ns: &str,
        tag: &str,
        generation: u64,
    ) -> Result<Vec<u8>> {
        let plain = tag_generations::format(generation);
        match &self.sealer {
            Some(sealer) => sealer.seal(self.layout.full_tag_key(ns, tag).as_bytes(), plain),
            None => Ok(plain),
        }
    }

    /// The generation in `stored` (absent: 0; untrusted or garbage: unreadable).
    pub(crate) fn generation_in(&self, ns: &str, tag: &str, stored: Option<&[u8]>) -> u64 {
        let (Some(sealer), Some(bytes)) = (&self.sealer, stored) else {
            return tag_generations::parse(stored);
        };
        let full = self.layout.full_tag_key(ns, tag);
        match sealer.open(full.as_bytes(), bytes) {
            Ok(plain) => tag_generations::parse(Some(&plain)),
            Err(error) => {
                let key = self.layout.tag_key(ns, tag);
                let error = error.into_cache_error();
                self.count(|s| s.security = s.security.saturating_add(1));
                self.emit(TieredEvent::SecurityError {
                    key: &key,
                    error: &error,
                });
                UNREADABLE
            }
        }
    }

    /// The bytes stored for a lease with `token`, held until `expires_at`.
    pub(crate) fn stored_lease(
        &self,
        ns: &str,
        key: &str,
        token: u64,
        expires_at: u64,
    ) -> Result<Vec<u8>> {
        let plain = format!("{token}:{expires_at}").into_bytes();
        match &self.sealer {
            Some(sealer) => sealer.seal(self.layout.full_lease_key(ns, key).as_bytes(), plain),
            None => Ok(plain),
        }
    }

    /// Whether a lease record found in L2 may make this caller wait: always
    /// without sealing; with it, only an authentic record not yet expired.
    pub(crate) fn lease_trusted(&self, ns: &str, key: &str, stored: &[u8], now: u64) -> bool {
        let Some(sealer) = &self.sealer else {
            return true;
        };
        let full = self.layout.full_lease_key(ns, key);
        match sealer.open(full.as_bytes(), stored) {
            Ok(plain) => core::str::from_utf8(&plain)
                .ok()
                .and_then(|s| s.split_once(':'))
                .and_then(|(_, at)| at.parse::<u64>().ok())
                .is_some_and(|expires_at| now < expires_at),
            Err(error) => {
                let lease_key = self.layout.lease_key(ns, key);
                let error = error.into_cache_error();
                self.count(|s| s.security = s.security.saturating_add(1));
                self.emit(TieredEvent::SecurityError {
                    key: &lease_key,
                    error: &error,
                });
                false
            }
        }
    }
}
