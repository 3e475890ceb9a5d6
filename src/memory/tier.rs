//! The memory tier: entries in a slab of slots, found through a hash table of
//! slot numbers, ordered by an eviction policy, expired by a timer wheel.
//!
//! Invariants (checked by [`MemoryTier::validate`]):
//! - `len <= max_entries` and `bytes <= max_bytes` whenever a method returns;
//! - every live slot is in the table, its namespace list, its tags and the policy;
//! - every slot with a finite `keep_until` is scheduled in the wheel (possibly
//!   early: a sliding deadline moves later without rescheduling, and the wheel
//!   re-arms it when it fires).
//!
//! An entry is *fresh* until its TTL or idle deadline, then *stale* for its
//! stale window (kept only for stale-while-revalidate / stale-if-error reads),
//! then *gone*. Every command but [`MemoryTier::get_allowing_stale`] treats a
//! stale entry as absent; removals (delete, patterns, tags) remove it too.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::clock::Clock;
use crate::codec::compress::{decompress, maybe_compress};
use crate::error::{CacheError, Result};
use crate::key::validate_key;
use crate::memory::config::{MAX_TAG_BYTES, MemoryConfig, SetOptions};
use crate::memory::entry::{Entry, EntryCold, EntryRef, NEVER, weight_of};
use crate::memory::namespaces::{Namespaces, Ns};
use crate::memory::policy::{Capacity, Policy};
use crate::memory::slot_key::SlotKey;
use crate::memory::stats::{Freshness, Removal, RemovalCause, RemovalListener, Stats};
use crate::memory::tags::Tags;
use crate::memory::wheel::ExpiryWheel;
use crate::ttl::MAX_TTL_MS;

/// Expired entries reclaimed per operation, so no single call pays for a
/// backlog; [`MemoryTier::purge_expired`] reclaims everything at once.
const RECLAIM_BUDGET: usize = 16;

/// A bounded in-memory cache of byte values.
pub struct MemoryTier {
    pub(crate) config: MemoryConfig,
    clock: Box<dyn Clock>,
    hasher: DefaultHashBuilder,
    table: HashTable<u32>,
    /// The hot part of each entry (one cache line); `None` for a free slot.
    slots: Vec<Option<Entry>>,
    /// The cold part, same index; default for a free slot.
    cold: Vec<EntryCold>,
    free: Vec<u32>,
    pub(crate) len: u64,
    pub(crate) bytes: u64,
    policy: Policy,
    wheel: ExpiryWheel,
    pub(crate) namespaces: Namespaces,
    pub(crate) tags: Tags,
    pub(crate) stats: Stats,
    listener: Option<RemovalListener>,
    due: Vec<u32>,
}

/// A validated write, ready to store.
pub(crate) struct Prepared<'a> {
    pub ns: Ns,
    pub key: &'a str,
    pub hash: u64,
    pub stored: Box<[u8]>,
    pub compressed: bool,
    pub expires_at: u64,
    pub idle_ms: u64,
    pub stale_ms: u64,
    /// Distinct tags; `None` keeps the tags of an existing entry.
    pub tags: Option<Vec<&'a str>>,
    pub weight: u64,
}

impl MemoryTier {
    /// Builds a tier; fails if the configuration is invalid.
    pub fn new(config: MemoryConfig, clock: Box<dyn Clock>) -> Result<Self> {
        config.validate()?;
        let now = clock.now_ms();
        let policy = Policy::new(
            config.policy,
            Capacity {
                max_entries: config.max_entries,
                max_bytes: config.max_bytes,
            },
        );
        Ok(MemoryTier {
            config,
            clock,
            hasher: DefaultHashBuilder::default(),
            table: HashTable::new(),
            slots: Vec::new(),
            cold: Vec::new(),
            free: Vec::new(),
            len: 0,
            bytes: 0,
            policy,
            wheel: ExpiryWheel::new(now),
            namespaces: Namespaces::new(),
            tags: Tags::default(),
            stats: Stats::default(),
            listener: None,
            due: Vec::new(),
        })
    }

    /// The configuration this tier was built with.
    pub fn config(&self) -> &MemoryConfig {
        &self.config
    }

