//! Conversions between the WIT types of `edgecache:cache/tiered` and the
//! tiered core's, for `component_tiered.rs`. Defaults and validation stay in
//! the core ([`TieredConfig::default`], `TieredCache::new`).

use crate::error::CacheError;
use crate::tiered::{BackendStats, BreakerState, L2Status, TieredConfig, TieredStats};

use super::component::wit::exports::edgecache::cache::tiered as wit;
use super::component_convert::{to_config, to_wit_error, to_wit_stats};

/// The core configuration for WIT `tiered-options`; `seed` varies the retry
/// jitter and chunk ids between instances.
pub(crate) fn to_tiered_config(
    o: &wit::TieredOptions,
    seed: u64,
) -> Result<TieredConfig, CacheError> {
    let d = TieredConfig::default();
    let mut retry = d.retry;
    if let Some(retries) = o.retries {
        retry.retries = retries;
    }
    Ok(TieredConfig {
        memory: to_config(&o.memory)?,
        prefix: o.prefix.clone().unwrap_or(d.prefix),
        l1_max_ttl_ms: o.l1_max_ttl_ms.or(d.l1_max_ttl_ms),
        tag_cache_ms: o.tag_cache_ms.unwrap_or(d.tag_cache_ms),
        retry,
        breaker_threshold: o.breaker_threshold.unwrap_or(d.breaker_threshold),
        breaker_cooldown_ms: o.breaker_cooldown_ms.unwrap_or(d.breaker_cooldown_ms),
        seed,
        ..d
    })
}

pub(crate) fn to_wit_status(s: L2Status) -> wit::L2Status {
    match s {
        L2Status::Written => wit::L2Status::Written,
        L2Status::Skipped => wit::L2Status::Skipped,
        L2Status::Failed(e) => wit::L2Status::Failed(to_wit_error(e)),
    }
}

fn to_wit_breaker(b: BreakerState) -> wit::BreakerState {
    match b {
        BreakerState::Closed { failures } => wit::BreakerState::Closed(failures),
        BreakerState::Open { until } => wit::BreakerState::Open(until),
        BreakerState::HalfOpen { since } => wit::BreakerState::HalfOpen(since),
    }
}

fn to_wit_backend_stats(s: BackendStats) -> wit::BackendStats {
    wit::BackendStats {
        hits: s.hits,
        stale_hits: s.stale_hits,
        misses: s.misses,
        writes: s.writes,
        errors: s.errors,
        timeouts: s.timeouts,
        corrupt: s.corrupt,
        retries: s.retries,
        rejected: s.rejected,
    }
}

pub(crate) fn to_wit_tiered_stats(s: TieredStats) -> wit::TieredStats {
    wit::TieredStats {
        l1: to_wit_stats(s.l1),
        l2: to_wit_backend_stats(s.l2),
        breaker: to_wit_breaker(s.breaker),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> wit::Options {
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

    fn none() -> wit::TieredOptions {
        wit::TieredOptions {
            memory: memory(),
            prefix: None,
            l1_max_ttl_ms: None,
            tag_cache_ms: None,
            retries: None,
            breaker_threshold: None,
            breaker_cooldown_ms: None,
        }
    }

    #[test]
    fn empty_options_are_the_core_defaults() {
        let c = to_tiered_config(&none(), 7).unwrap();
        let d = TieredConfig::default();
        assert_eq!(c.prefix, d.prefix);
        assert_eq!(c.retry, d.retry);
        assert_eq!(
            (c.breaker_threshold, c.breaker_cooldown_ms, c.tag_cache_ms),
            (d.breaker_threshold, d.breaker_cooldown_ms, d.tag_cache_ms)
        );
        assert_eq!(c.seed, 7);
    }

    #[test]
    fn options_override_and_bad_memory_options_are_refused() {
        let o = wit::TieredOptions {
            prefix: Some("app".into()),
            retries: Some(0),
            breaker_threshold: Some(3),
            l1_max_ttl_ms: Some(500),
            ..none()
        };
        let c = to_tiered_config(&o, 0).unwrap();
        assert_eq!(
            (c.prefix.as_str(), c.retry.retries, c.breaker_threshold),
            ("app", 0, 3)
        );
        assert_eq!(c.l1_max_ttl_ms, Some(500));
        let bad = wit::TieredOptions {
            memory: wit::Options {
                policy: Some("mru".into()),
                ..memory()
            },
            ..none()
        };
        assert_eq!(
            to_tiered_config(&bad, 0).map_err(|e| e.code()).err(),
            Some("INVALID_OPTION")
        );
    }

    #[test]
    fn statuses_and_breaker_states_keep_their_details() {
        let failed = to_wit_status(L2Status::Failed(CacheError::Timeout { after_ms: 9 }));
        assert!(matches!(
            failed,
            wit::L2Status::Failed(wit::Error::BackendTimeout(9))
        ));
        assert!(matches!(
            to_wit_breaker(BreakerState::Open { until: 42 }),
            wit::BreakerState::Open(42)
        ));
        let stats = to_wit_tiered_stats(TieredStats {
            l1: crate::memory::Stats::default(),
            l2: BackendStats {
                corrupt: 2,
                errors: 3,
                ..BackendStats::default()
            },
            breaker: BreakerState::Closed { failures: 1 },
        });
        assert_eq!((stats.l2.corrupt, stats.l2.errors), (2, 3));
    }
}
