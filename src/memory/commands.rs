//! The command set of the memory tier, built on the primitives in `tier.rs`
//! and the files beside it (lookup, prepare, store, expiry, removal):
//! conditional writes, TTL commands, counters, batches, patterns, tags.
//!
//! Every command validates all of its input before changing anything, so a
//! bad argument leaves the tier exactly as it was.

use std::borrow::Cow;

use crate::error::{CacheError, Result};
use crate::memory::config::{SetOptions, validate_ttl_ms};
use crate::memory::entry::NEVER;
use crate::memory::held::WriteKind;
use crate::memory::namespaces::Ns;
use crate::memory::prepare::Value;
use crate::memory::stats::RemovalCause;
use crate::memory::tier::MemoryTier;
use crate::pattern::Pattern;

/// Most items one batch call accepts.
pub const MAX_BATCH: usize = 10_000;

/// Remaining lifetime of an entry, as `ttl` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remaining {
    /// No such live entry.
    Missing,
    /// The entry never expires.
    Forever,
    /// Milliseconds until the earliest deadline.
    Ms(u64),
}

fn check_batch(len: usize) -> Result<()> {
    if len > MAX_BATCH {
        return Err(CacheError::LimitExceeded {
            what: "items in one batch",
            limit: MAX_BATCH as u64,
        });
    }
    Ok(())
}

impl MemoryTier {
    /// Stores `value` under `key`, replacing any previous value.
    pub fn set(&mut self, ns: Ns, key: &str, value: &[u8], opts: &SetOptions<'_>) -> Result<()> {
        self.write(WriteKind::Set, ns, key, Value::Bytes(value), opts)
            .map(drop)
    }

    /// Stores only if `key` has no live entry; true if stored.
    pub fn add(&mut self, ns: Ns, key: &str, value: &[u8], opts: &SetOptions<'_>) -> Result<bool> {
        self.write(WriteKind::Add, ns, key, Value::Bytes(value), opts)
            .map(|slot| slot.is_some())
    }

    /// Stores only if `key` has a live entry; true if stored.
    pub fn replace(
        &mut self,
        ns: Ns,
        key: &str,
        value: &[u8],
        opts: &SetOptions<'_>,
    ) -> Result<bool> {
        self.write(WriteKind::Replace, ns, key, Value::Bytes(value), opts)
            .map(|slot| slot.is_some())
    }

    /// Whether `key` has a live entry (no promotion, no stats).
    pub fn has(&mut self, ns: Ns, key: &str) -> Result<bool> {
        let now = self.now();
        Ok(self.lookup_fresh(ns, key, now)?.1.is_some())
    }

    /// Time left before `key` expires.
    pub fn ttl(&mut self, ns: Ns, key: &str) -> Result<Remaining> {
        let now = self.now();
        let slot = self.lookup_fresh(ns, key, now)?.1;
        Ok(
            match slot.and_then(|s| self.view(s)).map(|e| e.fresh_until()) {
                None => Remaining::Missing,
                Some(NEVER) => Remaining::Forever,
                Some(deadline) => Remaining::Ms(deadline.saturating_sub(now)),
            },
        )
    }

    /// Gives `key` a new time-to-live from now and restarts its idle clock
    /// (its idle duration is kept); true if the key exists.
    pub fn expire(&mut self, ns: Ns, key: &str, ttl_ms: u64) -> Result<bool> {
        validate_ttl_ms(ttl_ms)?;
        let now = self.now();
        let Some(slot) = self.lookup_fresh(ns, key, now)?.1 else {
            return Ok(false);
        };
        let idle = self.cold(slot).map_or(0, |c| c.idle_ms);
        self.set_deadlines(slot, now.saturating_add(ttl_ms), idle, now);
        Ok(true)
    }

    /// Removes both deadlines of `key`; true if the key exists.
    pub fn persist(&mut self, ns: Ns, key: &str) -> Result<bool> {
        let now = self.now();
        let Some(slot) = self.lookup_fresh(ns, key, now)?.1 else {
            return Ok(false);
        };
        self.set_deadlines(slot, NEVER, 0, now);
        Ok(true)
    }

    /// Marks `key` as used: promotes it and restarts its idle clock.
    pub fn touch(&mut self, ns: Ns, key: &str) -> Result<bool> {
        let now = self.now();
        let Some(slot) = self.lookup_fresh(ns, key, now)?.1 else {
            return Ok(false);
        };
        self.touch_slot(slot, now);
        Ok(true)
    }

