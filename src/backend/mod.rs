//! The storage behind the memory tier (L2): the [`Backend`] trait every host
//! service implements, its honest limits ([`BackendCaps`]) and its errors
//! ([`BackendError`]).
//!
//! # Implementing a backend
//!
//! Methods are `async fn` without a `Send` bound, so they can be implemented by
//! - a wasm-bindgen JS object whose methods return Promises (the future awaits
//!   a `JsFuture`), and
//! - synchronous WIT imports, whose futures are ready at once: the component
//!   binding drives a whole cache call with [`poll_ready`].
//!
//! The core never measures time on its own and never starts a timer:
//! - **Timeouts** are enforced by the host adapter (JS: `Promise.race` with a
//!   timer; WIT: the host's own deadline) and reported as
//!   [`BackendErrorKind::Timeout`].
//! - **Sleeping** between retries is [`Backend::sleep`] (JS: a `setTimeout`
//!   Promise). The default returns at once, which is right for synchronous hosts.
//!
//! Batch methods have default implementations that loop over the single ones;
//! services with batch commands (Redis pipelines, Deno KV `getMany`) override
//! them. The core never sends more items in one batch than [`BackendCaps`] allows.

mod memory;
mod presets;

use core::fmt;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

pub use memory::{Fault, MemoryBackend};
pub use presets::PRESET_NAMES;

/// What a backend can hold and do. The core adapts to it: TTLs are clamped,
/// long keys hashed, large values chunked or refused, batches split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendCaps {
    /// Shortest TTL the service accepts, in ms (Workers KV: 60 000). Shorter hints are raised.
    pub min_ttl_ms: u64,
    /// Longest finite TTL the service accepts, in ms; `None` = no limit.
    pub max_ttl_ms: Option<u64>,
    /// Longest key, in UTF-8 bytes (at least 64).
    pub max_key_bytes: usize,
    /// Largest value, in bytes (at least 256). Larger entries are chunked or refused.
    pub max_value_bytes: u64,
    /// Most keys in one `get_many` (at least 1).
    pub max_batch_get: usize,
    /// Most items in one `set_many` (at least 1).
    pub max_batch_set: usize,
    /// Most keys in one `delete_many` (at least 1).
    pub max_batch_delete: usize,
    /// `list_keys(prefix)` works.
    pub has_listing: bool,
    /// `set_if_absent` is atomic across instances (Redis `SET NX PX`, Deno KV atomic check).
    pub has_atomic: bool,
}

impl BackendCaps {
    /// No practical limits: for tests and in-process backends.
    pub fn unlimited() -> Self {
        BackendCaps {
            min_ttl_ms: 0,
            max_ttl_ms: None,
            max_key_bytes: 4096,
            max_value_bytes: 64 << 20,
            max_batch_get: 1000,
            max_batch_set: 1000,
            max_batch_delete: 1000,
            has_listing: true,
            has_atomic: true,
        }
    }

    /// Cloudflare Workers KV: TTL at least 60 s, keys up to 512 bytes, values up
    /// to 25 MiB, `get` of up to 100 keys, listing by prefix, no atomics.
    pub fn workers_kv() -> Self {
        BackendCaps {
            min_ttl_ms: 60_000,
            max_ttl_ms: None,
            max_key_bytes: 512,
            max_value_bytes: 25 << 20,
            max_batch_get: 100,
            max_batch_set: 1,
            max_batch_delete: 1,
            has_listing: true,
            has_atomic: false,
        }
    }

    /// Deno KV: keys up to 2 KiB, values up to 64 KiB, `getMany` of 10, atomic checks, listing.
    /// Deno applies both limits after serialising the key array and the value,
    /// so the usable sizes are a little lower (found by the Deno KV tests).
    pub fn deno_kv() -> Self {
        BackendCaps {
            min_ttl_ms: 0,
            max_ttl_ms: None,
            max_key_bytes: 2000,
            max_value_bytes: 63 << 10,
            max_batch_get: 10,
            max_batch_set: 10,
            max_batch_delete: 10,
            has_listing: true,
            has_atomic: true,
        }
    }

    /// Redis over HTTP (Upstash REST): 1 MiB request bodies, pipelines, `SCAN`, `SET NX PX`.
    /// Values travel base64-encoded inside a JSON body, so 760 KiB of value fills it.
    pub fn redis_http() -> Self {
        BackendCaps {
            min_ttl_ms: 1,
            max_ttl_ms: None,
            max_key_bytes: 1024,
            max_value_bytes: 760 << 10,
            max_batch_get: 100,
            max_batch_set: 100,
            max_batch_delete: 100,
            has_listing: true,
            has_atomic: true,
        }
    }

    /// The TTL hint to send: `None` (keep forever) stays `None`; a finite hint is
    /// raised to `min_ttl_ms` and lowered to `max_ttl_ms`. The envelope's own
    /// expiry stays the truth, so a longer backend TTL is harmless.
    pub fn clamp_ttl(&self, hint_ms: Option<u64>) -> Option<u64> {
        let ms = hint_ms?.max(self.min_ttl_ms).max(1);
        Some(self.max_ttl_ms.map_or(ms, |max| ms.min(max)))
    }

