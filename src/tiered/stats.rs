//! Counters of the L2 side and the events a tiered cache reports.

use crate::backend::BackendError;
use crate::error::CacheError;
use crate::memory::Stats;
use crate::tiered::breaker::BreakerState;

/// Counters of the backend tier. Latencies are measured with the injected
/// clock, so they include retries' backoff only per attempt, not between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackendStats {
    /// Reads that found a fresh entry in L2.
    pub hits: u64,
    /// Reads that found a stale entry in L2 and served it.
    pub stale_hits: u64,
    /// Reads that found nothing usable in L2 (absent, expired, invalidated, corrupt).
    pub misses: u64,
    /// Entries written to L2.
    pub writes: u64,
    /// Failed backend calls (every attempt), timeouts included.
    pub errors: u64,
    /// Failed backend calls that were timeouts.
    pub timeouts: u64,
    /// Entries read from L2 that could not be decoded (counted as misses too).
    pub corrupt: u64,
    /// Entries read from L2 that failed verification (unsealed, forged,
    /// altered, moved from another key, unknown key): never served, counted as misses too.
    pub security: u64,
    /// Retries made after transient errors.
    pub retries: u64,
    /// Operations skipped because the circuit breaker was open.
    pub rejected: u64,
    /// Sum, count and maximum of backend call latencies, in ms.
    pub latency_sum_ms: u64,
    /// How many backend calls were timed.
    pub latency_count: u64,
    /// The slowest backend call, in ms.
    pub latency_max_ms: u64,
}

impl BackendStats {
    /// Mean latency of the backend calls made so far, in ms (0 before any).
    pub fn latency_avg_ms(&self) -> f64 {
        if self.latency_count == 0 {
            0.0
        } else {
            self.latency_sum_ms as f64 / self.latency_count as f64
        }
    }

    pub(crate) fn record_latency(&mut self, ms: u64) {
        self.latency_sum_ms = self.latency_sum_ms.saturating_add(ms);
        self.latency_count = self.latency_count.saturating_add(1);
        self.latency_max_ms = self.latency_max_ms.max(ms);
    }
}

/// A snapshot of both tiers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieredStats {
    /// The memory tier's counters.
    pub l1: Stats,
    /// The backend tier's counters.
    pub l2: BackendStats,
    /// Where the breaker stands.
    pub breaker: BreakerState,
}

/// The backend operation an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `Backend::get`.
    Get,
    /// `Backend::set`.
    Set,
    /// `Backend::delete`.
    Delete,
    /// `Backend::get_many`.
    GetMany,
    /// `Backend::set_many`.
    SetMany,
    /// `Backend::delete_many`.
    DeleteMany,
    /// `Backend::list_keys`.
    ListKeys,
    /// `Backend::set_if_absent`.
    SetIfAbsent,
}

impl Op {
    /// Stable lowercase name for the bindings.
    pub fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Set => "set",
            Op::Delete => "delete",
            Op::GetMany => "getMany",
            Op::SetMany => "setMany",
            Op::DeleteMany => "deleteMany",
            Op::ListKeys => "listKeys",
            Op::SetIfAbsent => "setIfAbsent",
        }
    }
}

/// What the event hook is told. The hook runs synchronously; it may read
/// stats but should not start cache calls of its own.
#[derive(Debug, Clone, Copy)]
pub enum TieredEvent<'a> {
    /// One backend call failed (`attempt` counts from 1); carries the host's cause handle.
    BackendFailure {
        /// The operation that failed.
        op: Op,
        /// Which attempt (1 is the first).
        attempt: u32,
        /// The backend's error.
        error: &'a BackendError,
    },
    /// Data read from L2 under `key` was corrupt, foreign, truncated or of an unknown version.
    CorruptEntry {
        /// The L2 key.
        key: &'a str,
        /// What was wrong.
        error: &'a CacheError,
    },
    /// An entry read from L2 under `key` failed verification (see [`BackendStats::security`]).
    SecurityError {
        /// The L2 key.
        key: &'a str,
        /// Why it failed verification.
        error: &'a CacheError,
    },
    /// The breaker opened: L1-only service until it closes.
    BreakerOpened,
    /// A probe succeeded: L2 is used again.
    BreakerClosed,
}

/// Receives [`TieredEvent`]s.
pub type EventHook = Box<dyn Fn(&TieredEvent<'_>)>;
