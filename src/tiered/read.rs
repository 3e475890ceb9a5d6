//! The read path: L1 (fresh) → L2 if the breaker allows → decode (a bad entry
//! is a miss plus a counted error) → tag generations → backfill L1 → value.

use crate::backend::Backend;
use crate::codec::Envelope;
use crate::error::{CacheError, Result};
use crate::memory::{Freshness, SetOptions, Ttl};
use crate::tiered::chunks::Manifest;
use crate::tiered::l1_record::{self, TagGens};
use crate::tiered::l2::{L2Error, L2Result};
use crate::tiered::layout::check_namespace;
use crate::tiered::seal::OpenError;
use crate::tiered::stats::TieredEvent;
use crate::tiered::tag_generations;
use crate::tiered::{Lookup, TieredCache};
use crate::tiered::{cell_mut, cell_ref};
use crate::ttl::MAX_TTL_MS;

/// What L1 holds for one key.
pub(super) enum L1Read {
    Fresh(Vec<u8>),
    Stale(Vec<u8>),
    Absent,
}

/// What L2 said about one entry key.
pub(super) enum L2Read {
    /// A checked envelope without its payload, and the bytes it came from:
    /// the payload is inflated only once the entry is known to be wanted.
    Found(Envelope, Vec<u8>),
    /// Absent, or present but unusable (corrupt data is counted and reported).
    Absent,
    /// The breaker is open or the backend failed.
    Unavailable,
}

impl<B: Backend> TieredCache<B> {
    /// The fresh value of `key` in namespace `ns` (`""` is the default), from
    /// L1 or L2. Backend trouble is a miss (counted, reported), never an error;
    /// errors are only for invalid arguments.
    pub async fn get(&self, ns: &str, key: &str) -> Result<Option<Vec<u8>>> {
        match self.read(ns, key, 0).await? {
            Lookup::Fresh(value) => Ok(Some(value)),
            Lookup::Stale(_) | Lookup::Miss => Ok(None),
        }
    }

    /// Fresh, stale (inside its stale window) or miss, across both tiers. When
    /// L2 cannot be reached, a stale L1 copy is returned (stale-if-error).
    pub async fn lookup(&self, ns: &str, key: &str) -> Result<Lookup> {
        self.read(ns, key, u64::MAX).await
    }

    /// [`TieredCache::lookup`] that serves a stale entry only if it stopped
    /// being fresh less than `max_stale_ms` ago (the meaning of the memory
    /// tier's `get_allowing_stale`, so both caches answer alike); 0 = fresh only.
    pub async fn lookup_within(&self, ns: &str, key: &str, max_stale_ms: u64) -> Result<Lookup> {
        self.read(ns, key, max_stale_ms).await
    }

    async fn read(&self, ns: &str, key: &str, max_stale: u64) -> Result<Lookup> {
        check_namespace(ns)?;
        let stale_copy = match self.read_l1(ns, key, max_stale).await? {
            L1Read::Fresh(value) => return Ok(Lookup::Fresh(value)),
            L1Read::Stale(value) => Some(value),
            L1Read::Absent => None,
        };
        let l2 = self.read_l2(ns, key).await;
        Ok(self.settle(ns, key, l2, stale_copy, max_stale).await)
    }

    /// What L1 holds for `key` (a copy invalidated by a tag is dropped).
    pub(super) async fn read_l1(&self, ns: &str, key: &str, max_stale: u64) -> Result<L1Read> {
        let l1_found = {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            l1.get_allowing_stale(handle, key, max_stale)?
                .map(|(record, freshness)| (record.into_owned(), freshness))
        };
        let Some((record, freshness)) = l1_found else {
            return Ok(L1Read::Absent);
        };
        match l1_record::decode(&record) {
            Ok((tags, value)) if self.tags_current(ns, &tags).await => Ok(match freshness {
                Freshness::Fresh => L1Read::Fresh(value.to_vec()),
                Freshness::Stale => L1Read::Stale(value.to_vec()),
            }),
            // Invalidated elsewhere (or unreadable): drop the local copy.
            _ => {
                self.drop_l1(ns, key);
                Ok(L1Read::Absent)
            }
        }
    }

