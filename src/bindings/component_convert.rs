//! Conversions between the WIT types of `edgecache:cache` and the core's,
//! for the component binding (`component.rs`). Nothing here decides anything:
//! defaults, validation and policy names all live in the core.

use crate::codec::compress::Compression;
use crate::error::CacheError;
use crate::memory::{EvictionPolicy, MemoryConfig, Remaining, SetOptions, Stats, Ttl};

use super::component::wit::exports::edgecache::cache::types as wit;

/// The WIT `error` case for a core error: the case name is the stable code.
pub(crate) fn to_wit_error(e: CacheError) -> wit::Error {
    match e {
        CacheError::InvalidKey { reason } => wit::Error::InvalidKey(reason.to_string()),
        CacheError::ValueTooLarge { size, limit } => {
            wit::Error::ValueTooLarge(wit::SizeLimit { size, limit })
        }
        CacheError::InvalidTtl { reason } => wit::Error::InvalidTtl(reason),
        CacheError::InvalidOption { name, reason } => {
            wit::Error::InvalidOption(wit::OptionProblem {
                name: name.to_string(),
                reason,
            })
        }
        CacheError::NotAnInteger => wit::Error::NotAnInteger,
        CacheError::Overflow => wit::Error::Overflow,
        CacheError::InvalidPattern { reason } => wit::Error::InvalidPattern(reason.to_string()),
        CacheError::CorruptData { reason } => wit::Error::CorruptData(reason.to_string()),
        CacheError::UnsupportedVersion { version } => wit::Error::UnsupportedVersion(version),
        CacheError::DecompressionLimit { limit } => wit::Error::DecompressionLimit(limit),
        CacheError::LimitExceeded { what, limit } => wit::Error::LimitExceeded(wit::LimitProblem {
            what: what.to_string(),
            limit,
        }),
        CacheError::Closed => wit::Error::Closed,
        CacheError::Backend { message } => wit::Error::BackendError(message),
        CacheError::Timeout { after_ms } => wit::Error::BackendTimeout(after_ms),
        CacheError::Unsupported { what } => wit::Error::Unsupported(what.to_string()),
    }
}

/// The largest value a component cache accepts: the default and the ceiling
/// of `max-value-bytes`. wasmtime gives each host call 128 MiB of "hostcall
/// fuel" and charges 48 per `list<u8>` element, so about 2.79 MB can cross in
/// one call (measured with the wasmtime wheel: 2 793 472 bytes pass, 2 797 568
/// trap, and the instance cannot be entered again). 2 MiB leaves room for the
/// rest of a result, so every value the cache accepts reads back in every
/// documented host; it also bounds what one forged L2 entry can inflate to.
pub(crate) const MAX_VALUE_BYTES: u64 = 2 << 20;
/// Most value bytes one `get-many` returns (the same fuel, shared by the batch).
pub(crate) const MAX_RESULT_BYTES: u64 = 5 << 19;

/// Refuses a `get-many` answer too large to cross in one host call.
pub(crate) fn check_result_bytes(values: &[Option<Vec<u8>>]) -> Result<(), CacheError> {
    let total: u64 = values.iter().flatten().map(|v| v.len() as u64).sum();
    if total > MAX_RESULT_BYTES {
        return Err(CacheError::LimitExceeded {
            what: "value bytes returned by one get-many (read large values with get)",
            limit: MAX_RESULT_BYTES,
        });
    }
    Ok(())
}

/// The tier configuration for WIT `options`; `none` fields keep the core
/// default, except `max-value-bytes` (at most [`MAX_VALUE_BYTES`]).
pub(crate) fn to_config(o: &wit::Options) -> Result<MemoryConfig, CacheError> {
    let d = MemoryConfig::default();
    if o.max_value_bytes.is_some_and(|n| n > MAX_VALUE_BYTES) {
        return Err(CacheError::InvalidOption {
            name: "max-value-bytes",
            reason: format!(
                "at most {MAX_VALUE_BYTES} bytes: larger values cannot be read back in one host call"
            ),
        });
    }
    let policy = match &o.policy {
        None => d.policy,
        Some(name) => EvictionPolicy::from_name(name).ok_or_else(|| CacheError::InvalidOption {
            name: "policy",
            reason: format!("unknown policy `{name}`; expected lru, lfu, fifo or s3-fifo"),
        })?,
    };
    let compression = Compression {
        // A threshold beyond the address space means "never compress".
        threshold: o
            .compression_threshold
            .map_or(d.compression.threshold, |t| {
                usize::try_from(t).unwrap_or(usize::MAX)
            }),
        level: o.compression_level.unwrap_or(d.compression.level),
    };
    Ok(MemoryConfig {
        max_entries: o.max_entries.unwrap_or(d.max_entries),
        max_bytes: o.max_bytes.unwrap_or(d.max_bytes),
        max_value_bytes: o
            .max_value_bytes
            .unwrap_or(d.max_value_bytes.min(MAX_VALUE_BYTES)),
        max_key_bytes: o.max_key_bytes.map_or(d.max_key_bytes, widen),
        max_tags_per_entry: o.max_tags_per_entry.map_or(d.max_tags_per_entry, widen),
        default_ttl_ms: o.default_ttl_ms,
        default_idle_ms: o.default_idle_ms,
        policy,
        compression,
    })
}

