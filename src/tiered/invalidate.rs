//! Removal across both tiers (delete, tags, patterns, clears) and
//! cross-instance leases.

use crate::backend::Backend;
use crate::error::{CacheError, Result};
use crate::pattern::Pattern;
use crate::tiered::l2::L2Error;
use crate::tiered::layout::check_namespace;
use crate::tiered::stats::Op;
use crate::tiered::tag_generations;
use crate::tiered::{L2Status, Lease, Removed, TieredCache};
use crate::tiered::{cell_mut, cell_ref};

impl<B: Backend> TieredCache<B> {
    /// Removes `key` from L1 and L2.
    pub async fn delete(&self, ns: &str, key: &str) -> Result<L2Status> {
        check_namespace(ns)?;
        {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            l1.delete(handle, key)?;
        }
        let entry_key = self.layout.entry_key(ns, key);
        Ok(match self.delete_batched(&[entry_key]).await {
            Ok(()) => L2Status::Written,
            Err(error) => error.into_status("delete"),
        })
    }

    /// Drops an entry whose value the host could not decode (a valid envelope
    /// holding bad codec bytes, or a codec version from a later release): a
    /// counted corrupt read, removed from both tiers so the next read misses
    /// and a loader runs. The value codec lives in the host (JS), so the host
    /// reports it here.
    pub async fn discard_undecodable(&self, ns: &str, key: &str) -> Result<L2Status> {
        check_namespace(ns)?;
        let entry_key = self.layout.entry_key(ns, key);
        let error = CacheError::corrupt("the host could not decode the value's bytes");
        self.count(|s| s.corrupt = s.corrupt.saturating_add(1));
        self.emit(crate::tiered::TieredEvent::CorruptEntry {
            key: &entry_key,
            error: &error,
        });
        self.delete(ns, key).await
    }

    /// Invalidates every entry carrying one of `tags`, in every isolate: drops
    /// them from L1 and writes a new generation per tag to L2 (one read batch,
    /// then one write per tag). Other isolates notice within `tag_cache_ms`.
    pub async fn invalidate_tags(&self, ns: &str, tags: &[&str]) -> Result<Removed> {
        check_namespace(ns)?;
        let l1 = {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            l1.invalidate_tags(handle, tags)?
        };
        let l2 = self.new_generations(ns, tags).await?;
        Ok(Removed { l1, l2 })
    }

    /// Writes a new generation of each of `tags` to L2.
    async fn new_generations(&self, ns: &str, tags: &[&str]) -> Result<L2Status> {
        if tags.is_empty() {
            return Ok(L2Status::Written);
        }
        let keys: Vec<String> = tags.iter().map(|t| self.layout.tag_key(ns, t)).collect();
        // Read afresh (not the cached copy), so the new generation is above the real one.
        let current = match self.get_batched(&keys, self.bounds.generation).await {
            Ok(values) => values,
            // Not a generation this cache wrote: start again from the clock.
            Err(L2Error::Corrupt(_)) => vec![None; keys.len()],
            Err(error) => return Ok(error.into_status("tag invalidation")),
        };
        let now = self.now();
        let next: Vec<u64> = tags
            .iter()
            .zip(&current)
            .map(|(t, v)| tag_generations::next(self.generation_in(ns, t, v.as_deref()), now))
            .collect();
        let mut items: Vec<(String, Vec<u8>)> = Vec::with_capacity(keys.len());
        for ((key, tag), generation) in keys.into_iter().zip(tags).zip(&next) {
            items.push((key, self.stored_generation(ns, tag, *generation)?));
        }
        // Generations never expire on their own (no TTL hint).
        let status = match self.set_batched(&items, None).await {
            Ok(()) => L2Status::Written,
            Err(error) => {
                // A timed-out write may still land: the cached generation can no
                // longer be trusted, so the next use reads L2 again.
                if let Ok(mut cache) = cell_mut(&self.generations) {
                    for tag in tags {
                        cache.forget(ns, tag);
                    }
                }
                return Ok(error.into_status("tag invalidation"));
            }
        };
        let mut cache = cell_mut(&self.generations)?;
        for (tag, generation) in tags.iter().zip(next) {
            cache.remember(ns, tag, generation, now);
        }
        Ok(status)
    }

    /// Removes every key of `ns` matching a Redis-style glob from both tiers.
    /// Needs a backend that can list keys; otherwise fails with UNSUPPORTED
    /// before changing anything (use tags instead). Keys too long for the
    /// backend are matched on their stored (hashed) form.
    pub async fn delete_matching(&self, ns: &str, pattern: &str) -> Result<Removed> {
        check_namespace(ns)?;
        let parsed = Pattern::parse(pattern)?;
        self.require_listing("pattern invalidation")?;
        let l1 = {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            l1.delete_matching(handle, pattern)?
        };
        let ns_prefix = self.layout.namespace_prefix(ns);
        let scan = format!("{ns_prefix}{}", parsed.literal_prefix());
        let l2 = self
            .delete_listed(&scan, |key| {
                key.strip_prefix(&ns_prefix)
                    .is_some_and(|rest| parsed.matches(rest))
            })
            .await?;
        Ok(Removed { l1, l2 })
    }