    /// Decides what an L2 answer means for `key`: counts it, checks freshness
    /// and tags, backfills L1 on a fresh hit. `stale_copy` (from L1) is served
    /// when L2 cannot be reached.
    pub(super) async fn settle(
        &self,
        ns: &str,
        key: &str,
        l2: L2Read,
        stale_copy: Option<Vec<u8>>,
        max_stale: u64,
    ) -> Lookup {
        let now = self.now();
        let (head, stored) = match l2 {
            L2Read::Found(head, stored) => (head, stored),
            L2Read::Absent => {
                self.count(|s| s.misses = s.misses.saturating_add(1));
                return Lookup::Miss;
            }
            L2Read::Unavailable => return stale_copy.map_or(Lookup::Miss, Lookup::Stale),
        };
        let fresh = head.is_fresh(now);
        let stale_age = head.expires_at.map_or(0, |at| now.saturating_sub(at));
        let servable = fresh || (head.is_servable_stale(now) && stale_age < max_stale);
        if !servable || !self.tags_current(ns, &head.tags).await {
            self.count(|s| s.misses = s.misses.saturating_add(1));
            return Lookup::Miss;
        }
        // Inflated only now, with no await until the value leaves: however
        // many reads overlap, one payload (at most max_value_bytes) is being
        // decoded at a time, and only compressed bytes wait on the tag check.
        let envelope = match Envelope::decode(&stored, &self.config.envelope_limits) {
            Ok(envelope) => envelope,
            Err(error) => {
                // Counted as corrupt, then as a miss, like any unusable entry.
                let _absent = self.corrupt(&self.layout.entry_key(ns, key), error);
                self.count(|s| s.misses = s.misses.saturating_add(1));
                return Lookup::Miss;
            }
        };
        drop(stored);
        if fresh {
            self.count(|s| s.hits = s.hits.saturating_add(1));
            self.backfill(ns, key, &envelope, now);
            Lookup::Fresh(envelope.payload)
        } else {
            self.count(|s| s.stale_hits = s.stale_hits.saturating_add(1));
            Lookup::Stale(envelope.payload)
        }
    }

    fn drop_l1(&self, ns: &str, key: &str) {
        let Ok(mut l1) = cell_mut(&self.l1) else {
            return;
        };
        if let Ok(handle) = l1.namespace(ns) {
            // The key was validated by the read that found it.
            let _ = l1.delete(handle, key);
        }
    }

    /// Reads, opens (when sealing) and decodes the entry of `key`, joining
    /// chunks when needed. Sealed: entry value = seal(envelope or manifest),
    /// and the joined chunks = seal(envelope). Every read is bounded by what
    /// this cache can have written (see `bounds`), checked before copying.
    pub(super) async fn read_l2(&self, ns: &str, key: &str) -> L2Read {
        let entry_key = self.layout.entry_key(ns, key);
        let stored = self.get_one(&entry_key, self.bounds.entry_record).await;
        self.open_l2(ns, key, stored).await
    }

    /// Opens what the backend answered for the entry of `key` (one read of
    /// [`TieredCache::read_l2`], or one slot of a batch).
    pub(super) async fn open_l2(
        &self,
        ns: &str,
        key: &str,
        stored: L2Result<Option<Vec<u8>>>,
    ) -> L2Read {
        let entry_key = self.layout.entry_key(ns, key);
        let stored = match stored {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return L2Read::Absent,
            Err(L2Error::Corrupt(error)) => {
                return self.corrupt(&entry_key, error.to_cache_error("get"));
            }
            Err(_) => return L2Read::Unavailable,
        };
        let bound = self.layout.full_entry_key(ns, key);
        let stored = match self.open(&entry_key, &bound, stored) {
            Ok(bytes) => bytes,
            Err(read) => return read,
        };
        let joined = if Manifest::is_manifest(&stored) {
            let joined = match self.read_chunks(&entry_key, &stored).await {
                Ok(joined) => joined,
                Err(read) => return read,
            };
            match self.open(&entry_key, &bound, joined) {
                Ok(bytes) => bytes,
                Err(read) => return read,
            }
        } else {
            stored
        };
        match Envelope::decode_head(&joined, &self.config.envelope_limits) {
            Ok(head) => L2Read::Found(head, joined),
            Err(error) => self.corrupt(&entry_key, error),
        }
    }

