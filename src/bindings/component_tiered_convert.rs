//! Conversions between the WIT types of `edgecache:cache/tiered` and the
//! tiered core's, for `component_tiered.rs`. Defaults and validation stay in
//! the core ([`TieredConfig::default`], `TieredCache::new`).

use crate::error::CacheError;
use std::rc::Rc;

use crate::tiered::{
    BackendStats, BreakerState, L2Status, RandomSource, RetryPolicy, SealConfig, TieredConfig,
    TieredStats,
};

use super::component::wit::exports::edgecache::cache::tiered as wit;
use super::component_convert::{to_config, to_wit_error, to_wit_stats};

/// The core configuration for WIT `tiered-options`; `seed` varies the retry
/// jitter and chunk ids between instances, `random` (the host's secure
/// random) makes the nonces of encrypted entries. Both records are
/// destructured without `..`: a field added to either fails to compile here
/// until it is mapped.
pub(crate) fn to_tiered_config(
    o: &wit::TieredOptions,
    seed: u64,
    random: Rc<dyn RandomSource>,
) -> Result<TieredConfig, CacheError> {
    let wit::TieredOptions {
        memory,
        prefix,
        l1_max_ttl_ms,
        tag_cache_ms,
        retries,
        breaker_threshold,
        breaker_cooldown_ms,
        retry_base_ms,
        retry_max_ms,
        chunking,
        max_chunks,
        signing_keys,
        encryption_keys,
    } = o;
    let TieredConfig {
        memory: _,
        prefix: default_prefix,
        l1_max_ttl_ms: default_l1_max_ttl,
        tag_cache_ms: default_tag_cache,
        retry: default_retry,
        breaker_threshold: default_threshold,
        breaker_cooldown_ms: default_cooldown,
        chunking: default_chunking,
        max_chunks: default_max_chunks,
        envelope_limits,
        compression,
        seed: _,
        seal: _,
    } = TieredConfig::default();
    let RetryPolicy {
        retries: default_retries,
        base_ms: default_base,
        max_ms: default_max,
    } = default_retry;
    let encryption_keys = encryption_keys.clone().unwrap_or_default();
    let seal = SealConfig {
        signing_keys: signing_keys.clone().unwrap_or_default(),
        random: (!encryption_keys.is_empty()).then_some(random),
        encryption_keys,
    };
    Ok(TieredConfig {
        memory: to_config(memory)?,
        prefix: prefix.clone().unwrap_or(default_prefix),
        l1_max_ttl_ms: l1_max_ttl_ms.or(default_l1_max_ttl),
        tag_cache_ms: tag_cache_ms.unwrap_or(default_tag_cache),
        retry: RetryPolicy {
            retries: retries.unwrap_or(default_retries),
            base_ms: retry_base_ms.unwrap_or(default_base),
            max_ms: retry_max_ms.unwrap_or(default_max),
        },
        breaker_threshold: breaker_threshold.unwrap_or(default_threshold),
        breaker_cooldown_ms: breaker_cooldown_ms.unwrap_or(default_cooldown),
        chunking: chunking.unwrap_or(default_chunking),
        max_chunks: max_chunks.unwrap_or(default_max_chunks),
        // What L2 envelopes may hold and how they are compressed are the
        // format's, the same in every host: not options.
        envelope_limits,
        compression,
        seed,
        seal,
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
    let BackendStats {
        hits,
        stale_hits,
        misses,
        writes,
        errors,
        timeouts,
        corrupt,
        security,
        retries,
        rejected,
        latency_sum_ms,
        latency_count,
        latency_max_ms,
    } = s;
    wit::BackendStats {
        hits,
        stale_hits,
        misses,
        writes,
        errors,
        timeouts,
        corrupt,
        security,
        retries,
        rejected,
        latency_sum_ms,
        latency_count,
        latency_max_ms,
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
            retry_base_ms: None,
            retry_max_ms: None,
            chunking: None,
            max_chunks: None,
            signing_keys: None,
            encryption_keys: None,
        }
    }

    struct NoRandom;
    impl RandomSource for NoRandom {
        fn fill(&self, _buf: &mut [u8]) -> crate::Result<()> {
            Err(CacheError::corrupt("no randomness in this test"))
        }
    }

    fn random() -> Rc<dyn RandomSource> {
        Rc::new(NoRandom)
    }

    #[test]
    fn empty_options_are_the_core_defaults() {
        let c = to_tiered_config(&none(), 7, random()).unwrap();
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
        let c = to_tiered_config(&o, 0, random()).unwrap();
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
            to_tiered_config(&bad, 0, random())
                .map_err(|e| e.code())
                .err(),
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
