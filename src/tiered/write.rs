//! The write path: validate everything, encode the envelope and plan its L2
//! form (single value or chunks), write L1, then write L2 now
//! ([`TieredCache::set`]) or hand the L2 write back ([`TieredCache::set_behind`]).

use crate::backend::Backend;
use crate::backend::BackendError;
use crate::codec::Envelope;
use crate::error::{CacheError, Result};
use crate::key::validate_key;
use crate::memory::{MAX_TAG_BYTES, SetOptions, Ttl};
use crate::tiered::chunks::{StoredForm, plan};
use crate::tiered::l1_record;
use crate::tiered::layout::check_namespace;
use crate::tiered::{L2Status, TieredCache};
use crate::tiered::{Op, TieredEvent, cell_mut, cell_ref, tag_generations};

/// Options of one tiered write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// Logical time-to-live; [`Ttl::Default`] uses the memory config's default.
    pub ttl: Ttl,
    /// How long the entry may be served stale after it expires (needs a TTL).
    pub stale_ms: Option<u64>,
    /// Tags, invalidated across isolates by [`TieredCache::invalidate_tags`].
    pub tags: &'a [&'a str],
}

/// An L2 write not yet made: the binding runs it with [`TieredCache::flush`],
/// typically inside `waitUntil`. Owns its data (no borrow of the cache), so a
/// binding holding the cache in an `Rc` can move it into a `'static` future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWrite {
    entry_key: String,
    form: StoredForm,
    ttl_hint_ms: Option<u64>,
    /// A tag's current generation could not be read from L2: an entry
    /// written now would be unreadable there, so the write is refused.
    generations_unknown: bool,
}

/// A write checked, encoded and planned, not yet stored in either tier.
#[derive(Debug)]
pub(super) struct Prepared {
    tags: Vec<(String, u64)>,
    ttl: Option<u64>,
    stale_ms: Option<u64>,
    write: PendingWrite,
}

impl PendingWrite {
    /// The L2 key the entry goes to.
    pub fn key(&self) -> &str {
        &self.entry_key
    }

    /// True when the entry is one record with known tag generations (it can
    /// share a batch write with others).
    pub(super) fn is_single(&self) -> bool {
        !self.generations_unknown && matches!(self.form, StoredForm::Single(_))
    }

    /// The entry key and the stored form.
    pub(super) fn into_form(self) -> (String, StoredForm) {
        (self.entry_key, self.form)
    }

    /// The (clamped) backend TTL hint the write will carry.
    pub fn ttl_hint_ms(&self) -> Option<u64> {
        self.ttl_hint_ms
    }

    /// Whether the value is split into chunks.
    pub fn is_chunked(&self) -> bool {
        matches!(self.form, StoredForm::Chunked { .. })
    }
}

impl<B: Backend> TieredCache<B> {
    /// Write-through: stores in L1, then in L2. Errors are for invalid
    /// arguments (nothing changed); L2 trouble is reported in the status.
    pub async fn set(
        &self,
        ns: &str,
        key: &str,
        value: &[u8],
        opts: &WriteOptions<'_>,
    ) -> Result<L2Status> {
        let pending = self.set_behind(ns, key, value, opts).await?;
        Ok(self.flush(pending).await)
    }

    /// Write-behind: stores in L1 now and returns the L2 write for
    /// [`TieredCache::flush`]. Awaits only to learn tag generations.
    pub async fn set_behind(
        &self,
        ns: &str,
        key: &str,
        value: &[u8],
        opts: &WriteOptions<'_>,
    ) -> Result<PendingWrite> {
        check_namespace(ns)?;
        self.check_write(key, value, opts)?;
        let generations = self.generations(ns, opts.tags).await;
        let prepared = self.prepare(ns, key, value, opts, &generations)?;
        self.commit_l1(ns, key, value, opts, prepared)
    }

    /// Checks one write's key, value size, tags and TTL (nothing changes).
    pub(super) fn check_write(
        &self,
        key: &str,
        value: &[u8],
        opts: &WriteOptions<'_>,
    ) -> Result<()> {
        let (max_key, max_value, max_tags, default_ttl) = {
            let l1 = cell_ref(&self.l1)?;
            let c = l1.config();
            (
                c.max_key_bytes,
                c.max_value_bytes,
                c.max_tags_per_entry,
                c.default_ttl_ms,
            )
        };
        validate_key(key, max_key)?;
        check_tags(opts.tags, max_tags)?;
        if value.len() as u64 > max_value {
            return Err(CacheError::ValueTooLarge {
                size: value.len() as u64,
                limit: max_value,
            });
        }
        opts.ttl.resolve(default_ttl)?;
        Ok(())
    }

