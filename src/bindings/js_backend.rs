//! `JsBackend`: the core's [`Backend`] over a JS adapter object (see
//! js/adapters/), whose methods return Promises or plain values.
//!
//! The adapter object:
//! - `caps`: `{ preset?, minTtlMs?, maxTtlMs?, maxKeyBytes?, maxValueBytes?,
//!   maxBatchGet?, maxBatchSet?, maxBatchDelete?, hasListing?, hasAtomic? }`;
//!   `preset` is `'workers-kv'`, `'deno-kv'`, `'redis-http'` or `'unlimited'`
//!   (the default), the other fields override it.
//! - `get(key)` → `Uint8Array | ArrayBuffer | undefined | null` (through
//!   js/adapters/guard.js, which hands this binding fresh Uint8Array views);
//!   `set(key, bytes, ttlMs | undefined)`; `delete(key)`;
//!   optional `getMany(keys)`, `setMany([[key, bytes]...], ttlMs)`,
//!   `deleteMany(keys)`, `listKeys(prefix)` → `string[]`,
//!   `setIfAbsent(key, bytes, ttlMs)` → `boolean`.
//!
//! A failure is a thrown exception or a rejection. The adapter classifies it
//! by a `kind` property (`'transient'`, `'permanent'`, `'timeout'` with
//! `afterMs`, `'unsupported'`); anything unclassified is permanent. The
//! original exception is kept in a [`CauseTable`] and its handle travels in
//! [`BackendError::cause`], so the binding can hand the very same object to
//! JS as the `cause` of the error it reports. Only classified errors lend
//! their message: an arbitrary host exception might carry a token.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::backend::{Backend, BackendCaps, BackendError, BackendErrorKind, BackendResult};
use crate::error::{CacheError, Result};

/// How many original exceptions are kept waiting for their event. Every
/// backend failure is reported at once, so a small ring is plenty; the
/// bound keeps a misbehaving host from growing wasm memory.
const MAX_CAUSES: usize = 64;

/// Original JS exceptions by handle (see the module docs).
#[derive(Default)]
pub(crate) struct CauseTable {
    next: u32,
    entries: VecDeque<(u32, JsValue)>,
}

impl CauseTable {
    fn store(&mut self, cause: JsValue) -> u32 {
        let id = self.next;
        self.next = self.next.wrapping_add(1);
        if self.entries.len() >= MAX_CAUSES {
            self.entries.pop_front();
        }
        self.entries.push_back((id, cause));
        id
    }

    /// Takes the exception out (each is reported once).
    pub(crate) fn take(&mut self, id: u32) -> Option<JsValue> {
        let at = self.entries.iter().position(|(i, _)| *i == id)?;
        self.entries.remove(at).map(|(_, cause)| cause)
    }
}

/// Shared handle on a [`CauseTable`].
pub(crate) type Causes = Rc<RefCell<CauseTable>>;

/// A [`Backend`] calling a JS adapter object.
pub(crate) struct JsBackend {
    adapter: JsValue,
    caps: BackendCaps,
    causes: Causes,
}

impl JsBackend {
    /// Wraps `adapter`, reading its caps once; fails if it lacks get/set/delete.
    pub(crate) fn new(adapter: JsValue, causes: Causes) -> Result<Self> {
        if !adapter.is_object() {
            return Err(invalid("expected an adapter object"));
        }
        for name in ["get", "set", "delete"] {
            if method(&adapter, name).is_none() {
                return Err(invalid(&format!("the adapter has no `{name}` method")));
            }
        }
        let mut caps = read_caps(&Reflect::get(&adapter, &"caps".into()).unwrap_or_default())?;
        // An adapter without the method cannot offer the capability, whatever it says.
        caps.has_listing &= method(&adapter, "listKeys").is_some();
        caps.has_atomic &= method(&adapter, "setIfAbsent").is_some();
        caps.validate()?;
        Ok(JsBackend {
            adapter,
            caps,
            causes,
        })
    }

    /// Calls `adapter[name](...args)` and awaits the result.
    async fn invoke(&self, name: &str, args: &[JsValue]) -> BackendResult<JsValue> {
        let Some(f) = method(&self.adapter, name) else {
            return Err(BackendError::unsupported(name));
        };
        let array: Array = args.iter().collect();
        let returned = f
            .apply(&self.adapter, &array)
            .map_err(|e| self.classify(e))?;
        // Promise.resolve also adopts thenables and passes plain values through.
        JsFuture::from(Promise::resolve(&returned))
            .await
            .map_err(|e| self.classify(e))
    }