    /// The namespace called `name`, created on first use. `""` is [`Ns::DEFAULT`].
    pub fn namespace(&mut self, name: &str) -> Result<Ns> {
        self.namespaces.intern(name)
    }

    /// The name of a namespace handle.
    pub fn namespace_name(&self, ns: Ns) -> Option<&str> {
        self.namespaces.name(ns)
    }

    /// Calls `listener` for every entry that leaves the tier, with the reason.
    pub fn set_removal_listener(&mut self, listener: Option<RemovalListener>) {
        self.listener = listener;
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        Stats {
            entries: self.len,
            bytes: self.bytes,
            ..self.stats
        }
    }

    /// Live entries (including expired ones not yet reclaimed).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the tier holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Total weight in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    // ---- lookups -------------------------------------------------------

    pub(crate) fn hash(&self, ns: Ns, key: &str) -> u64 {
        self.hasher.hash_one((ns.0, key))
    }

    /// The hot part of a live slot.
    #[inline]
    pub(crate) fn entry(&self, slot: u32) -> Option<&Entry> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// Both parts of a live slot; the cold one is read only if the deadlines need it.
    #[inline]
    pub(crate) fn view(&self, slot: u32) -> Option<EntryRef<'_>> {
        let hot = self.entry(slot)?;
        Some(EntryRef {
            hot,
            cold: self.cold.get(slot as usize),
        })
    }

    /// The cold part of a live slot.
    pub(crate) fn cold(&self, slot: u32) -> Option<&EntryCold> {
        self.entry(slot)?;
        self.cold.get(slot as usize)
    }

    fn cold_mut(&mut self, slot: u32) -> Option<&mut EntryCold> {
        self.entry(slot)?;
        self.cold.get_mut(slot as usize)
    }

    #[inline]
    pub(crate) fn find(&self, ns: Ns, key: &str, hash: u64) -> Option<u32> {
        let slots = &self.slots;
        self.table
            .find(hash, |&slot| {
                slots
                    .get(slot as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|e| e.hash == hash && e.ns == ns && e.key.matches(key))
            })
            .copied()
    }

    /// Checks the namespace and key, reclaims a little expired work, and finds
    /// the slot for `key`, fresh or stale; a gone entry found here is removed.
    #[inline]
    pub(crate) fn lookup(&mut self, ns: Ns, key: &str, now: u64) -> Result<(u64, Option<u32>)> {
        self.namespaces.check(ns)?;
        let hash = self.hash(ns, key);
        let mut slot = self.find(ns, key, hash);
        // A stored key was valid when written (the limit never changes), so
        // only a miss needs the check; still before any reclaiming, since a
        // refused call must leave the tier unchanged.
        if slot.is_none() {
            validate_key(key, self.config.max_key_bytes)?;
        }
        if !self.wheel.is_quiet(now) {
            self.reclaim_expired(now, RECLAIM_BUDGET);
            // Reclaiming only frees slots: the one found is still this key's, or empty.
            slot = slot.filter(|&s| self.entry(s).is_some());
        }
        match slot {
            Some(slot) if self.view(slot).is_some_and(|e| e.is_gone(now)) => {
                self.remove_slot(slot, RemovalCause::Expired, true);
                Ok((hash, None))
            }
            other => Ok((hash, other)),
        }
    }

    /// `lookup`, keeping only a fresh entry.
    pub(crate) fn lookup_fresh(
        &mut self,
        ns: Ns,
        key: &str,
        now: u64,
    ) -> Result<(u64, Option<u32>)> {
        let (hash, slot) = self.lookup(ns, key, now)?;
        Ok((
            hash,
            slot.filter(|&s| self.view(s).is_some_and(|e| e.is_fresh(now))),
        ))
    }

    /// The value of a live slot, decompressed when needed.
    #[inline]
    pub(crate) fn value_of(&self, slot: u32) -> Result<Cow<'_, [u8]>> {
        let entry = self
            .entry(slot)
            .ok_or(CacheError::corrupt("slot vanished"))?;
        if entry.compressed {
            self.inflate(&entry.stored).map(Cow::Owned)
        } else {
            Ok(Cow::Borrowed(&entry.stored))
        }
    }

    #[cold]
    #[inline(never)]
    fn inflate(&self, stored: &[u8]) -> Result<Vec<u8>> {
        let limit = usize::try_from(self.config.max_value_bytes).unwrap_or(usize::MAX);
        decompress(stored, limit)
    }

    /// Records a read of a live slot: promotion and the idle clock.
    #[inline]
    pub(crate) fn touch_slot(&mut self, slot: u32, now: u64) {
        self.policy.access(slot);
        // Only idle expiry reads `last_access`; leave the cold part alone otherwise.
        if self.entry(slot).is_some_and(|e| e.needs_cold)
            && let Some(cold) = self.cold.get_mut(slot as usize)
            && cold.idle_ms != 0
        {
            cold.last_access = now;
        }
    }

    // ---- reads ---------------------------------------------------------

    /// The value of `key`, promoting it in the eviction order.
    pub fn get(&mut self, ns: Ns, key: &str) -> Result<Option<Cow<'_, [u8]>>> {
        let now = self.now();
        let (hash, slot) = self.lookup_fresh(ns, key, now)?;
        let Some(slot) = slot else {
            self.stats.misses = self.stats.misses.saturating_add(1);
            self.policy.miss(hash);
            return Ok(None);
        };
        self.stats.hits = self.stats.hits.saturating_add(1);
        self.touch_slot(slot, now);
        self.value_of(slot).map(Some)
    }

    /// The value of `key` without promoting it, touching its idle clock, or
    /// counting a hit or miss.
    pub fn peek(&mut self, ns: Ns, key: &str) -> Result<Option<Cow<'_, [u8]>>> {
        let now = self.now();
        match self.lookup_fresh(ns, key, now)?.1 {
            Some(slot) => self.value_of(slot).map(Some),
            None => Ok(None),
        }
    }

    /// Like `get`, but also returns an entry that stopped being fresh less than
    /// `max_stale_ms` ago (and is still inside the stale window it was stored
    /// with), marked [`Freshness::Stale`]. A stale read counts as a stale hit.
    pub fn get_allowing_stale(
        &mut self,
        ns: Ns,
        key: &str,
        max_stale_ms: u64,
    ) -> Result<Option<(Cow<'_, [u8]>, Freshness)>> {
        let now = self.now();
        let (hash, slot) = self.lookup(ns, key, now)?;
        let found = slot.and_then(|s| self.view(s).map(|e| (s, e.is_fresh(now), e.fresh_until())));
        let freshness = match found {
            Some((_, true, _)) => Freshness::Fresh,
            Some((_, false, fresh_until)) if now.saturating_sub(fresh_until) < max_stale_ms => {
                Freshness::Stale
            }
            _ => {
                self.stats.misses = self.stats.misses.saturating_add(1);
                self.policy.miss(hash);
                return Ok(None);
            }
        };
        let Some((slot, _, _)) = found else {
            return Ok(None);
        };
        match freshness {
            Freshness::Fresh => {
                self.stats.hits = self.stats.hits.saturating_add(1);
                self.touch_slot(slot, now);
            }
            // A stale read must not restart the idle clock: that would revive the entry.
            Freshness::Stale => {
                self.stats.stale_hits = self.stats.stale_hits.saturating_add(1);
                self.policy.access(slot);
            }
        }
        Ok(Some((self.value_of(slot)?, freshness)))
    }

    // ---- writes --------------------------------------------------------

    /// Validates a write and computes what will be stored, changing nothing.
    pub(crate) fn prepare<'a>(
        &self,
        ns: Ns,
        key: &'a str,
        value: &[u8],
        opts: &SetOptions<'a>,
        now: u64,
    ) -> Result<Prepared<'a>> {
        self.namespaces.check(ns)?;
        validate_key(key, self.config.max_key_bytes)?;
        let size = value.len() as u64;
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
        let (stored, compressed) = match maybe_compress(value, &self.config.compression) {
            Some(deflated) => (deflated.into_boxed_slice(), true),
            None => (Box::from(value), false),
        };
        let tag_bytes = tags.iter().map(|t| t.len() as u64).sum();
        let weight = weight_of(key.len(), stored.len(), tags.len(), tag_bytes);
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

    /// Stores a prepared write (insert or overwrite), then evicts to the
    /// bounds without evicting the entry just written.
    pub(crate) fn store(&mut self, p: Prepared<'_>, now: u64) {
        let slot = self.put(p, now);
        self.enforce_bounds(&[slot]);
    }

    /// Inserts or overwrites without enforcing the bounds; returns the slot.
    /// Callers must call `enforce_bounds` before returning to the user.
    pub(crate) fn put(&mut self, p: Prepared<'_>, now: u64) -> u32 {
        self.stats.sets = self.stats.sets.saturating_add(1);
        match self.find(p.ns, p.key, p.hash) {
            Some(slot) => {
                self.overwrite(slot, p, now);
                slot
            }
            None => self.insert_new(p, now),
        }
    }

    fn insert_new(&mut self, p: Prepared<'_>, now: u64) -> u32 {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let len = self.slots.len() + 1;
                crate::memory::growth::reserve_for(&mut self.slots, len);
                crate::memory::growth::reserve_for(&mut self.cold, len);
                self.slots.push(None);
                self.cold.push(EntryCold::default());
                (self.slots.len() - 1) as u32
            }
        };
        let tags = self
            .tags
            .attach(p.ns, slot, p.tags.as_deref().unwrap_or_default());
        let cold = EntryCold {
            weight: p.weight,
            idle_ms: p.idle_ms,
            stale_ms: p.stale_ms,
            last_access: now,
            tags,
        };
        let entry = Entry {
            hash: p.hash,
            key: SlotKey::new(p.key),
            stored: p.stored,
            expires_at: p.expires_at,
            ns: p.ns,
            compressed: p.compressed,
            needs_cold: cold.needs_deadlines(),
        };
        if let (Some(cell), Some(cold_cell)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) {
            *cell = Some(entry);
            *cold_cell = cold;
        }
        let slots = &self.slots;
        self.table.insert_unique(p.hash, slot, |&s| {
            slots
                .get(s as usize)
                .and_then(Option::as_ref)
                .map_or(0, |e| e.hash)
        });
        self.namespaces.add(p.ns, slot);
        self.policy.insert(slot, p.hash, p.weight);
        // A free slot has no timer (see `remove_slot`): only a deadline needs one.
        if let Some(at) = self.view(slot).map(|e| e.keep_until())
            && at != NEVER
        {
            self.wheel.schedule(slot, at);
        }
        self.len += 1;
        self.bytes = self.bytes.saturating_add(p.weight);
        slot
    }

    fn overwrite(&mut self, slot: u32, p: Prepared<'_>, now: u64) {
        let new_tags = p.tags.map(|names| {
            let old = self
                .cold_mut(slot)
                .map(|c| std::mem::take(&mut c.tags))
                .unwrap_or_default();
            self.tags.detach(slot, &old);
            self.tags.attach(p.ns, slot, &names)
        });
        let (Some(Some(entry)), Some(cold)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) else {
            return;
        };
        let old_weight = cold.weight;
        cold.weight = p.weight;
        cold.idle_ms = p.idle_ms;
        cold.stale_ms = p.stale_ms;
        cold.last_access = now;
        if let Some(tags) = new_tags {
            cold.tags = tags;
        }
        entry.stored = p.stored;
        entry.compressed = p.compressed;
        entry.expires_at = p.expires_at;
        entry.needs_cold = cold.needs_deadlines();
        self.bytes = self
            .bytes
            .saturating_sub(old_weight)
            .saturating_add(p.weight);
        self.arm_timer(slot);
        self.policy.update(slot, p.weight);
    }

    /// Changes the deadlines of a live slot and re-arms its timer.
    pub(crate) fn set_deadlines(&mut self, slot: u32, expires_at: u64, idle_ms: u64, now: u64) {
        let (Some(Some(entry)), Some(cold)) = (
            self.slots.get_mut(slot as usize),
            self.cold.get_mut(slot as usize),
        ) else {
            return;
        };
        cold.idle_ms = idle_ms;
        cold.last_access = now;
        entry.expires_at = expires_at;
        entry.needs_cold = cold.needs_deadlines();
        self.arm_timer(slot);
    }

    /// Schedules the slot's removal at the end of its stale window, if any.
    fn arm_timer(&mut self, slot: u32) {
        match self.view(slot).map(|e| e.keep_until()) {
            Some(NEVER) | None => self.wheel.cancel(slot),
            Some(at) => self.wheel.schedule(slot, at),
        }
    }

    // ---- removal -------------------------------------------------------

    /// Removes `key`, fresh or stale; true if a fresh entry was there.
    pub fn delete(&mut self, ns: Ns, key: &str) -> Result<bool> {
        let now = self.now();
        let Some(slot) = self.lookup(ns, key, now)?.1 else {
            return Ok(false);
        };
        let was_fresh = self.view(slot).is_some_and(|e| e.is_fresh(now));
        self.remove_slot(slot, RemovalCause::Explicit, true);
        self.stats.deletes = self.stats.deletes.saturating_add(1);
        Ok(was_fresh)
    }

    /// Drops a slot's entry from every index. `in_policy` is false when the
    /// policy already detached it (it chose it as a victim).
    pub(crate) fn remove_slot(&mut self, slot: u32, cause: RemovalCause, in_policy: bool) {
        let Some(keep_until) = self.view(slot).map(|e| e.keep_until()) else {
            return;
        };
        let Some(entry) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        let cold = self
            .cold
            .get_mut(slot as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        if let Ok(found) = self.table.find_entry(entry.hash, |&s| s == slot) {
            found.remove();
        }
        if in_policy {
            self.policy.remove(slot);
        }
        // Only a finite deadline is ever scheduled (`arm_timer`); skipping
        // the wheel otherwise saves a cache miss on every eviction.
        if keep_until != NEVER {
            self.wheel.cancel(slot);
        }
        self.namespaces.remove(entry.ns, slot);
        self.tags.detach(slot, &cold.tags);
        self.len = self.len.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(cold.weight);
        self.free.push(slot);
        self.stats.count_removal(cause);
        if let Some(listener) = self.listener.as_mut() {
            listener(&Removal {
                ns: entry.ns,
                key: entry.key.as_str(),
                cause,
            });
        }
    }

    /// Evicts until both bounds hold, never choosing a `protected` slot (the
    /// entries this call just wrote: a `set` that returns Ok must be readable).
    /// A protected victim is set aside and handed back to the policy after.
    /// Callers guarantee the protected entries alone fit the bounds, and pass
    /// them sorted.
    pub(crate) fn enforce_bounds(&mut self, protected: &[u32]) {
        let mut set_aside = Vec::new();
        while self.len > self.config.max_entries || self.bytes > self.config.max_bytes {
            match self.policy.evict() {
                Some(slot) if protected.binary_search(&slot).is_ok() => set_aside.push(slot),
                Some(slot) => self.remove_slot(slot, RemovalCause::Capacity, false),
                // Only reachable if the policy lost track of a slot; stop rather than spin.
                None => break,
            }
        }
        for slot in set_aside {
            if let (Some(entry), Some(cold)) = (self.entry(slot), self.cold(slot)) {
                let (hash, weight) = (entry.hash, cold.weight);
                self.policy.insert(slot, hash, weight);
            }
        }
    }

    /// Reclaims up to `budget` entries whose deadline passed. Returns true if
    /// more are due.
    pub(crate) fn reclaim_expired(&mut self, now: u64, budget: usize) -> bool {
        let mut due = std::mem::take(&mut self.due);
        due.clear();
        let more = self.wheel.expire(now, budget, &mut due);
        for &slot in &due {
            match self.view(slot).map(|e| e.keep_until()) {
                Some(at) if at <= now => {
                    self.remove_slot(slot, RemovalCause::Expired, true);
                }
                // A sliding deadline moved on since the timer was armed.
                Some(at) if at != NEVER => self.wheel.schedule(slot, at),
                _ => {}
            }
        }
        self.due = due;
        more
    }

    /// Reclaims every expired entry now; returns how many were removed.
    pub fn purge_expired(&mut self) -> u64 {
        let now = self.now();
        let before = self.stats.evictions_expired;
        while self.reclaim_expired(now, 1024) {}
        self.stats.evictions_expired.saturating_sub(before)
    }

    /// Removes every entry of every namespace; returns how many.
    pub fn clear(&mut self) -> u64 {
        let count = self.len;
        if self.listener.is_some() {
            for slot in 0..self.slots.len() as u32 {
                self.remove_slot(slot, RemovalCause::Explicit, true);
            }
            return count;
        }
        // Without a listener, drop everything at once instead of entry by entry.
        self.table.clear();
        self.slots.clear();
        self.cold.clear();
        self.free.clear();
        self.policy.clear();
        let now = self.now();
        self.wheel.clear(now);
        self.namespaces.clear_members();
        self.tags.clear();
        self.len = 0;
        self.bytes = 0;
        self.stats.evictions_explicit = self.stats.evictions_explicit.saturating_add(count);
        count
    }

    /// Slots of a namespace that are not gone (gone ones are reclaimed on the way).
    pub(crate) fn present_slots(&mut self, ns: Ns, now: u64) -> Result<Vec<u32>> {
        self.namespaces.check(ns)?;
        let mut present = self.namespaces.members(ns);
        present.retain(|&slot| self.view(slot).is_some_and(|e| !e.is_gone(now)));
        if present.len() as u32 != self.namespaces.len_of(ns) {
            for slot in self.namespaces.members(ns) {
                if self.view(slot).is_some_and(|e| e.is_gone(now)) {
                    self.remove_slot(slot, RemovalCause::Expired, true);
                }
            }
        }
        Ok(present)
    }

    /// Checks every structural invariant; for tests and fuzzing.
    pub fn validate(&self) -> core::result::Result<(), String> {
        let live: Vec<(u32, EntryRef<'_>)> = (0..self.slots.len() as u32)
            .filter_map(|i| self.view(i).map(|e| (i, e)))
            .collect();
        if let Some(free) = (0..self.slots.len() as u32)
            .find(|&i| self.entry(i).is_none() && self.wheel.scheduled_at(i).is_some())
        {
            return Err(format!("free slot {free} has a timer"));
        }
        if self.cold.len() != self.slots.len() {
            return Err(format!(
                "{} cold parts for {} slots",
                self.cold.len(),
                self.slots.len()
            ));
        }
        if live.len() as u64 != self.len {
            return Err(format!("len {} but {} live slots", self.len, live.len()));
        }
        if self.table.len() as u64 != self.len {
            return Err(format!(
                "table holds {} for len {}",
                self.table.len(),
                self.len
            ));
        }
        let bytes: u64 = live
            .iter()
            .filter_map(|(_, e)| e.cold)
            .map(|c| c.weight)
            .sum();
        if bytes != self.bytes {
            return Err(format!("bytes {} but entries weigh {bytes}", self.bytes));
        }
        if self.len > self.config.max_entries || self.bytes > self.config.max_bytes {
            return Err(format!(
                "bounds exceeded: {} entries / {} bytes",
                self.len, self.bytes
            ));
        }
        for (slot, view) in &live {
            let (entry, Some(cold)) = (view.hot, view.cold) else {
                return Err(format!("slot {slot} has no cold part"));
            };
            if self.find(entry.ns, entry.key.as_str(), entry.hash) != Some(*slot) {
                return Err(format!(
                    "slot {slot} ({}) not found by key",
                    entry.key.as_str()
                ));
            }
            if entry.needs_cold != cold.needs_deadlines() {
                return Err(format!("slot {slot} misreports its idle/stale deadlines"));
            }
            match (view.keep_until(), self.wheel.scheduled_at(*slot)) {
                (NEVER, Some(_)) => {
                    return Err(format!("slot {slot} never expires but has a timer"));
                }
                (at, None) if at != NEVER => {
                    return Err(format!("slot {slot} expires but has no timer"));
                }
                _ => {}
            }
            let tag_bytes = self.tags.name_bytes(&cold.tags);
            let expected = weight_of(
                entry.key.len(),
                entry.stored.len(),
                cold.tags.len(),
                tag_bytes,
            );
            if cold.weight != expected {
                return Err(format!("slot {slot} has a stale weight"));
            }
        }
        let in_namespaces: u64 = (0..crate::memory::namespaces::MAX_NAMESPACES as u32)
            .map(|id| u64::from(self.namespaces.len_of(Ns(id))))
            .sum();
        if in_namespaces != self.len {
            return Err(format!("namespaces list {in_namespaces} of {}", self.len));
        }
        Ok(())
    }
}
