//! The standard `wasi:keyvalue` (0.2.0-draft) imports as a core [`Backend`]:
//! the L2 of the `tiered-keyvalue` world, for hosts that already provide
//! wasi:keyvalue (wasmtime-wasi-keyvalue, Spin, wasmCloud).
//!
//! What the draft cannot say, the caps say for it: no TTLs (hints are dropped;
//! the envelope's own expiry decides freshness, the store keeps entries until
//! they are overwritten or deleted), no set-if-absent (so no cross-instance
//! leases; `atomics` only offers `increment`), and listing is the whole bucket
//! page by page, filtered here by prefix. Batches go through `batch`.
//!
//! The bucket is the one the host knows by `EDGECACHE_KV_BUCKET` ("" when
//! unset: wasmtime's in-memory bucket). A bucket that cannot be opened makes
//! every call fail as a permanent backend error (the cache keeps serving L1).

use crate::backend::{Backend, BackendCaps, BackendError, BackendResult};

use super::component::wit::wasi::keyvalue::{batch, store};

/// The environment variable naming the bucket to open.
const BUCKET_VARIABLE: &str = "EDGECACHE_KV_BUCKET";

/// Most pages one `list-keys` walk reads before giving up (a host whose
/// cursor never ends would otherwise loop forever).
const MAX_LIST_PAGES: usize = 100_000;

/// The bucket, or why it could not be opened.
pub(crate) struct KeyvalueBackend {
    bucket: Result<store::Bucket, BackendError>,
}

impl KeyvalueBackend {
    /// Opens the configured bucket.
    pub(crate) fn from_host() -> Self {
        let identifier = std::env::var(BUCKET_VARIABLE).unwrap_or_default();
        let bucket = store::open(&identifier).map_err(|e| {
            BackendError::permanent(format!(
                "wasi:keyvalue bucket {identifier:?}: {}",
                describe(&e)
            ))
        });
        KeyvalueBackend { bucket }
    }

    fn bucket(&self) -> BackendResult<&store::Bucket> {
        self.bucket.as_ref().map_err(Clone::clone)
    }
}

/// The caps of a wasi:keyvalue store: limits a typical service accepts (larger
/// entries are chunked, longer keys hashed by the core), no TTLs, no atomics.
pub(crate) fn keyvalue_caps() -> BackendCaps {
    BackendCaps {
        min_ttl_ms: 0,
        max_ttl_ms: None,
        max_key_bytes: 1024,
        max_value_bytes: 1 << 20,
        max_batch_get: 100,
        max_batch_set: 100,
        max_batch_delete: 100,
        has_listing: true,
        has_atomic: false,
    }
}

fn describe(e: &store::Error) -> String {
    match e {
        store::Error::NoSuchStore => "no such store".to_string(),
        store::Error::AccessDenied => "access denied".to_string(),
        store::Error::Other(message) => message.clone(),
    }
}

/// The core's error for a keyvalue error: a missing or forbidden store will
/// not heal by retrying; anything else (I/O, the service) might.
fn to_backend_error(e: store::Error) -> BackendError {
    match e {
        store::Error::NoSuchStore | store::Error::AccessDenied => {
            BackendError::permanent(format!("wasi:keyvalue: {}", describe(&e)))
        }
        store::Error::Other(message) => {
            BackendError::transient(format!("wasi:keyvalue: {message}"))
        }
    }
}

impl Backend for KeyvalueBackend {
    fn caps(&self) -> BackendCaps {
        keyvalue_caps()
    }

    async fn get(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        self.bucket()?.get(key).map_err(to_backend_error)
    }

    /// wasi:keyvalue has no TTL: the hint is dropped.
    async fn set(&self, key: &str, value: &[u8], _ttl_hint_ms: Option<u64>) -> BackendResult<()> {
        self.bucket()?.set(key, value).map_err(to_backend_error)
    }

    async fn delete(&self, key: &str) -> BackendResult<()> {
        self.bucket()?.delete(key).map_err(to_backend_error)
    }

    async fn get_many(&self, keys: &[String]) -> BackendResult<Vec<Option<Vec<u8>>>> {
        let pairs = batch::get_many(self.bucket()?, keys).map_err(to_backend_error)?;
        // A host answering with the wrong count, or pairs for other keys,
        // would hand one key's value to another.
        if pairs.len() != keys.len() {
            return Err(BackendError::permanent(format!(
                "get-many returned {} values for {} keys",
                pairs.len(),
                keys.len()
            )));
        }
        pairs
            .into_iter()
            .zip(keys)
            .map(|(pair, key)| match pair {
                None => Ok(None),
                Some((k, value)) if k == *key => Ok(Some(value)),
                Some((k, _)) => Err(BackendError::permanent(format!(
                    "get-many answered key {k:?} for {key:?}"
                ))),
            })
            .collect()
    }

    async fn set_many(&self, items: &[(String, Vec<u8>)], _ttl: Option<u64>) -> BackendResult<()> {
        batch::set_many(self.bucket()?, items).map_err(to_backend_error)
    }

    async fn delete_many(&self, keys: &[String]) -> BackendResult<()> {
        batch::delete_many(self.bucket()?, keys).map_err(to_backend_error)
    }

    async fn list_keys(&self, prefix: &str) -> BackendResult<Vec<String>> {
        let bucket = self.bucket()?;
        let mut keys = Vec::new();
        let mut cursor = None;
        for _ in 0..MAX_LIST_PAGES {
            let page = bucket.list_keys(cursor).map_err(to_backend_error)?;
            keys.extend(page.keys.into_iter().filter(|k| k.starts_with(prefix)));
            match page.cursor {
                None => return Ok(keys),
                Some(next) => cursor = Some(next),
            }
        }
        Err(BackendError::permanent(format!(
            "list-keys did not end within {MAX_LIST_PAGES} pages"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_state_no_ttl_no_atomics_and_validate() {
        let caps = keyvalue_caps();
        assert!(caps.validate().is_ok());
        assert!(caps.has_listing && !caps.has_atomic);
        assert_eq!(
            caps.clamp_ttl(Some(5)),
            Some(5),
            "hints pass (then dropped)"
        );
    }

    #[test]
    fn store_errors_keep_their_retry_meaning() {
        assert!(!to_backend_error(store::Error::NoSuchStore).is_transient());
        assert!(!to_backend_error(store::Error::AccessDenied).is_transient());
        let e = to_backend_error(store::Error::Other("disk full".into()));
        assert!(e.is_transient());
        assert_eq!(e.message, "wasi:keyvalue: disk full");
    }
}
