//! The caches under test behind one small trait, so the timed loop is the
//! same code for every cache (monomorphised per cache, no dynamic call per op).
//!
//! Equal work per operation:
//! - `get` looks up by `&str` and black-boxes a reference to the value, never
//!   cloning it (our tier returns a borrowed `Cow` for uncompressed values);
//! - `set` receives `&str` and `&[u8]`, and every cache makes exactly one owned
//!   copy of each: the peers get `key.to_owned()` / `value.to_vec()`, our tier
//!   copies the value into a `Box<[u8]>` and the key into its slot (keys up
//!   to 22 bytes, like the bench's 13-byte keys, are stored inline, so our
//!   `set` makes one allocation where the peers make two: a property of the
//!   tier's layout that the figures include, not a shortcut of the harness).
//!
//! To add a peer (moka's sync cache for issue 6, say): implement [`Subject`]
//! and list it in `native.rs`; the harness and the table need no change.

use std::hint::black_box;
use std::num::NonZeroUsize;

use edgecache::{EvictionPolicy, ManualClock, MemoryConfig, MemoryTier, Ns, SetOptions};

/// One cache, bounded to `capacity` entries.
pub trait Subject {
    /// Looks `key` up; true on a hit.
    fn get(&mut self, key: &str) -> bool;
    /// Stores `value` under `key` (evicting if full).
    fn set(&mut self, key: &str, value: &[u8]);
    /// Entries held now.
    fn len(&self) -> usize;
}

/// True on a hit. A reference to the value goes through `black_box`, so the
/// lookup cannot be optimised away and no cache pays for a copy.
#[inline]
fn hit<V>(found: Option<V>) -> bool {
    found.is_some_and(|value| {
        black_box(&value);
        true
    })
}

/// Our memory tier with one eviction policy, sized so only the entry bound
/// binds (the byte budget is far above 100k small entries).
pub struct Ours {
    tier: MemoryTier,
    opts: SetOptions<'static>,
}

impl Ours {
    pub fn new(capacity: usize, policy: EvictionPolicy) -> Result<Self, String> {
        let config = MemoryConfig {
            max_entries: capacity as u64,
            max_bytes: 1 << 30,
            policy,
            ..MemoryConfig::default()
        };
        let tier = MemoryTier::new(config, Box::new(ManualClock::new(0)))
            .map_err(|e| format!("building the memory tier: {e}"))?;
        Ok(Ours {
            tier,
            opts: SetOptions::default(),
        })
    }
}

impl Subject for Ours {
    #[inline]
    fn get(&mut self, key: &str) -> bool {
        hit(self.tier.get(Ns::DEFAULT, key).ok().flatten())
    }

    #[inline]
    fn set(&mut self, key: &str, value: &[u8]) {
        // A failed write would show as a hit-ratio anomaly in the sanity checks.
        let _ = black_box(self.tier.set(Ns::DEFAULT, key, value, &self.opts));
    }

    fn len(&self) -> usize {
        self.tier.len() as usize
    }
}

/// `lru::LruCache<String, Vec<u8>>` (hashbrown with its default hasher, foldhash).
pub struct Lru(lru::LruCache<String, Vec<u8>>);

impl Lru {
    pub fn new(capacity: usize) -> Result<Self, String> {
        let cap = NonZeroUsize::new(capacity).ok_or("capacity must be positive")?;
        Ok(Lru(lru::LruCache::new(cap)))
    }
}

impl Subject for Lru {
    #[inline]
    fn get(&mut self, key: &str) -> bool {
        hit(self.0.get(key))
    }

    #[inline]
    fn set(&mut self, key: &str, value: &[u8]) {
        black_box(self.0.put(key.to_owned(), value.to_vec()));
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// `quick_cache::unsync::Cache<String, Vec<u8>>`, unit weights, default
/// (foldhash) hasher: its own policy (an S3-FIFO-like hot/cold CLOCK with ghost entries).
pub struct QuickCache(quick_cache::unsync::Cache<String, Vec<u8>>);

impl QuickCache {
    pub fn new(capacity: usize) -> Self {
        QuickCache(quick_cache::unsync::Cache::new(capacity))
    }
}

impl Subject for QuickCache {
    #[inline]
    fn get(&mut self, key: &str) -> bool {
        hit(self.0.get(key))
    }

    #[inline]
    fn set(&mut self, key: &str, value: &[u8]) {
        self.0.insert(key.to_owned(), value.to_vec());
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// `moka::sync::Cache<String, Arc<[u8]>>`: a concurrent W-TinyLFU cache, used
/// here from one thread. Its `get` returns an owned clone of the value, so the
/// value is an `Arc<[u8]>` (a reference-count bump, not a 100-byte copy); its
/// `set` still makes one owned copy of key and value like every other cache.
/// Moka applies reads and writes to its policy in batches (`run_pending_tasks`
/// runs from inside its own calls), which is part of what is measured.
pub struct Moka(moka::sync::Cache<String, std::sync::Arc<[u8]>>);

impl Moka {
    pub fn new(capacity: usize) -> Self {
        Moka(moka::sync::Cache::new(capacity as u64))
    }
}

impl Subject for Moka {
    #[inline]
    fn get(&mut self, key: &str) -> bool {
        hit(self.0.get(key))
    }

    #[inline]
    fn set(&mut self, key: &str, value: &[u8]) {
        self.0.insert(key.to_owned(), std::sync::Arc::from(value));
    }

    fn len(&self) -> usize {
        // Moka's count is eventually consistent: settle pending work first.
        self.0.run_pending_tasks();
        self.0.entry_count() as usize
    }
}