    /// Checks the limits the core relies on.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |reason: &str| {
            Err(crate::CacheError::InvalidOption {
                name: "backend caps",
                reason: reason.to_string(),
            })
        };
        if self.max_key_bytes < 64 {
            return bad("max_key_bytes must be at least 64");
        }
        if self.max_value_bytes < 256 {
            return bad("max_value_bytes must be at least 256");
        }
        if self.max_batch_get == 0 || self.max_batch_set == 0 || self.max_batch_delete == 0 {
            return bad("batch limits must be at least 1");
        }
        if self.max_ttl_ms.is_some_and(|max| max < self.min_ttl_ms) {
            return bad("max_ttl_ms is below min_ttl_ms");
        }
        Ok(())
    }
}

/// Whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendErrorKind {
    /// Worth retrying: HTTP 429/5xx, a dropped connection.
    Transient,
    /// Retrying will not help: bad credentials, a value the service refuses.
    Permanent,
    /// The host adapter gave up waiting after `after_ms`. Not retried (the time
    /// is already spent) but counted by the circuit breaker.
    Timeout {
        /// After how long, in ms.
        after_ms: u64,
    },
    /// The backend does not offer this operation (listing, atomic set).
    Unsupported,
    /// A value read back is larger than any record the reader asked for
    /// (see [`Backend::get_bounded`]): it was not copied. The store holds
    /// something this cache never wrote; the reader counts it as corrupt.
    Oversized {
        /// The value's size in bytes.
        size: u64,
        /// The largest size the read allowed.
        limit: u64,
    },
}

/// A failure reported by a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    /// What kind of failure (decides retries and the breaker).
    pub kind: BackendErrorKind,
    /// Human-readable; adapters never put credentials here.
    pub message: String,
    /// Opaque handle of the original host exception (for example an index into
    /// a JS-side table), so the binding can attach it as the error's `cause`.
    pub cause: Option<u32>,
}

impl BackendError {
    /// A failure worth retrying.
    pub fn transient(message: impl Into<String>) -> Self {
        Self::new(BackendErrorKind::Transient, message)
    }

