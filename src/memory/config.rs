//! Construction options of the memory tier and per-write options.

use crate::codec::compress::Compression;
use crate::error::{CacheError, Result};
use crate::memory::policy::EvictionPolicy;
use crate::ttl::MAX_TTL_MS;

/// How long an entry lives, for one of the two clocks an entry has
/// (time-to-live from the write, and time-to-idle since the last read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ttl {
    /// Use the tier's configured default.
    #[default]
    Default,
    /// No expiry on this clock.
    Never,
    /// Milliseconds (at least 1, at most [`MAX_TTL_MS`]).
    Ms(u64),
}

impl Ttl {
    /// A TTL from milliseconds, `None` meaning "never".
    pub fn from_option(ms: Option<u64>) -> Ttl {
        ms.map_or(Ttl::Never, Ttl::Ms)
    }

    /// Resolves `Default` against the configured default; `None` means "never".
    pub(crate) fn resolve(self, default: Option<u64>) -> Result<Option<u64>> {
        let ms = match self {
            Ttl::Default => default,
            Ttl::Never => None,
            Ttl::Ms(ms) => Some(ms),
        };
        if let Some(ms) = ms {
            validate_ttl_ms(ms)?;
        }
        Ok(ms)
    }
}

pub(crate) fn validate_ttl_ms(ms: u64) -> Result<()> {
    if ms == 0 {
        return Err(CacheError::invalid_ttl(
            "a TTL of 0 ms expires immediately; omit the TTL for no expiry",
        ));
    }
    if ms > MAX_TTL_MS {
        return Err(CacheError::invalid_ttl(format!(
            "{ms} ms exceeds the maximum of {MAX_TTL_MS} ms"
        )));
    }
    Ok(())
}

/// Options of one write (`set`, `add`, `replace`, `set_many`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SetOptions<'a> {
    /// Time-to-live from now.
    pub ttl: Ttl,
    /// Sliding expiry: the entry expires this long after its last read.
    /// When both clocks are set, the earliest deadline wins.
    pub idle: Ttl,
    /// Keep the entry this long after it stops being fresh, readable only
    /// through [`crate::memory::MemoryTier::get_allowing_stale`]
    /// (stale-while-revalidate, stale-if-error).
    pub stale_ms: Option<u64>,
    /// Tags for [`crate::memory::MemoryTier::invalidate_tag`].
    pub tags: &'a [&'a str],
}

impl<'a> SetOptions<'a> {
    /// Options with only a TTL in milliseconds.
    pub fn ttl_ms(ms: u64) -> Self {
        SetOptions {
            ttl: Ttl::Ms(ms),
            ..SetOptions::default()
        }
    }
}

/// Configuration of a [`crate::memory::MemoryTier`].
#[derive(Debug, Clone)]
pub struct MemoryConfig {
    /// Maximum number of live entries (at most `u32::MAX - 1`).
    pub max_entries: u64,
    /// Maximum total weight in bytes (key + stored value + tags + fixed overhead per entry).
    pub max_bytes: u64,
    /// Largest single value accepted, in bytes before compression.
    pub max_value_bytes: u64,
    /// Longest key accepted, in UTF-8 bytes.
    pub max_key_bytes: usize,
    /// Most tags one entry may carry.
    pub max_tags_per_entry: usize,
    /// TTL applied when a write says [`Ttl::Default`]; `None` means no expiry.
    pub default_ttl_ms: Option<u64>,
    /// Time-to-idle applied when a write says [`Ttl::Default`] for `idle`.
    pub default_idle_ms: Option<u64>,
    /// Which entries leave first when a bound is reached.
    pub policy: EvictionPolicy,
    /// Deflate values at or above a size threshold.
    pub compression: Compression,
}

/// Default entry bound.
pub const DEFAULT_MAX_ENTRIES: u64 = 10_000;
/// Default byte budget: 32 MiB, a quarter of a Worker isolate's 128 MB.
pub const DEFAULT_MAX_BYTES: u64 = 32 << 20;
/// Default largest value: 4 MiB.
pub const DEFAULT_MAX_VALUE_BYTES: u64 = 4 << 20;
/// Default longest key: 1 KiB.
pub const DEFAULT_MAX_KEY_BYTES: usize = 1024;
/// Default most tags per entry.
pub const DEFAULT_MAX_TAGS: usize = 32;
/// Longest tag, in UTF-8 bytes.
pub const MAX_TAG_BYTES: usize = 256;

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            max_entries: DEFAULT_MAX_ENTRIES,
            max_bytes: DEFAULT_MAX_BYTES,
            max_value_bytes: DEFAULT_MAX_VALUE_BYTES,
            max_key_bytes: DEFAULT_MAX_KEY_BYTES,
            max_tags_per_entry: DEFAULT_MAX_TAGS,
            default_ttl_ms: None,
            default_idle_ms: None,
            policy: EvictionPolicy::default(),
            compression: Compression::default(),
        }
    }
}

impl MemoryConfig {
    /// Checks every bound; construction refuses an invalid configuration.
    pub fn validate(&self) -> Result<()> {
        let bad = |name: &'static str, reason: &str| {
            Err(CacheError::InvalidOption {
                name,
                reason: reason.to_string(),
            })
        };
        if self.max_entries == 0 || self.max_entries >= u64::from(u32::MAX) {
            return bad("max_entries", "must be between 1 and 4294967294");
        }
        if self.max_bytes == 0 {
            return bad("max_bytes", "must be at least 1");
        }
        if self.max_value_bytes == 0 {
            return bad("max_value_bytes", "must be at least 1");
        }
        if self.max_key_bytes == 0 {
            return bad("max_key_bytes", "must be at least 1");
        }
        for (name, ttl) in [
            ("default_ttl_ms", self.default_ttl_ms),
            ("default_idle_ms", self.default_idle_ms),
        ] {
            if let Some(ms) = ttl
                && let Err(e) = validate_ttl_ms(ms)
            {
                return bad(name, &e.to_string());
            }
        }
        self.compression.validate()
    }
}
