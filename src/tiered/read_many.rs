//! Batched reads: L1 first, then every miss in batches of the backend's
//! `max_batch_get` (1,000 keys over a 100-key service: 10 backend calls, not
//! 1,000 round trips), each answer decided like a single read.

use crate::backend::Backend;
use crate::error::{CacheError, Result};
use crate::memory::MAX_BATCH;
use crate::tiered::l2::L2Error;
use crate::tiered::layout::check_namespace;
use crate::tiered::read::{L1Read, L2Read};
use crate::tiered::{Lookup, TieredCache};

/// Refuses a batch over [`MAX_BATCH`] items before anything is read or written.
pub(crate) fn check_batch(len: usize) -> Result<()> {
    if len > MAX_BATCH {
        return Err(CacheError::LimitExceeded {
            what: "items in one batch",
            limit: MAX_BATCH as u64,
        });
    }
    Ok(())
}

impl<B: Backend> TieredCache<B> {
    /// The fresh values of `keys` in `ns`, in order (`None` for a miss). At
    /// most [`MAX_BATCH`] keys; L2 is read in batches of `max_batch_get`.
    pub async fn get_many<K: AsRef<str>>(
        &self,
        ns: &str,
        keys: &[K],
    ) -> Result<Vec<Option<Vec<u8>>>> {
        check_namespace(ns)?;
        check_batch(keys.len())?;
        let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(keys.len());
        let mut wanted: Vec<(usize, &str)> = Vec::new();
        for (index, key) in keys.iter().enumerate() {
            let key = key.as_ref();
            match self.read_l1(ns, key, 0).await? {
                L1Read::Fresh(value) => out.push(Some(value)),
                L1Read::Stale(_) | L1Read::Absent => {
                    out.push(None);
                    wanted.push((index, key));
                }
            }
        }
        for batch in wanted.chunks(self.caps.max_batch_get.max(1)) {
            for (index, lookup) in self.read_batch(ns, batch).await {
                if let (Lookup::Fresh(value), Some(slot)) = (lookup, out.get_mut(index)) {
                    *slot = Some(value);
                }
            }
        }
        Ok(out)
    }

    /// Whether `key` has a fresh value in either tier. It reads the stored
    /// record, not a cheaper existence check: the logical expiry and the tag
    /// generations live inside the record (a backend's own TTL is only a
    /// garbage-collection hint, at least 60 s on Workers KV), and with signing
    /// on the record must be authenticated before it is believed. Only the
    /// answer crosses to the host, never the value.
    pub async fn has(&self, ns: &str, key: &str) -> Result<bool> {
        Ok(self.get(ns, key).await?.is_some())
    }

    /// Whether each of `keys` has a fresh value, in order (read like
    /// [`TieredCache::get_many`]: the logical expiry and tag generations live
    /// inside the stored record, so existence in the backend is not an answer).
    pub async fn has_many<K: AsRef<str>>(&self, ns: &str, keys: &[K]) -> Result<Vec<bool>> {
        Ok(self
            .get_many(ns, keys)
            .await?
            .iter()
            .map(Option::is_some)
            .collect())
    }

    /// One backend call for `batch` (at most `max_batch_get` keys), then each
    /// answer decided on its own. A batch the backend refuses as oversized is
    /// read again key by key, so one bad record does not hide the others.
    async fn read_batch(&self, ns: &str, batch: &[(usize, &str)]) -> Vec<(usize, Lookup)> {
        let entry_keys: Vec<String> = batch
            .iter()
            .map(|(_, key)| self.layout.entry_key(ns, key))
            .collect();
        let fetched = self
            .get_batched(&entry_keys, self.bounds.entry_record)
            .await;
        let mut out = Vec::with_capacity(batch.len());
        match fetched {
            Ok(values) => {
                for (&(index, key), stored) in batch.iter().zip(values) {
                    let l2 = self.open_l2(ns, key, Ok(stored)).await;
                    out.push((index, self.settle(ns, key, l2, None, 0).await));
                }
            }
            Err(L2Error::Corrupt(_)) if batch.len() > 1 => {
                for &(index, key) in batch {
                    let l2 = self.read_l2(ns, key).await;
                    out.push((index, self.settle(ns, key, l2, None, 0).await));
                }
            }
            // The breaker is open or the backend failed: misses, like a single read.
            Err(_) => {
                for &(index, key) in batch {
                    out.push((
                        index,
                        self.settle(ns, key, L2Read::Unavailable, None, 0).await,
                    ));
                }
            }
        }
        out
    }
}