    /// Adds `delta` to the decimal integer stored at `key` (a missing key counts
    /// as 0 and is created with the default TTL); returns the new value. The
    /// entry keeps its deadlines and tags.
    pub fn incr(&mut self, ns: Ns, key: &str, delta: i64) -> Result<i64> {
        let now = self.now();
        let slot = self.lookup_fresh(ns, key, now)?.1;
        let current = match slot {
            Some(slot) => parse_counter(&self.value_of(slot)?)?,
            None => 0,
        };
        let next = current.checked_add(delta).ok_or(CacheError::Overflow)?;
        let text = next.to_string();
        let mut prepared = self.prepare(
            ns,
            key,
            Value::Bytes(text.as_bytes()),
            &SetOptions::default(),
            now,
        )?;
        if let Some((entry, cold)) = slot.and_then(|s| self.entry(s).zip(self.cold(s))) {
            prepared.expires_at = entry.expires_at;
            prepared.idle_ms = cold.idle_ms;
            prepared.stale_ms = cold.stale_ms;
            prepared.tags = None;
            prepared.weight = crate::memory::entry::weight_of(
                key.len(),
                prepared.stored.len() as u64,
                cold.tags.len(),
                self.tags.name_bytes(&cold.tags),
            );
            if prepared.weight > self.config.max_bytes {
                return Err(CacheError::ValueTooLarge {
                    size: prepared.weight,
                    limit: self.config.max_bytes,
                });
            }
        }
        self.store(prepared, now);
        Ok(next)
    }

    /// `incr` by `-delta`.
    pub fn decr(&mut self, ns: Ns, key: &str, delta: i64) -> Result<i64> {
        let negated = delta.checked_neg().ok_or(CacheError::Overflow)?;
        self.incr(ns, key, negated)
    }

    // ---- batches -------------------------------------------------------

