//! Batched writes and deletes. `set_many` is all or nothing: every item is
//! checked, encoded and planned before any tier changes, so a bad item leaves
//! the others in neither tier. Every batch is held to [`MAX_BATCH`](crate::memory::MAX_BATCH) items.

use crate::backend::Backend;
use crate::error::Result;
use crate::tiered::chunks::StoredForm;
use crate::tiered::layout::check_namespace;
use crate::tiered::read_many::check_batch;
use crate::tiered::write::{PendingWrite, WriteOptions};
use crate::tiered::{L2Status, TieredCache, cell_mut};

/// What a removal took out of each tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Entries this isolate's L1 held and dropped (counted by L1 itself, so
    /// overlapping calls do not corrupt the figure).
    pub l1: u64,
    /// How the L2 side went (whether L2 held the keys is not asked: that would cost reads).
    pub l2: L2Status,
}

impl<B: Backend> TieredCache<B> {
    /// Stores every `(key, value)` with one set of options, in both tiers. At
    /// most [`MAX_BATCH`](crate::memory::MAX_BATCH) items; nothing is stored unless every item is valid.
    /// L2 gets the items in batches of `max_batch_set` where they fit one record.
    pub async fn set_many<K: AsRef<str>, V: AsRef<[u8]>>(
        &self,
        ns: &str,
        items: &[(K, V)],
        opts: &WriteOptions<'_>,
    ) -> Result<L2Status> {
        check_namespace(ns)?;
        check_batch(items.len())?;
        for (key, value) in items {
            self.check_write(key.as_ref(), value.as_ref(), opts)?;
        }
        let generations = self.generations(ns, opts.tags).await;
        let prepared = items
            .iter()
            .map(|(key, value)| self.prepare(ns, key.as_ref(), value.as_ref(), opts, &generations))
            .collect::<Result<Vec<_>>>()?;
        let mut pending = Vec::with_capacity(items.len());
        for (done, ((key, value), item)) in items.iter().zip(prepared).enumerate() {
            match self.commit_l1(ns, key.as_ref(), value.as_ref(), opts, item) {
                Ok(write) => pending.push(write),
                Err(error) => {
                    // All or nothing: the items already in L1 leave it again.
                    self.drop_l1_keys(ns, items.iter().take(done).map(|(k, _)| k.as_ref()));
                    return Err(error);
                }
            }
        }
        Ok(self.flush_many(pending).await)
    }

    /// Removes `keys` from both tiers (L2 in batches of `max_batch_delete`).
    pub async fn delete_many<K: AsRef<str>>(&self, ns: &str, keys: &[K]) -> Result<Removed> {
        check_namespace(ns)?;
        check_batch(keys.len())?;
        let l1 = {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            let mut removed = 0u64;
            for key in keys {
                removed = removed.saturating_add(u64::from(l1.delete(handle, key.as_ref())?));
            }
            removed
        };
        if keys.is_empty() {
            return Ok(Removed {
                l1,
                l2: L2Status::Written,
            });
        }
        let entry_keys: Vec<String> = keys
            .iter()
            .map(|k| self.layout.entry_key(ns, k.as_ref()))
            .collect();
        let l2 = match self.delete_batched(&entry_keys).await {
            Ok(()) => L2Status::Written,
            Err(error) => error.into_status("delete"),
        };
        Ok(Removed { l1, l2 })
    }

    fn drop_l1_keys<'k>(&self, ns: &str, keys: impl Iterator<Item = &'k str>) {
        let Ok(mut l1) = cell_mut(&self.l1) else {
            return;
        };
        if let Ok(handle) = l1.namespace(ns) {
            for key in keys {
                let _ = l1.delete(handle, key);
            }
        }
    }

    /// Makes the L2 writes of a batch: single-record items with known tag
    /// generations and one TTL hint go in `max_batch_set` batches; the others
    /// (chunked, or refused for unknown generations) one by one. The first
    /// trouble is the batch's status.
    async fn flush_many(&self, pending: Vec<PendingWrite>) -> L2Status {
        let hint = pending.first().and_then(PendingWrite::ttl_hint_ms);
        let batchable = pending.len() > 1
            && pending
                .iter()
                .all(|w| w.is_single() && w.ttl_hint_ms() == hint);
        if batchable {
            let items: Vec<(String, Vec<u8>)> = pending
                .into_iter()
                .filter_map(|w| match w.into_form() {
                    (key, StoredForm::Single(bytes)) => Some((key, bytes)),
                    _ => None,
                })
                .collect();
            let written = items.len() as u64;
            return match self.set_batched(&items, hint).await {
                Ok(()) => {
                    self.count(|s| s.writes = s.writes.saturating_add(written));
                    L2Status::Written
                }
                Err(error) => error.into_status("write"),
            };
        }
        let mut status = L2Status::Written;
        for write in pending {
            let outcome = self.flush(write).await;
            if status == L2Status::Written {
                status = outcome;
            }
        }
        status
    }
}
