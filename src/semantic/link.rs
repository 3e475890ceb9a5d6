//! The index beside a memory tier: each vector is charged to its entry's
//! weight (`MemoryTier::charge`), and the tier's removal hook drops it the
//! moment its entry leaves (evicted, expired, deleted, invalidated, cleared).
//!
//! Borrows: the index is never borrowed while the tier runs a command that
//! can remove entries, so the hook always finds it free; should it not, the
//! removal waits in `pending` and is applied before the next use.

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{CacheError, Result};
use crate::memory::{MemoryTier, Ns, Removal};
use crate::semantic::index::{Hit, VectorIndex};
use crate::semantic::vector::Precision;

/// Rounds of "search, drop the entries found gone, search again" at most.
const MAX_ROUNDS: usize = 4;

/// The index one tier carries, shared with the tier's removal hook.
#[derive(Default)]
pub struct SemanticIndex {
    index: RefCell<VectorIndex>,
    pending: RefCell<Vec<(u32, Box<str>)>>,
}

fn busy() -> CacheError {
    CacheError::LimitExceeded {
        what: "re-entrant calls into one semantic index",
        limit: 1,
    }
}

impl SemanticIndex {
    /// A new index, hooked to `tier`'s removals; one index per tier.
    pub fn attach(tier: &mut MemoryTier, index: VectorIndex) -> Result<Rc<SemanticIndex>> {
        if tier.has_removal_hook() {
            return Err(CacheError::InvalidOption {
                name: "cache",
                reason: "this cache already carries a semantic index".into(),
            });
        }
        let shared = Rc::new(SemanticIndex {
            index: RefCell::new(index),
            pending: RefCell::new(Vec::new()),
        });
        let hooked = Rc::clone(&shared);
        tier.set_removal_hook(Some(Box::new(move |r: &Removal<'_>| {
            hooked.forget(r.ns.id(), r.key);
        })));
        Ok(shared)
    }

    fn forget(&self, ns: u32, key: &str) {
        if let Ok(mut index) = self.index.try_borrow_mut() {
            index.remove(ns, key);
        } else if let Ok(mut pending) = self.pending.try_borrow_mut() {
            pending.push((ns, key.into()));
        }
    }

    /// The index for reading or changing, with any pending removal applied.
    pub fn with<T>(&self, f: impl FnOnce(&mut VectorIndex) -> T) -> Result<T> {
        let mut index = self.index.try_borrow_mut().map_err(|_| busy())?;
        if let Ok(mut pending) = self.pending.try_borrow_mut() {
            for (ns, key) in pending.drain(..) {
                index.remove(ns, &key);
            }
        }
        Ok(f(&mut index))
    }

    /// Stores the vector of the fresh entry `key` (write the entry first),
    /// charging its bytes to the entry. False, storing nothing, if the entry
    /// is missing; refused vectors and charges leave everything unchanged.
    #[allow(clippy::too_many_arguments)]
    pub fn store(
        &self,
        tier: &mut MemoryTier,
        ns: Ns,
        key: &str,
        group: &str,
        vector: &[f32],
        precision: Precision,
    ) -> Result<bool> {
        let row = self.with(|ix| ix.prepare(ns.id(), group, vector, precision))??;
        // Charging may evict other entries: their hooks run with the index free.
        if !tier.charge(ns, key, row.weight(key))? {
            return Ok(false);
        }
        self.with(|ix| ix.insert(ns.id(), key, group, row))??;
        Ok(true)
    }

    /// The `k` fresh entries of (`ns`, `group`) nearest `query` at or above
    /// `threshold`, best first. Expired entries are reclaimed first (their
    /// rows go with them), and a row whose entry is no longer fresh is never returned.
    pub fn search(
        &self,
        tier: &mut MemoryTier,
        ns: Ns,
        group: &str,
        query: &[f32],
        k: usize,
        threshold: f32,
    ) -> Result<Vec<Hit>> {
        tier.purge_expired();
        let mut hits = Vec::new();
        for _ in 0..MAX_ROUNDS {
            hits = self.with(|ix| ix.search(ns.id(), group, query, k, threshold))??;
            let before = hits.len();
            let mut fresh = Vec::with_capacity(before);
            for hit in hits {
                if tier.has(ns, &hit.key)? {
                    fresh.push(hit);
                } else {
                    // Stale (inside its stale window): not an answer, and not worth a row.
                    self.with(|ix| ix.remove(ns.id(), &hit.key))?;
                }
            }
            hits = fresh;
            if hits.len() == before {
                break;
            }
        }
        Ok(hits)
    }

    /// Rows stored and the bytes charged for them.
    pub fn size(&self) -> Result<(usize, u64)> {
        self.with(|ix| (ix.len(), ix.bytes()))
    }
}
