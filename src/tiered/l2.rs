//! Every backend call goes through here: the breaker decides, transient
//! errors are retried with backoff, latencies and errors are counted, events
//! are emitted, and batches are split to the backend's limits.

use crate::tiered::cell_mut;
use core::future::Future;

use crate::backend::{Backend, BackendError, BackendErrorKind, BackendResult};
use crate::tiered::breaker::Permit;
use crate::tiered::stats::{Op, TieredEvent};
use crate::tiered::{L2Status, TieredCache};

/// Why an L2 operation did not produce a result.
#[derive(Debug, Clone)]
pub(crate) enum L2Error {
    /// The breaker is open; L2 was not called.
    Rejected,
    /// The backend failed (after retries).
    Failed(BackendError),
    /// The backend answered with something no writer of this cache stores
    /// (a value over the read's size bound): the caller counts it as corrupt.
    Corrupt(BackendError),
}

impl L2Error {
    pub(crate) fn into_status(self, what: &'static str) -> L2Status {
        match self {
            L2Error::Rejected => L2Status::Skipped,
            L2Error::Failed(e) | L2Error::Corrupt(e) => L2Status::Failed(e.to_cache_error(what)),
        }
    }
}

pub(crate) type L2Result<T> = core::result::Result<T, L2Error>;

impl<B: Backend> TieredCache<B> {
    /// Runs one logical backend operation `f` under the breaker, with retries.
    pub(crate) async fn call<T, F, Fut>(&self, op: Op, f: F) -> L2Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = BackendResult<T>>,
    {
        // The breaker is never borrowed across an await; if it were busy, skip L2.
        let permit = cell_mut(&self.breaker).map_or(Permit::Rejected, |mut b| b.allow(self.now()));
        let attempts = match permit {
            Permit::Rejected => {
                self.count(|s| s.rejected = s.rejected.saturating_add(1));
                return Err(L2Error::Rejected);
            }
            // The half-open probe is one attempt: its answer decides the breaker.
            Permit::Probe => 1,
            Permit::Normal => self.config.retry.retries.saturating_add(1),
        };
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let start = self.now();
            let result = f().await;
            let elapsed = self.now().saturating_sub(start);
            self.count(|s| s.record_latency(elapsed));
            let error = match result {
                Ok(value) => {
                    let closed = cell_mut(&self.breaker).is_ok_and(|mut b| b.success());
                    if closed {
                        self.emit(TieredEvent::BreakerClosed);
                    }
                    return Ok(value);
                }
                Err(error) => error,
            };
            if matches!(error.kind, BackendErrorKind::Oversized { .. }) {
                // The backend answered (it is not sick); what it holds is bad.
                if let Ok(mut breaker) = cell_mut(&self.breaker) {
                    breaker.success();
                }
                return Err(L2Error::Corrupt(error));
            }
            let timeout = matches!(error.kind, BackendErrorKind::Timeout { .. });
            self.count(|s| {
                s.errors = s.errors.saturating_add(1);
                if timeout {
                    s.timeouts = s.timeouts.saturating_add(1);
                }
            });
            self.emit(TieredEvent::BackendFailure {
                op,
                attempt,
                error: &error,
            });
            self.remember_failure(op, &error.message);
            if error.is_transient() && attempt < attempts {
                let delay = match cell_mut(&self.rng) {
                    Ok(mut rng) => self.config.retry.backoff_ms(attempt - 1, &mut rng),
                    Err(_) => self.config.retry.base_ms,
                };
                self.count(|s| s.retries = s.retries.saturating_add(1));
                self.backend.sleep(delay).await;
                continue;
            }
            if error.kind == BackendErrorKind::Unsupported {
                // The backend answered; it is not sick.
                if let Ok(mut breaker) = cell_mut(&self.breaker) {
                    breaker.success();
                }
            } else {
                let opened = cell_mut(&self.breaker).is_ok_and(|mut b| b.failure(self.now()));
                if opened {
                    self.emit(TieredEvent::BreakerOpened);
                }
            }
            return Err(L2Error::Failed(error));
        }
    }

    /// Reads one record that cannot be longer than `max_bytes` (a longer one
    /// is [`L2Error::Corrupt`] and never copied).
    pub(crate) async fn get_one(&self, key: &str, max_bytes: u64) -> L2Result<Option<Vec<u8>>> {
        self.call(Op::Get, || self.backend.get_bounded(key, max_bytes))
            .await
    }

    /// Reads `keys` in batches of at most `max_batch_get`, each record at most
    /// `max_bytes` long (see [`TieredCache::get_one`]).
    pub(crate) async fn get_batched(
        &self,
        keys: &[String],
        max_bytes: u64,
    ) -> L2Result<Vec<Option<Vec<u8>>>> {
        if let [key] = keys {
            return Ok(vec![self.get_one(key, max_bytes).await?]);
        }
        let mut out = Vec::with_capacity(keys.len());
        for batch in keys.chunks(self.caps.max_batch_get.max(1)) {
            out.extend(
                self.call(Op::GetMany, || {
                    self.backend.get_many_bounded(batch, max_bytes)
                })
                .await?,
            );
        }
        Ok(out)
    }

    /// Writes `items` in batches of at most `max_batch_set`.
    pub(crate) async fn set_batched(
        &self,
        items: &[(String, Vec<u8>)],
        ttl_hint_ms: Option<u64>,
    ) -> L2Result<()> {
        if let [(key, value)] = items {
            return self
                .call(Op::Set, || self.backend.set(key, value, ttl_hint_ms))
                .await;
        }
        for batch in items.chunks(self.caps.max_batch_set.max(1)) {
            self.call(Op::SetMany, || self.backend.set_many(batch, ttl_hint_ms))
                .await?;
        }
        Ok(())
    }

    /// Deletes `keys` in batches of at most `max_batch_delete`.
    pub(crate) async fn delete_batched(&self, keys: &[String]) -> L2Result<()> {
        if let [key] = keys {
            return self.call(Op::Delete, || self.backend.delete(key)).await;
        }
        for batch in keys.chunks(self.caps.max_batch_delete.max(1)) {
            self.call(Op::DeleteMany, || self.backend.delete_many(batch))
                .await?;
        }
        Ok(())
    }
}