    /// `get` for each key, in order.
    pub fn get_many(&mut self, ns: Ns, keys: &[&str]) -> Result<Vec<Option<Vec<u8>>>> {
        check_batch(keys.len())?;
        self.validate_keys(ns, keys)?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            out.push(self.get(ns, key)?.map(Cow::into_owned));
        }
        Ok(out)
    }

    /// `set` for each pair with the same options; all are validated before any is stored.
    pub fn set_many(
        &mut self,
        ns: Ns,
        items: &[(&str, &[u8])],
        opts: &SetOptions<'_>,
    ) -> Result<()> {
        let items: Vec<(&str, Value<'_>)> = items
            .iter()
            .map(|&(key, value)| (key, Value::Bytes(value)))
            .collect();
        self.store_many(ns, &items, opts).map(drop)
    }

    /// `set_many` of bytes or held values; the slot of each item, in order.
    pub(crate) fn store_many(
        &mut self,
        ns: Ns,
        items: &[(&str, Value<'_>)],
        opts: &SetOptions<'_>,
    ) -> Result<Vec<u32>> {
        check_batch(items.len())?;
        let now = self.now();
        let mut prepared = Vec::with_capacity(items.len());
        for &(key, value) in items {
            prepared.push(self.prepare(ns, key, value, opts, now)?);
        }
        // The batch must fit on its own: its entries are protected from each
        // other's evictions, so all of it is readable when this returns Ok.
        if items.len() as u64 > self.config.max_entries {
            return Err(CacheError::LimitExceeded {
                what: "entries in one batch (more than max_entries)",
                limit: self.config.max_entries,
            });
        }
        let weight: u64 = prepared.iter().map(|p| p.weight).sum();
        if weight > self.config.max_bytes {
            return Err(CacheError::ValueTooLarge {
                size: weight,
                limit: self.config.max_bytes,
            });
        }
        let written: Vec<u32> = prepared.into_iter().map(|p| self.put(p, now)).collect();
        // A heap sort: far less wasm than a second `sort_unstable` copy.
        let mut slots = std::collections::BinaryHeap::from(written.clone()).into_sorted_vec();
        slots.dedup();
        self.enforce_bounds(&slots);
        Ok(written)
    }

    /// `delete` for each key; returns how many live entries were removed.
    pub fn delete_many(&mut self, ns: Ns, keys: &[&str]) -> Result<u64> {
        check_batch(keys.len())?;
        self.validate_keys(ns, keys)?;
        let mut removed = 0;
        for key in keys {
            removed += u64::from(self.delete(ns, key)?);
        }
        Ok(removed)
    }

    /// `has` for each key, in order.
    pub fn has_many(&mut self, ns: Ns, keys: &[&str]) -> Result<Vec<bool>> {
        check_batch(keys.len())?;
        self.validate_keys(ns, keys)?;
        keys.iter().map(|key| self.has(ns, key)).collect()
    }

    fn validate_keys(&self, ns: Ns, keys: &[&str]) -> Result<()> {
        self.namespaces.check(ns)?;
        keys.iter()
            .try_for_each(|k| crate::key::validate_key(k, self.config.max_key_bytes))
    }

    // ---- patterns, namespaces, tags ------------------------------------

    /// Live keys of `ns` matching a Redis-style glob.
    pub fn keys(&mut self, ns: Ns, pattern: &str) -> Result<Vec<String>> {
        let pattern = Pattern::parse(pattern)?;
        let now = self.now();
        let slots = self.matching_slots(ns, &pattern, now, true)?;
        Ok(slots
            .iter()
            .filter_map(|&s| self.entry(s).map(|e| e.key.as_str().to_string()))
            .collect())
    }

    /// How many live keys of `ns` match.
    pub fn count_matching(&mut self, ns: Ns, pattern: &str) -> Result<u64> {
        let pattern = Pattern::parse(pattern)?;
        let now = self.now();
        Ok(self.matching_slots(ns, &pattern, now, true)?.len() as u64)
    }

    /// Removes every key of `ns` that matches, stale ones included (so no
    /// invalidated value is served stale); returns how many fresh ones.
    pub fn delete_matching(&mut self, ns: Ns, pattern: &str) -> Result<u64> {
        let pattern = Pattern::parse(pattern)?;
        let now = self.now();
        let slots = self.matching_slots(ns, &pattern, now, false)?;
        let fresh = self.count_fresh(&slots, now);
        self.remove_all(&slots);
        Ok(fresh)
    }

    fn matching_slots(
        &mut self,
        ns: Ns,
        pattern: &Pattern,
        now: u64,
        fresh_only: bool,
    ) -> Result<Vec<u32>> {
        let mut slots = self.present_slots(ns, now)?;
        slots.retain(|&s| {
            self.view(s).is_some_and(|e| {
                (!fresh_only || e.is_fresh(now)) && pattern.matches(e.hot.key.as_str())
            })
        });
        Ok(slots)
    }

    fn count_fresh(&self, slots: &[u32], now: u64) -> u64 {
        slots
            .iter()
            .filter(|&&s| self.view(s).is_some_and(|e| e.is_fresh(now)))
            .count() as u64
    }

    fn remove_all(&mut self, slots: &[u32]) -> u64 {
        for &slot in slots {
            self.remove_slot(slot, RemovalCause::Explicit, true);
        }
        slots.len() as u64
    }

    /// Removes every entry of one namespace, stale ones included; returns how many.
    pub fn clear_namespace(&mut self, ns: Ns) -> Result<u64> {
        self.namespaces.check(ns)?;
        let slots = self.namespaces.members(ns);
        Ok(self.remove_all(&slots))
    }

    /// Removes every entry of `ns` carrying `tag`, stale ones included;
    /// returns how many fresh ones.
    pub fn invalidate_tag(&mut self, ns: Ns, tag: &str) -> Result<u64> {
        self.namespaces.check(ns)?;
        let now = self.now();
        let slots = self.tags.slots_with(ns, tag);
        let fresh = self.count_fresh(&slots, now);
        self.remove_all(&slots);
        Ok(fresh)
    }

    /// `invalidate_tag` for several tags; returns how many fresh entries were
    /// removed (stale copies are removed too, uncounted).
    pub fn invalidate_tags(&mut self, ns: Ns, tags: &[&str]) -> Result<u64> {
        check_batch(tags.len())?;
        let mut removed = 0;
        for tag in tags {
            removed += self.invalidate_tag(ns, tag)?;
        }
        Ok(removed)
    }
}

/// Parses a counter: optional '-', then 1 to 19 ASCII digits, within i64, then
/// an optional 'n' (how the JS layer stores a BigInt, so `set(k, 5n)` counts).
fn parse_counter(bytes: &[u8]) -> Result<i64> {
    let text = std::str::from_utf8(bytes).map_err(|_| CacheError::NotAnInteger)?;
    let text = text.strip_suffix('n').unwrap_or(text);
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CacheError::NotAnInteger);
    }
    text.parse::<i64>().map_err(|_| CacheError::NotAnInteger)
}