fn widen(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub(crate) fn to_ttl(e: Option<wit::Expiry>) -> Ttl {
    match e {
        None => Ttl::Default,
        Some(wit::Expiry::Never) => Ttl::Never,
        Some(wit::Expiry::AfterMs(ms)) => Ttl::Ms(ms),
    }
}

/// Per-write options; `tags` borrows the caller's list of tag strings.
pub(crate) fn to_set_options<'a>(o: &wit::SetOptions, tags: &'a [&'a str]) -> SetOptions<'a> {
    SetOptions {
        ttl: to_ttl(o.ttl),
        idle: to_ttl(o.idle),
        stale_ms: o.stale_ms,
        tags,
    }
}

/// Borrowed `&str`s of owned strings, for core calls taking `&[&str]`.
pub(crate) fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

pub(crate) fn to_wit_remaining(r: Remaining) -> wit::Remaining {
    match r {
        Remaining::Missing => wit::Remaining::Missing,
        Remaining::Forever => wit::Remaining::Forever,
        Remaining::Ms(ms) => wit::Remaining::Ms(ms),
    }
}

pub(crate) fn to_wit_stats(s: Stats) -> wit::Stats {
    wit::Stats {
        hits: s.hits,
        stale_hits: s.stale_hits,
        misses: s.misses,
        sets: s.sets,
        deletes: s.deletes,
        evictions_capacity: s.evictions_capacity,
        evictions_expired: s.evictions_expired,
        evictions_explicit: s.evictions_explicit,
        entries: s.entries,
        bytes: s.bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_options() -> wit::Options {
        wit::Options {
            max_entries: None,
            max_bytes: None,
            max_value_bytes: None,
            max_key_bytes: None,
            max_tags_per_entry: None,
            default_ttl_ms: None,
            default_idle_ms: None,
            policy: None,
            compression_threshold: None,
            compression_level: None,
        }
    }

    /// `InvalidKey("x")` -> `INVALID_KEY`: the case name of the generated enum.
    fn case_code(e: &wit::Error) -> String {
        let debug = format!("{e:?}");
        let name = debug
            .trim_start_matches("Error::")
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or_default()
            .to_string();
        let mut code = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                code.push('_');
            }
            code.push(c.to_ascii_uppercase());
        }
        code
    }

    #[test]
    fn every_error_case_is_named_after_its_stable_code() {
        let all = [
            CacheError::InvalidKey { reason: "r" },
            CacheError::ValueTooLarge { size: 2, limit: 1 },
            CacheError::InvalidTtl { reason: "r".into() },
            CacheError::InvalidOption {
                name: "n",
                reason: "r".into(),
            },
            CacheError::NotAnInteger,
            CacheError::Overflow,
            CacheError::InvalidPattern { reason: "r" },
            CacheError::CorruptData { reason: "r" },
            CacheError::UnsupportedVersion { version: 9 },
            CacheError::DecompressionLimit { limit: 1 },
            CacheError::LimitExceeded {
                what: "w",
                limit: 1,
            },
            CacheError::Closed,
            CacheError::Backend {
                message: "m".into(),
            },
            CacheError::Timeout { after_ms: 1 },
            CacheError::Unsupported { what: "listing" },
        ];
        for e in all {
            let code = e.code();
            assert_eq!(case_code(&to_wit_error(e)), code);
        }
    }

    #[test]
    fn error_details_travel_with_the_case() {
        match to_wit_error(CacheError::ValueTooLarge { size: 10, limit: 4 }) {
            wit::Error::ValueTooLarge(l) => assert_eq!((l.size, l.limit), (10, 4)),
            other => unreachable!("wrong case {other:?}"),
        }
        match to_wit_error(CacheError::Backend {
            message: "kv down".into(),
        }) {
            wit::Error::BackendError(m) => assert_eq!(m, "kv down"),
            other => unreachable!("wrong case {other:?}"),
        }
    }

    #[test]
    fn empty_options_are_the_core_defaults() {
        let c = to_config(&no_options()).unwrap();
        let d = MemoryConfig::default();
        assert_eq!(c.max_entries, d.max_entries);
        assert_eq!(c.max_bytes, d.max_bytes);
        assert_eq!(c.max_key_bytes, d.max_key_bytes);
        assert_eq!(c.policy, d.policy);
        assert_eq!(c.compression, d.compression);
        assert_eq!(c.default_ttl_ms, None);
    }

    #[test]
    fn options_override_defaults_and_policy_names_are_checked() {
        let o = wit::Options {
            max_entries: Some(7),
            max_key_bytes: Some(16),
            policy: Some("lfu".into()),
            compression_level: Some(0),
            default_ttl_ms: Some(500),
            ..no_options()
        };
        let c = to_config(&o).unwrap();
        assert_eq!(
            (c.max_entries, c.max_key_bytes, c.policy),
            (7, 16, EvictionPolicy::Lfu)
        );
        assert_eq!((c.compression.level, c.default_ttl_ms), (0, Some(500)));

        let bad = wit::Options {
            policy: Some("mru".into()),
            ..no_options()
        };
        let err = to_config(&bad).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTION");
    }

    #[test]
    fn write_options_distinguish_default_never_and_a_duration() {
        let o = wit::SetOptions {
            ttl: None,
            idle: Some(wit::Expiry::Never),
            stale_ms: Some(5),
            tags: vec![],
        };
        let s = to_set_options(&o, &[]);
        assert_eq!(
            (s.ttl, s.idle, s.stale_ms),
            (Ttl::Default, Ttl::Never, Some(5))
        );
        let o = wit::SetOptions {
            ttl: Some(wit::Expiry::AfterMs(30)),
            ..o
        };
        assert_eq!(to_set_options(&o, &["t"]).ttl, Ttl::Ms(30));
    }
}
