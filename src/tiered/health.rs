//! `health()`: what a status endpoint shows about a tiered cache — L1 size,
//! breaker state, the last backend failure and when it happened, and
//! optionally one timed backend round trip.

use crate::backend::Backend;
use crate::tiered::stats::Op;
use crate::tiered::{BreakerState, TieredCache, cell_mut, cell_ref};

/// The last backend call that failed (after its retries, or on any attempt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastFailure {
    /// When it failed (epoch ms, the cache's clock).
    pub at_ms: u64,
    /// The operation that failed.
    pub op: Op,
    /// The backend's message.
    pub message: String,
}

/// One timed backend read, made for [`TieredCache::health`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// The backend answered in `latency_ms`.
    Answered {
        /// How long the read took, in ms.
        latency_ms: u64,
    },
    /// The backend failed with this message after `latency_ms`.
    Failed {
        /// How long until it failed, in ms.
        latency_ms: u64,
        /// The backend's message.
        message: String,
    },
}

/// A tiered cache's health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Entries in L1 now.
    pub l1_entries: u64,
    /// Bytes L1 holds now.
    pub l1_bytes: u64,
    /// Where the breaker stands.
    pub breaker: BreakerState,
    /// The last backend failure, if any happened.
    pub last_failure: Option<LastFailure>,
    /// The round trip, when one was asked for.
    pub probe: Option<Probe>,
}

impl<B: Backend> TieredCache<B> {
    /// The cache's health; with `probe`, one backend read of a key no entry
    /// uses (`<prefix>:health-probe`), timed, bypassing the breaker and
    /// retries so it shows the backend as it is now. Not counted in the stats.
    pub async fn health(&self, probe: bool) -> Health {
        let stats = self.stats();
        let last_failure = cell_ref(&self.last_failure)
            .ok()
            .and_then(|last| last.clone());
        let probe = if probe {
            let key = format!("{}health-probe", self.layout.cache_prefix());
            let start = self.now();
            let answer = self
                .backend
                .get_bounded(&key, self.bounds.entry_record)
                .await;
            let latency_ms = self.now().saturating_sub(start);
            Some(match answer {
                Ok(_) => Probe::Answered { latency_ms },
                Err(error) => Probe::Failed {
                    latency_ms,
                    message: error.message,
                },
            })
        } else {
            None
        };
        Health {
            l1_entries: stats.l1.entries,
            l1_bytes: stats.l1.bytes,
            breaker: stats.breaker,
            last_failure,
            probe,
        }
    }

    /// Remembers a failed backend call for [`TieredCache::health`].
    pub(crate) fn remember_failure(&self, op: Op, message: &str) {
        let at_ms = self.now();
        if let Ok(mut last) = cell_mut(&self.last_failure) {
            *last = Some(LastFailure {
                at_ms,
                op,
                message: message.to_string(),
            });
        }
    }
}
