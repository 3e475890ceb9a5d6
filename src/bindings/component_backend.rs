//! The host's `edgecache:cache/backend` import as a core [`Backend`]: the L2
//! of the component's tiered cache.
//!
//! WASI 0.2 imports are synchronous, so every future here is ready on its
//! first poll; the tiered binding drives whole cache calls with
//! [`crate::backend::poll_ready`]. Retries never sleep: `Backend::sleep` keeps
//! its default (return at once), since a synchronous host has no timer to
//! yield to and blocking the instance would stall the host instead.

use crate::backend::{Backend, BackendCaps, BackendError, BackendErrorKind, BackendResult};

use super::component::wit::edgecache::cache::backend as host;

/// The host backend, with the caps it announced when the cache was built.
pub(crate) struct WitBackend {
    caps: BackendCaps,
}

impl WitBackend {
    /// Asks the host for its caps (validated later by `TieredCache::new`).
    pub(crate) fn from_host() -> Self {
        WitBackend {
            caps: to_caps(&host::caps()),
        }
    }
}

/// The core's caps for the host's record. The WIT backend has no batch
/// writes or deletes: the core's defaults loop over single calls, so those
/// limits only size the loops.
pub(crate) fn to_caps(c: &host::Capabilities) -> BackendCaps {
    let widen = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    BackendCaps {
        min_ttl_ms: c.min_ttl_ms,
        max_ttl_ms: c.max_ttl_ms,
        max_key_bytes: widen(c.max_key_bytes),
        max_value_bytes: c.max_value_bytes,
        max_batch_get: widen(c.max_batch_get),
        max_batch_set: 64,
        max_batch_delete: 64,
        has_listing: c.has_listing,
        has_atomic: c.has_atomic,
    }
}

/// The core's backend error for the host's failure record.
pub(crate) fn to_backend_error(f: host::BackendFailure) -> BackendError {
    let kind = match f.kind {
        host::FailureKind::Transient => BackendErrorKind::Transient,
        host::FailureKind::Permanent => BackendErrorKind::Permanent,
        host::FailureKind::Timeout(after_ms) => BackendErrorKind::Timeout { after_ms },
    };
    BackendError::new(kind, f.message)
}

impl Backend for WitBackend {
    fn caps(&self) -> BackendCaps {
        self.caps.clone()
    }

    async fn get(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        host::get(key).map_err(to_backend_error)
    }

    async fn set(&self, key: &str, value: &[u8], ttl_hint_ms: Option<u64>) -> BackendResult<()> {
        host::set(key, value, ttl_hint_ms).map_err(to_backend_error)
    }

    async fn delete(&self, key: &str) -> BackendResult<()> {
        host::delete(key).map_err(to_backend_error)
    }

    async fn get_many(&self, keys: &[String]) -> BackendResult<Vec<Option<Vec<u8>>>> {
        let values = host::get_many(keys).map_err(to_backend_error)?;
        // A host answering with the wrong count would misalign values and keys.
        if values.len() != keys.len() {
            return Err(BackendError::permanent(format!(
                "get-many returned {} values for {} keys",
                values.len(),
                keys.len()
            )));
        }
        Ok(values)
    }

    async fn list_keys(&self, prefix: &str) -> BackendResult<Vec<String>> {
        if !self.caps.has_listing {
            return Err(BackendError::unsupported("listing keys"));
        }
        host::list_keys(prefix).map_err(to_backend_error)
    }

    async fn set_if_absent(&self, key: &str, value: &[u8], ttl_ms: u64) -> BackendResult<bool> {
        if !self.caps.has_atomic {
            return Err(BackendError::unsupported("atomic set-if-absent"));
        }
        host::set_if_absent(key, value, ttl_ms).map_err(to_backend_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> host::Capabilities {
        host::Capabilities {
            min_ttl_ms: 60_000,
            max_ttl_ms: None,
            max_key_bytes: 512,
            max_value_bytes: 25 << 20,
            max_batch_get: 100,
            has_listing: true,
            has_atomic: false,
        }
    }

    #[test]
    fn host_caps_become_core_caps_that_clamp_ttl_hints() {
        let c = to_caps(&caps());
        assert_eq!(c.max_key_bytes, 512);
        assert_eq!(c.max_batch_get, 100);
        assert!(c.has_listing && !c.has_atomic);
        assert_eq!(c.clamp_ttl(Some(5_000)), Some(60_000));
        assert!(c.validate().is_ok());
    }

    #[test]
    fn impossible_host_caps_are_refused_by_validation() {
        let tiny = host::Capabilities {
            max_key_bytes: 8,
            ..caps()
        };
        assert_eq!(
            to_caps(&tiny).validate().map_err(|e| e.code()),
            Err("INVALID_OPTION")
        );
    }

    #[test]
    fn failure_kinds_keep_their_retry_meaning() {
        let fail = |kind| host::BackendFailure {
            kind,
            message: "kv said no".into(),
        };
        let e = to_backend_error(fail(host::FailureKind::Transient));
        assert!(e.is_transient());
        assert_eq!(e.message, "kv said no");
        let e = to_backend_error(fail(host::FailureKind::Permanent));
        assert_eq!(e.to_cache_error("get").code(), "BACKEND_ERROR");
        let e = to_backend_error(fail(host::FailureKind::Timeout(250)));
        assert_eq!(
            e.to_cache_error("get"),
            crate::CacheError::Timeout { after_ms: 250 }
        );
    }
}