    /// Fetches the chunks of a manifest one at a time, each bounded by the
    /// length the manifest commits to and checked against its link before it
    /// is kept. The manifest is checked first: anyone who can write to the
    /// backend can forge one, and it decides how many reads follow.
    async fn read_chunks(&self, entry_key: &str, manifest: &[u8]) -> Result<Vec<u8>, L2Read> {
        let max_value = self.caps.max_value_bytes;
        let manifest = Manifest::decode(manifest)
            .and_then(|m| m.check_bounds(self.config.max_chunks, max_value, self.bounds.envelope))
            .map_err(|error| self.corrupt(entry_key, error))?;
        let mut joiner = manifest.joiner();
        while let Some(index) = joiner.wanted() {
            let key = manifest.chunk_key(&self.layout, index);
            let stored = match self.get_one(&key, manifest.stored_len(index)).await {
                Ok(Some(stored)) => stored,
                // Expired with its backend TTL, or never written: not an attack.
                Ok(None) => {
                    return Err(self.corrupt(entry_key, CacheError::corrupt("a chunk is missing")));
                }
                Err(L2Error::Corrupt(error)) => {
                    return Err(self.chunk_rejected(entry_key, error.to_cache_error("get")));
                }
                Err(_) => return Err(L2Read::Unavailable),
            };
            joiner
                .push(&stored)
                .map_err(|error| self.chunk_rejected(entry_key, error))?;
        }
        joiner
            .finish()
            .map_err(|error| self.corrupt(entry_key, error))
    }

    /// A present chunk that fails its length or link: with sealing the chain
    /// was authenticated, so it was altered (a security error); else corrupt.
    fn chunk_rejected(&self, entry_key: &str, error: CacheError) -> L2Read {
        if self.sealer.is_some() {
            self.insecure(entry_key, error)
        } else {
            self.corrupt(entry_key, error)
        }
    }

    /// Verifies / decrypts `bytes` when this cache seals; passes them through otherwise.
    fn open(&self, entry_key: &str, bound: &str, bytes: Vec<u8>) -> Result<Vec<u8>, L2Read> {
        let Some(sealer) = &self.sealer else {
            return Ok(bytes);
        };
        sealer
            .open(bound.as_bytes(), &bytes)
            .map_err(|error| match error {
                OpenError::Version(_) => self.corrupt(entry_key, error.into_cache_error()),
                OpenError::Rejected(_) => self.insecure(entry_key, error.into_cache_error()),
            })
    }

    fn corrupt(&self, key: &str, error: CacheError) -> L2Read {
        self.count(|s| s.corrupt = s.corrupt.saturating_add(1));
        self.emit(TieredEvent::CorruptEntry { key, error: &error });
        L2Read::Absent
    }

    fn insecure(&self, key: &str, error: CacheError) -> L2Read {
        self.count(|s| s.security = s.security.saturating_add(1));
        self.emit(TieredEvent::SecurityError { key, error: &error });
        L2Read::Absent
    }