    /// Encodes, seals and plans the L2 form of one checked write, touching
    /// neither tier: a batch prepares every item before it stores any.
    pub(super) fn prepare(
        &self,
        ns: &str,
        key: &str,
        value: &[u8],
        opts: &WriteOptions<'_>,
        generations: &[Option<u64>],
    ) -> Result<Prepared> {
        let default_ttl = cell_ref(&self.l1)?.config().default_ttl_ms;
        let ttl = opts.ttl.resolve(default_ttl)?;
        let stale_ms = opts.stale_ms.filter(|&ms| ms > 0 && ttl.is_some());
        // Unknown (L2 failed) or unreadable (damaged in L2): writing would
        // record a generation that never matches, so the entry stays out of L2.
        let generations_unknown = generations
            .iter()
            .any(|g| g.is_none_or(|g| g == tag_generations::UNREADABLE));
        let tags: Vec<(String, u64)> = opts
            .tags
            .iter()
            .zip(generations)
            // Unknown (L2 down): 0 is only ever wrong towards a miss.
            .map(|(t, g)| (t.to_string(), g.unwrap_or(0)))
            .collect();

        let now = self.now();
        let expires_at = ttl.map(|ms| now.saturating_add(ms));
        let stale_until = expires_at.and_then(|at| stale_ms.map(|ms| at.saturating_add(ms)));
        let envelope = Envelope {
            created_at: now,
            expires_at,
            stale_until,
            tags,
            payload: value.to_vec(),
        };
        let encoded = envelope.encode(&self.config.compression)?;
        let entry_key = self.layout.entry_key(ns, key);
        // Sealed values are bound to the whole unfitted key (see `seal`).
        let bound = self.layout.full_entry_key(ns, key);
        let encoded = match &self.sealer {
            Some(sealer) => sealer.seal(bound.as_bytes(), encoded)?,
            None => encoded,
        };
        let max_chunks = if self.config.chunking {
            self.config.max_chunks
        } else {
            1
        };
        let nonce = cell_mut(&self.rng)?.next_u64();
        let mut form = plan(
            &self.layout,
            &entry_key,
            encoded,
            self.caps.max_value_bytes,
            max_chunks,
            nonce,
        )?;
        if let (Some(sealer), StoredForm::Chunked { manifest, .. }) = (&self.sealer, &mut form) {
            // Authenticates the content digest, so an altered chunk is a security error.
            *manifest = sealer.seal(bound.as_bytes(), core::mem::take(manifest))?;
        }
        let ttl_hint_ms = self
            .caps
            .clamp_ttl(stale_until.or(expires_at).map(|at| at.saturating_sub(now)));

        Ok(Prepared {
            tags: envelope.tags,
            ttl,
            stale_ms,
            write: PendingWrite {
                entry_key,
                form,
                ttl_hint_ms,
                generations_unknown,
            },
        })
    }

    /// Stores a prepared write in L1 and hands back its L2 write.
    pub(super) fn commit_l1(
        &self,
        ns: &str,
        key: &str,
        value: &[u8],
        opts: &WriteOptions<'_>,
        prepared: Prepared,
    ) -> Result<PendingWrite> {
        let record = l1_record::encode(&prepared.tags, value);
        let l1_opts = SetOptions {
            ttl: Ttl::from_option(prepared.ttl),
            idle: Ttl::Default,
            stale_ms: prepared.stale_ms,
            tags: opts.tags,
        };
        let mut l1 = cell_mut(&self.l1)?;
        let handle = l1.namespace(ns)?;
        if let Err(error) = l1.set(handle, key, &record, &l1_opts) {
            // Too large for L1's byte budget: L2 still takes it; no old copy may linger.
            let _ = l1.delete(handle, key);
            if !matches!(error, CacheError::ValueTooLarge { .. }) {
                return Err(error);
            }
        }
        Ok(prepared.write)
    }

    /// Makes a pending L2 write: chunks first, then the manifest, so no reader
    /// sees a manifest whose chunks are missing.
    pub async fn flush(&self, write: PendingWrite) -> L2Status {
        if write.generations_unknown {
            // Best effort: no older value of the key may outlive this write in L2.
            let _ = self
                .delete_batched(std::slice::from_ref(&write.entry_key))
                .await;
            let message = "the tags' generations could not be read from the backend, \
                           so the entry was kept out of it (memory only)";
            self.count(|s| s.errors = s.errors.saturating_add(1));
            // Reported like any failed write, so hosts that only watch events see it.
            self.emit(TieredEvent::BackendFailure {
                op: Op::Set,
                attempt: 1,
                error: &BackendError::permanent(message),
            });
            return L2Status::Failed(CacheError::Backend {
                message: message.to_string(),
            });
        }
        let result = match &write.form {
            StoredForm::Single(bytes) => {
                self.set_batched(
                    &[(write.entry_key.clone(), bytes.clone())],
                    write.ttl_hint_ms,
                )
                .await
            }
            StoredForm::Chunked { chunks, manifest } => {
                match self.set_batched(chunks, write.ttl_hint_ms).await {
                    Ok(()) => {
                        self.set_batched(
                            &[(write.entry_key.clone(), manifest.clone())],
                            write.ttl_hint_ms,
                        )
                        .await
                    }
                    Err(error) => Err(error),
                }
            }
        };
        match result {
            Ok(()) => {
                self.count(|s| s.writes = s.writes.saturating_add(1));
                L2Status::Written
            }
            Err(error) => error.into_status("write"),
        }
    }
}

fn check_tags(tags: &[&str], max: usize) -> Result<()> {
    if tags.len() > max {
        return Err(CacheError::LimitExceeded {
            what: "tags on one entry",
            limit: max as u64,
        });
    }
    if tags
        .iter()
        .any(|t| t.is_empty() || t.len() > MAX_TAG_BYTES || t.chars().any(char::is_control))
    {
        return Err(CacheError::InvalidOption {
            name: "tags",
            reason: format!("a tag is 1 to {MAX_TAG_BYTES} bytes without control characters"),
        });
    }
    Ok(())
}
