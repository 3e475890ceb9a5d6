//! One error type for the whole crate, with stable string codes.
//!
//! Every boundary (JS, WIT) maps a [`CacheError`] exactly once, using
//! [`CacheError::code`]. Codes are part of the public contract: never rename one.

use core::fmt;

/// Everything that can go wrong in edgecache.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheError {
    /// A key is empty, too long, or contains a forbidden character.
    InvalidKey {
        /// Why the key was refused.
        reason: &'static str,
    },
    /// A value is larger than the cache (or the backend) accepts.
    ValueTooLarge {
        /// The value's size in bytes.
        size: u64,
        /// The largest size allowed.
        limit: u64,
    },
    /// A TTL is negative, not a number, too large, or unparseable.
    InvalidTtl {
        /// Why the TTL was refused.
        reason: String,
    },
    /// An option passed at construction or per call is invalid.
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// `incr`/`decr` on a value that is not a 64-bit decimal integer.
    NotAnInteger,
    /// `incr`/`decr` would leave the 64-bit signed range.
    Overflow,
    /// A glob pattern is malformed (for example an unclosed `[`).
    InvalidPattern {
        /// Why the pattern was refused.
        reason: &'static str,
    },
    /// Data (an envelope or compressed payload) is truncated, corrupt or foreign.
    CorruptData {
        /// What was wrong with the data.
        reason: &'static str,
    },
    /// Data was written by a newer, unknown format version.
    UnsupportedVersion {
        /// The version byte found.
        version: u8,
    },
    /// Decompression would exceed the configured output limit (decompression bomb).
    DecompressionLimit {
        /// The most bytes inflation may produce.
        limit: u64,
    },
    /// Too many items in one batch or too many tags on one entry.
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The most allowed.
        limit: u64,
    },
    /// The cache was closed and can no longer be used.
    Closed,
    /// A host backend failed; `message` never contains credentials.
    Backend {
        /// The backend's message (no credentials).
        message: String,
    },
    /// A host backend did not answer in time.
    Timeout {
        /// After how long, in ms.
        after_ms: u64,
    },
    /// The backend cannot do this (for example pattern invalidation without listing).
    Unsupported {
        /// What is not supported.
        what: &'static str,
    },
}

impl CacheError {
    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CacheError::InvalidKey { .. } => "INVALID_KEY",
            CacheError::ValueTooLarge { .. } => "VALUE_TOO_LARGE",
            CacheError::InvalidTtl { .. } => "INVALID_TTL",
            CacheError::InvalidOption { .. } => "INVALID_OPTION",
            CacheError::NotAnInteger => "NOT_AN_INTEGER",
            CacheError::Overflow => "OVERFLOW",
            CacheError::InvalidPattern { .. } => "INVALID_PATTERN",
            CacheError::CorruptData { .. } => "CORRUPT_DATA",
            CacheError::UnsupportedVersion { .. } => "UNSUPPORTED_VERSION",
            CacheError::DecompressionLimit { .. } => "DECOMPRESSION_LIMIT",
            CacheError::LimitExceeded { .. } => "LIMIT_EXCEEDED",
            CacheError::Closed => "CLOSED",
            CacheError::Backend { .. } => "BACKEND_ERROR",
            CacheError::Timeout { .. } => "BACKEND_TIMEOUT",
            CacheError::Unsupported { .. } => "UNSUPPORTED",
        }
    }

    pub(crate) fn corrupt(reason: &'static str) -> Self {
        CacheError::CorruptData { reason }
    }

    pub(crate) fn invalid_ttl(reason: impl Into<String>) -> Self {
        CacheError::InvalidTtl {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::InvalidKey { reason } => write!(f, "invalid key: {reason}"),
            CacheError::ValueTooLarge { size, limit } => {
                write!(
                    f,
                    "value of {size} bytes exceeds the limit of {limit} bytes"
                )
            }
            CacheError::InvalidTtl { reason } => write!(f, "invalid TTL: {reason}"),
            CacheError::InvalidOption { name, reason } => {
                write!(f, "invalid option `{name}`: {reason}")
            }
            CacheError::NotAnInteger => f.write_str("value is not a 64-bit decimal integer"),
            CacheError::Overflow => f.write_str("increment would overflow a 64-bit integer"),
            CacheError::InvalidPattern { reason } => write!(f, "invalid pattern: {reason}"),
            CacheError::CorruptData { reason } => write!(f, "corrupt data: {reason}"),
            CacheError::UnsupportedVersion { version } => {
                write!(f, "unsupported entry format version {version}")
            }
            CacheError::DecompressionLimit { limit } => {
                write!(f, "decompressed data would exceed {limit} bytes")
            }
            CacheError::LimitExceeded { what, limit } => {
                write!(f, "too many {what}: the limit is {limit}")
            }
            CacheError::Closed => f.write_str("the cache is closed"),
            CacheError::Backend { message } => write!(f, "backend error: {message}"),
            CacheError::Timeout { after_ms } => {
                write!(f, "backend did not answer within {after_ms} ms")
            }
            CacheError::Unsupported { what } => write!(f, "not supported by this backend: {what}"),
        }
    }
}

impl std::error::Error for CacheError {}

/// Result alias used across the crate.
pub type Result<T, E = CacheError> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_distinct() {
        let all = [
            CacheError::InvalidKey { reason: "" },
            CacheError::ValueTooLarge { size: 2, limit: 1 },
            CacheError::invalid_ttl("x"),
            CacheError::InvalidOption {
                name: "n",
                reason: String::new(),
            },
            CacheError::NotAnInteger,
            CacheError::Overflow,
            CacheError::InvalidPattern { reason: "" },
            CacheError::corrupt(""),
            CacheError::UnsupportedVersion { version: 9 },
            CacheError::DecompressionLimit { limit: 1 },
            CacheError::LimitExceeded {
                what: "tags",
                limit: 1,
            },
            CacheError::Closed,
            CacheError::Backend {
                message: String::new(),
            },
            CacheError::Timeout { after_ms: 1 },
            CacheError::Unsupported { what: "listing" },
        ];
        let mut codes: Vec<_> = all.iter().map(CacheError::code).collect();
        assert_eq!(codes[1], "VALUE_TOO_LARGE");
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