    fn classify(&self, error: JsValue) -> BackendError {
        let field = |name: &str| {
            if error.is_object() {
                Reflect::get(&error, &name.into()).unwrap_or_default()
            } else {
                JsValue::UNDEFINED
            }
        };
        let kind = match field("kind").as_string().as_deref() {
            Some("transient") => Some(BackendErrorKind::Transient),
            Some("permanent") => Some(BackendErrorKind::Permanent),
            Some("timeout") => Some(BackendErrorKind::Timeout {
                after_ms: field("afterMs")
                    .as_f64()
                    .filter(|ms| ms.is_finite() && *ms >= 0.0)
                    // Finite and non-negative: the cast saturates, never traps.
                    .map_or(0, |ms| ms as u64),
            }),
            Some("unsupported") => Some(BackendErrorKind::Unsupported),
            _ => None,
        };
        let (kind, message) = match kind {
            Some(kind) => (
                kind,
                field("message")
                    .as_string()
                    .unwrap_or_else(|| "backend error".to_string()),
            ),
            None => (
                BackendErrorKind::Permanent,
                "the backend adapter threw an unclassified error (see cause)".to_string(),
            ),
        };
        let id = match self.causes.try_borrow_mut() {
            Ok(mut table) => Some(table.store(error)),
            Err(_) => None,
        };
        let out = BackendError::new(kind, message);
        match id {
            Some(id) => out.with_cause(id),
            None => out,
        }
    }

    fn garbage(&self, what: &str, got: &JsValue) -> BackendError {
        let detail = format!("the adapter returned {}, expected {what}", kind_of(got));
        self.classify(permanent_js_error(&detail))
    }

    /// Copies an answer into wasm memory if it is at most `max_bytes` long;
    /// the size is read first, so an oversized answer is never copied. The JS
    /// guard (js/adapters/guard.js) hands over fresh Uint8Array views only;
    /// anything else is refused without touching it.
    fn bytes_of(&self, value: &JsValue, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let Some(array) = value.dyn_ref::<Uint8Array>() else {
            return Err(self.garbage("a Uint8Array or undefined", value));
        };
        let size = u64::from(array.byte_length());
        if size > max_bytes {
            return Err(BackendError::oversized(size, max_bytes));
        }
        Ok(Some(array.to_vec()))
    }
}

/// A JS error classified as permanent (used when the binding itself detects
/// a bad answer, so it is reported like any adapter failure).
fn permanent_js_error(message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"kind".into(), &"permanent".into());
    error.into()
}

impl Backend for JsBackend {
    fn caps(&self) -> BackendCaps {
        self.caps.clone()
    }

    async fn get(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        self.get_bounded(key, u64::MAX).await
    }

    async fn get_bounded(&self, key: &str, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
        let value = self.invoke("get", &[key.into()]).await?;
        self.bytes_of(&value, max_bytes)
    }

    async fn set(&self, key: &str, value: &[u8], ttl_hint_ms: Option<u64>) -> BackendResult<()> {
        let bytes = Uint8Array::from(value);
        self.invoke("set", &[key.into(), bytes.into(), ms(ttl_hint_ms)])
            .await
            .map(drop)
    }

    async fn delete(&self, key: &str) -> BackendResult<()> {
        self.invoke("delete", &[key.into()]).await.map(drop)
    }

    async fn get_many(&self, keys: &[String]) -> BackendResult<Vec<Option<Vec<u8>>>> {
        self.get_many_bounded(keys, u64::MAX).await
    }