    /// Copies an entry read from L2 into L1, for no longer than its remaining
    /// logical life (and `l1_max_ttl_ms`), keeping at most its stale window.
    fn backfill(&self, ns: &str, key: &str, envelope: &Envelope, now: u64) {
        let remaining = envelope.expires_at.map(|at| at.saturating_sub(now));
        let ttl = match (remaining, self.config.l1_max_ttl_ms) {
            (Some(left), Some(cap)) => Some(left.min(cap)),
            (left, cap) => left.or(cap),
        }
        .map(|ms| ms.min(MAX_TTL_MS));
        if ttl == Some(0) {
            return;
        }
        let fresh_until = ttl.map(|ms| now.saturating_add(ms));
        let stale_ms = match (envelope.stale_until, fresh_until) {
            (Some(until), Some(fresh)) => Some(until.saturating_sub(fresh)).filter(|&ms| ms > 0),
            _ => None,
        };
        let names: Vec<&str> = envelope.tags.iter().map(|(t, _)| t.as_str()).collect();
        let opts = SetOptions {
            ttl: Ttl::from_option(ttl),
            idle: Ttl::Default,
            stale_ms,
            tags: &names,
        };
        let record = l1_record::encode(&envelope.tags, &envelope.payload);
        // Backfill is best effort: without L1 the value is still returned.
        let Ok(mut l1) = cell_mut(&self.l1) else {
            return;
        };
        if let Ok(handle) = l1.namespace(ns) {
            // An entry L1 cannot hold (too large, too many tags) is simply not cached there.
            let _ = l1.set(handle, key, &record, &opts);
        }
    }

    /// Whether no tag was invalidated since the entry was written: every
    /// recorded generation is at least the current one. "At least", not
    /// "equal": an invalidation's write that times out and lands late can move
    /// a generation backwards, and entries written in between must stay
    /// readable; any invalidation after the write moves it above the recorded
    /// one (`next` is above every generation ever stored). When L2 cannot say
    /// and nothing is known, the entry is trusted (availability over
    /// strictness: a later read will catch up).
    pub(crate) async fn tags_current(&self, ns: &str, tags: &TagGens) -> bool {
        if tags.is_empty() {
            return true;
        }
        let names: Vec<&str> = tags.iter().map(|(t, _)| t.as_str()).collect();
        let current = self.generations(ns, &names).await;
        tags.iter()
            .zip(current)
            .all(|((_, recorded), now)| now.is_none_or(|g| *recorded >= g))
    }

    /// Current generations of `tags`: remembered ones if recent, the others in
    /// one batch from L2; `None` where L2 failed and nothing is known.
    pub(crate) async fn generations(&self, ns: &str, tags: &[&str]) -> Vec<Option<u64>> {
        let now = self.now();
        let mut out: Vec<Option<u64>> = match cell_ref(&self.generations) {
            Ok(cache) => tags.iter().map(|t| cache.fresh(ns, t, now)).collect(),
            Err(_) => vec![None; tags.len()],
        };
        let missing: Vec<usize> = (0..tags.len())
            .filter(|&i| out.get(i).is_some_and(Option::is_none))
            .collect();
        if missing.is_empty() {
            return out;
        }
        let keys: Vec<String> = missing
            .iter()
            .filter_map(|&i| tags.get(i).map(|t| self.layout.tag_key(ns, t)))
            .collect();
        let fetched = self.get_batched(&keys, self.bounds.generation).await;
        let now = self.now();
        // Parsed before the cache is borrowed: opening may report an event.
        let parsed: Option<Vec<u64>> = match &fetched {
            Ok(values) => Some(
                missing
                    .iter()
                    .zip(values)
                    .map(|(&i, v)| {
                        let tag = tags.get(i).copied().unwrap_or_default();
                        self.generation_in(ns, tag, v.as_deref())
                    })
                    .collect(),
            ),
            // Something longer than any generation: not a generation this cache wrote.
            Err(L2Error::Corrupt(_)) => {
                self.count(|s| s.corrupt = s.corrupt.saturating_add(1));
                Some(vec![tag_generations::UNREADABLE; missing.len()])
            }
            Err(_) => None,
        };
        let Ok(mut cache) = cell_mut(&self.generations) else {
            return out;
        };
        for (n, &i) in missing.iter().enumerate() {
            let (Some(tag), Some(slot)) = (tags.get(i), out.get_mut(i)) else {
                continue;
            };
            *slot = match &parsed {
                Some(values) => {
                    let generation = values
                        .get(n)
                        .copied()
                        .unwrap_or(tag_generations::UNREADABLE);
                    cache.remember(ns, tag, generation, now);
                    Some(generation)
                }
                None => cache.last_known(ns, tag),
            };
        }
        out
    }
}