    /// Removes every entry of `ns` from both tiers (needs listing, like
    /// [`TieredCache::delete_matching`]). Tag generations are kept.
    pub async fn clear_namespace(&self, ns: &str) -> Result<Removed> {
        check_namespace(ns)?;
        self.require_listing("clearing a namespace")?;
        let l1 = {
            let mut l1 = cell_mut(&self.l1)?;
            let handle = l1.namespace(ns)?;
            l1.clear_namespace(handle)?
        };
        let l2 = self
            .delete_listed(&self.layout.namespace_prefix(ns), |_| true)
            .await?;
        Ok(Removed { l1, l2 })
    }

    /// Removes everything this cache (its prefix) holds in both tiers:
    /// entries, chunks, tag generations and leases (needs listing).
    pub async fn clear(&self) -> Result<Removed> {
        self.require_listing("clearing the cache")?;
        let l1 = cell_mut(&self.l1)?.clear();
        let l2 = self
            .delete_listed(&self.layout.cache_prefix(), |_| true)
            .await?;
        Ok(Removed { l1, l2 })
    }

    fn require_listing(&self, what: &'static str) -> Result<()> {
        if self.caps.has_listing {
            Ok(())
        } else {
            Err(CacheError::Unsupported { what })
        }
    }

    async fn delete_listed(&self, prefix: &str, keep: impl Fn(&str) -> bool) -> Result<L2Status> {
        let listed = match self
            .call(Op::ListKeys, || self.backend.list_keys(prefix))
            .await
        {
            Ok(keys) => keys,
            Err(error) => return Ok(error.into_status("listing keys")),
        };
        let doomed: Vec<String> = listed.into_iter().filter(|k| keep(k)).collect();
        if doomed.is_empty() {
            return Ok(L2Status::Written);
        }
        Ok(match self.delete_batched(&doomed).await {
            Ok(()) => L2Status::Written,
            Err(error) => error.into_status("delete"),
        })
    }

    /// Tries to become the one instance refreshing `key`, for `ttl_ms`
    /// (raised to the backend's minimum TTL). Uses the backend's atomic
    /// set-if-absent; without one, or when L2 is unavailable, the answer is
    /// [`Lease::Unavailable`] and the host relies on its in-isolate single-flight.
    pub async fn try_lease(&self, ns: &str, key: &str, ttl_ms: u64) -> Result<Lease> {
        check_namespace(ns)?;
        crate::key::validate_key(key, cell_ref(&self.l1)?.config().max_key_bytes)?;
        crate::memory::Ttl::Ms(ttl_ms).resolve(None)?;
        if !self.caps.has_atomic {
            return Ok(Lease::Unavailable);
        }
        let token = cell_mut(&self.rng)?.next_u64();
        let lease_key = self.layout.lease_key(ns, key);
        let ttl = self.caps.clamp_ttl(Some(ttl_ms)).unwrap_or(ttl_ms);
        let expires_at = self.now().saturating_add(ttl);
        let value = self.stored_lease(ns, key, token, expires_at)?;
        let taken = self
            .call(Op::SetIfAbsent, || {
                self.backend.set_if_absent(&lease_key, &value, ttl)
            })
            .await;
        Ok(match taken {
            Ok(true) => Lease::Acquired { token },
            Ok(false) if self.sealer.is_none() => Lease::Busy,
            // Sealed: only an authentic, unexpired lease makes this caller wait.
            Ok(false) => match self.get_one(&lease_key, self.bounds.lease).await {
                Ok(Some(stored)) if self.lease_trusted(ns, key, &stored, self.now()) => Lease::Busy,
                Ok(None) => Lease::Busy, // released or expired just now: someone refreshes
                Err(L2Error::Failed(_) | L2Error::Rejected) => Lease::Busy,
                _ => Lease::Unavailable,
            },
            Err(_) => Lease::Unavailable,
        })
    }

    /// Ends a lease early (after the refresh was stored). Not token-checked:
    /// backends offer no atomic compare-and-delete, and the lease TTL bounds
    /// any overlap.
    pub async fn release_lease(&self, ns: &str, key: &str) -> Result<L2Status> {
        check_namespace(ns)?;
        let lease_key = self.layout.lease_key(ns, key);
        Ok(match self.delete_batched(&[lease_key]).await {
            Ok(()) => L2Status::Written,
            Err(error) => error.into_status("releasing a lease"),
        })
    }
}