    /// A failure not worth retrying.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self::new(BackendErrorKind::Permanent, message)
    }

    /// A call that did not answer within `after_ms`.
    pub fn timeout(after_ms: u64) -> Self {
        Self::new(
            BackendErrorKind::Timeout { after_ms },
            format!("no answer within {after_ms} ms"),
        )
    }

    /// The default answer of optional operations.
    pub fn unsupported(what: &str) -> Self {
        Self::new(
            BackendErrorKind::Unsupported,
            format!("this backend does not support {what}"),
        )
    }

    /// A failure of `kind` with `message` (no credentials in it).
    pub fn new(kind: BackendErrorKind, message: impl Into<String>) -> Self {
        BackendError {
            kind,
            message: message.into(),
            cause: None,
        }
    }

    /// A read answer of `size` bytes where at most `limit` were asked for.
    pub fn oversized(size: u64, limit: u64) -> Self {
        Self::new(
            BackendErrorKind::Oversized { size, limit },
            format!(
                "the backend returned {size} bytes where at most {limit} can be a valid record"
            ),
        )
    }

    /// Attaches the host's handle of the original exception.
    pub fn with_cause(mut self, cause: u32) -> Self {
        self.cause = Some(cause);
        self
    }

    /// Whether a retry may succeed.
    pub fn is_transient(&self) -> bool {
        self.kind == BackendErrorKind::Transient
    }

    /// The crate error this becomes at a public boundary.
    pub fn to_cache_error(&self, what: &'static str) -> crate::CacheError {
        match self.kind {
            BackendErrorKind::Timeout { after_ms } => crate::CacheError::Timeout { after_ms },
            BackendErrorKind::Unsupported => crate::CacheError::Unsupported { what },
            BackendErrorKind::Oversized { .. } => crate::CacheError::corrupt(
                "the backend returned a value larger than any record this cache writes",
            ),
            BackendErrorKind::Transient | BackendErrorKind::Permanent => {
                crate::CacheError::Backend {
                    message: self.message.clone(),
                }
            }
        }
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `value` unless it is longer than `max_bytes` (then [`BackendErrorKind::Oversized`]).
pub fn within(value: Option<Vec<u8>>, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
    match value {
        Some(bytes) if bytes.len() as u64 > max_bytes => {
            Err(BackendError::oversized(bytes.len() as u64, max_bytes))
        }
        other => Ok(other),
    }
}

/// Result of a backend call.
pub type BackendResult<T> = core::result::Result<T, BackendError>;

/// A key-value storage service: the L2 of a [`crate::tiered::TieredCache`].
///
/// Keys handed to a backend are already laid out and fitted to
/// [`BackendCaps::max_key_bytes`]; values are already within
/// [`BackendCaps::max_value_bytes`].
// No `Send` on purpose: JS futures are not Send, and everything is single-threaded.
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// The service's limits; read once when the cache is built.
    fn caps(&self) -> BackendCaps;

    /// The value of `key`, or `None`.
    async fn get(&self, key: &str) -> BackendResult<Option<Vec<u8>>>;

    /// Stores `value`; `ttl_hint_ms` (already clamped to the caps) lets the
    /// service collect garbage, `None` means keep until deleted.
    async fn set(&self, key: &str, value: &[u8], ttl_hint_ms: Option<u64>) -> BackendResult<()>;

    /// Removes `key` (absent is fine).
    async fn delete(&self, key: &str) -> BackendResult<()>;

    /// [`Backend::get`] of a record that cannot be longer than `max_bytes`: a
    /// longer value is a [`BackendErrorKind::Oversized`] error. Hosts override
    /// it to check the size *before* copying the value into wasm memory (which
    /// never shrinks); this default checks after.
    async fn get_bounded(&self, key: &str, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
        let value = self.get(key).await?;
        within(value, max_bytes)
    }

    /// [`Backend::get_many`] with the bound of [`Backend::get_bounded`] on every value.
    async fn get_many_bounded(
        &self,
        keys: &[String],
        max_bytes: u64,
    ) -> BackendResult<Vec<Option<Vec<u8>>>> {
        let values = self.get_many(keys).await?;
        values.into_iter().map(|v| within(v, max_bytes)).collect()
    }

    /// Values of several keys, in order. At most `caps().max_batch_get` keys.
    async fn get_many(&self, keys: &[String]) -> BackendResult<Vec<Option<Vec<u8>>>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            out.push(self.get(key).await?);
        }
        Ok(out)
    }

    /// Stores several items with one TTL hint. At most `caps().max_batch_set` items.
    async fn set_many(
        &self,
        items: &[(String, Vec<u8>)],
        ttl_hint_ms: Option<u64>,
    ) -> BackendResult<()> {
        for (key, value) in items {
            self.set(key, value, ttl_hint_ms).await?;
        }
        Ok(())
    }

    /// Removes several keys. At most `caps().max_batch_delete` keys.
    async fn delete_many(&self, keys: &[String]) -> BackendResult<()> {
        for key in keys {
            self.delete(key).await?;
        }
        Ok(())
    }

    /// Every key starting with `prefix` (only when `caps().has_listing`).
    async fn list_keys(&self, prefix: &str) -> BackendResult<Vec<String>> {
        let _ = prefix;
        Err(BackendError::unsupported("listing keys"))
    }

    /// Stores `value` only if `key` is absent, atomically across instances;
    /// true if stored (only when `caps().has_atomic`).
    async fn set_if_absent(&self, key: &str, value: &[u8], ttl_ms: u64) -> BackendResult<bool> {
        let _ = (key, value, ttl_ms);
        Err(BackendError::unsupported("atomic set-if-absent"))
    }

    /// Waits `ms` before a retry. The default does not wait (synchronous hosts).
    async fn sleep(&self, ms: u64) {
        let _ = ms;
    }
}

/// Polls `future` once with a no-op waker: the output if it completed. For
/// hosts whose backend futures are always ready (WIT imports), one poll runs
/// a whole cache call to completion.
pub fn poll_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_hints_are_clamped_to_the_caps() {
        let kv = BackendCaps::workers_kv();
        assert_eq!(kv.clamp_ttl(Some(5_000)), Some(60_000));
        assert_eq!(kv.clamp_ttl(Some(90_000)), Some(90_000));
        assert_eq!(kv.clamp_ttl(None), None);
        let capped = BackendCaps {
            max_ttl_ms: Some(1_000),
            ..BackendCaps::unlimited()
        };
        assert_eq!(capped.clamp_ttl(Some(5_000)), Some(1_000));
        assert_eq!(capped.clamp_ttl(Some(0)), Some(1));
    }

    #[test]
    fn caps_presets_are_valid_and_bad_caps_are_refused() {
        for caps in [
            BackendCaps::unlimited(),
            BackendCaps::workers_kv(),
            BackendCaps::deno_kv(),
            BackendCaps::redis_http(),
        ] {
            assert!(caps.validate().is_ok());
        }
        let bad = BackendCaps {
            max_batch_get: 0,
            ..BackendCaps::unlimited()
        };
        assert_eq!(bad.validate().map_err(|e| e.code()), Err("INVALID_OPTION"));
    }

    #[test]
    fn errors_map_to_stable_codes() {
        assert_eq!(
            BackendError::timeout(50).to_cache_error("get").code(),
            "BACKEND_TIMEOUT"
        );
        assert_eq!(
            BackendError::transient("429").to_cache_error("get").code(),
            "BACKEND_ERROR"
        );
        assert_eq!(
            BackendError::unsupported("x")
                .to_cache_error("listing")
                .code(),
            "UNSUPPORTED"
        );
        assert_eq!(BackendError::permanent("no").with_cause(7).cause, Some(7));
    }
}