    async fn get_many_bounded(
        &self,
        keys: &[String],
        max_bytes: u64,
    ) -> BackendResult<Vec<Option<Vec<u8>>>> {
        if method(&self.adapter, "getMany").is_none() {
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                out.push(self.get_bounded(key, max_bytes).await?);
            }
            return Ok(out);
        }
        let list: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        let values = self.invoke("getMany", &[list.into()]).await?;
        let Some(values) = values
            .dyn_ref::<Array>()
            .filter(|a| a.length() as usize == keys.len())
        else {
            return Err(self.garbage("an array with one value per key", &values));
        };
        // Every size is checked before any value is copied.
        for value in values.iter() {
            if let Some(array) = value.dyn_ref::<Uint8Array>() {
                let size = u64::from(array.byte_length());
                if size > max_bytes {
                    return Err(BackendError::oversized(size, max_bytes));
                }
            }
        }
        values
            .iter()
            .map(|v| self.bytes_of(&v, max_bytes))
            .collect()
    }

    async fn set_many(
        &self,
        items: &[(String, Vec<u8>)],
        ttl_hint_ms: Option<u64>,
    ) -> BackendResult<()> {
        if method(&self.adapter, "setMany").is_none() {
            for (key, value) in items {
                self.set(key, value, ttl_hint_ms).await?;
            }
            return Ok(());
        }
        let list: Array = items
            .iter()
            .map(|(k, v)| -> JsValue {
                let pair: Array = [JsValue::from_str(k), Uint8Array::from(v.as_slice()).into()]
                    .iter()
                    .collect();
                pair.into()
            })
            .collect();
        self.invoke("setMany", &[list.into(), ms(ttl_hint_ms)])
            .await
            .map(drop)
    }

    async fn delete_many(&self, keys: &[String]) -> BackendResult<()> {
        if method(&self.adapter, "deleteMany").is_none() {
            for key in keys {
                self.delete(key).await?;
            }
            return Ok(());
        }
        let list: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        self.invoke("deleteMany", &[list.into()]).await.map(drop)
    }

    async fn list_keys(&self, prefix: &str) -> BackendResult<Vec<String>> {
        let keys = self.invoke("listKeys", &[prefix.into()]).await?;
        let strings = keys
            .dyn_ref::<Array>()
            .and_then(|a| a.iter().map(|k| k.as_string()).collect::<Option<Vec<_>>>());
        strings.ok_or_else(|| self.garbage("an array of strings", &keys))
    }

    async fn set_if_absent(&self, key: &str, value: &[u8], ttl_ms: u64) -> BackendResult<bool> {
        let bytes = Uint8Array::from(value);
        let stored = self
            .invoke("setIfAbsent", &[key.into(), bytes.into(), ms(Some(ttl_ms))])
            .await?;
        stored
            .as_bool()
            .ok_or_else(|| self.garbage("a boolean", &stored))
    }

    /// A `setTimeout` Promise (every host here has one); no wait if it is missing.
    async fn sleep(&self, ms_: u64) {
        if ms_ == 0 {
            return;
        }
        let global = js_sys::global();
        let Some(set_timeout) = Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return;
        };
        let delay = JsValue::from_f64(ms_ as f64);
        let promise = Promise::new(&mut |resolve, _reject| {
            // If scheduling fails, resolve now rather than hang the retry.
            if set_timeout.call2(&global, &resolve, &delay).is_err() {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}

fn method(adapter: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(adapter, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// A TTL in ms as a JS number, `undefined` for none.
fn ms(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, |ms| JsValue::from_f64(ms as f64))
}

fn invalid(reason: &str) -> CacheError {
    CacheError::InvalidOption {
        name: "backend",
        reason: reason.to_string(),
    }
}

fn kind_of(value: &JsValue) -> String {
    crate::bindings::js_args::type_name(value)
}

/// Reads the adapter's `caps` object (see the module docs).
fn read_caps(value: &JsValue) -> Result<BackendCaps> {
    if value.is_undefined() || value.is_null() {
        return Ok(BackendCaps::unlimited());
    }
    if !value.is_object() {
        return Err(invalid("`caps` must be an object"));
    }
    let get = |name: &str| Reflect::get(value, &name.into()).unwrap_or_default();
    let preset = get("preset");
    let mut caps = match preset.as_string() {
        None if preset.is_undefined() => BackendCaps::unlimited(),
        name => match name.as_deref().and_then(BackendCaps::preset) {
            Some(caps) => caps,
            None => {
                return Err(invalid(
                    "caps.preset must be 'unlimited', 'workers-kv', 'deno-kv' or 'redis-http'",
                ));
            }
        },
    };
    let number = |name: &str| -> Result<Option<u64>> {
        let v = get(name);
        if v.is_undefined() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n < 9.007e15 => {
                // Integral and below 2^53: exact.
                Ok(Some(n as u64))
            }
            _ => Err(invalid(&format!(
                "caps.{name} must be a non-negative integer"
            ))),
        }
    };
    let size = |name: &str| -> Result<Option<usize>> {
        number(name)?
            .map(|n| usize::try_from(n).map_err(|_| invalid(&format!("caps.{name} is too large"))))
            .transpose()
    };
    let flag = |name: &str| -> Result<Option<bool>> {
        let v = get(name);
        if v.is_undefined() {
            return Ok(None);
        }
        v.as_bool()
            .map(Some)
            .ok_or_else(|| invalid(&format!("caps.{name} must be a boolean")))
    };
    if let Some(n) = number("minTtlMs")? {
        caps.min_ttl_ms = n;
    }
    if get("maxTtlMs").is_null() {
        caps.max_ttl_ms = None;
    } else if let Some(n) = number("maxTtlMs")? {
        caps.max_ttl_ms = Some(n);
    }
    if let Some(n) = size("maxKeyBytes")? {
        caps.max_key_bytes = n;
    }
    if let Some(n) = number("maxValueBytes")? {
        caps.max_value_bytes = n;
    }
    if let Some(n) = size("maxBatchGet")? {
        caps.max_batch_get = n;
    }
    if let Some(n) = size("maxBatchSet")? {
        caps.max_batch_set = n;
    }
    if let Some(n) = size("maxBatchDelete")? {
        caps.max_batch_delete = n;
    }
    if let Some(b) = flag("hasListing")? {
        caps.has_listing = b;
    }
    if let Some(b) = flag("hasAtomic")? {
        caps.has_atomic = b;
    }
    Ok(caps)
}
