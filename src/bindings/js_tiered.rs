//! `WasmTieredCache`: the core's [`TieredCache`] (memory tier in front of a
//! JS backend adapter) exported to JS.
//!
//! js/drivers/tiered.js drives it; here the methods return Promises. What a
//! tiered cache cannot do (per-entry TTL queries, counters, key listing) is
//! not exported: the driver's UNSUPPORTED table refuses it before any call.
//!
//! - The cache lives in an `Rc` moved into each method's future; the core
//!   never holds a `RefCell` borrow across an `.await`, so overlapping calls
//!   (Promise.all) work.
//! - Backend trouble never rejects a read or a write: L1 serves, the failure
//!   is counted in `stats()` and queued for the `onEvent` listener, which is
//!   called after the core call (never inside it). Its `error` is an
//!   EdgeCacheError-shaped error whose `cause` is the adapter's own exception.
//! - Write-behind: `setBehind` resolves once L1 has the entry and hands the
//!   L2 write (a Promise that never rejects) to `waitUntil`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[path = "js_tiered_events.rs"]
mod events;
#[path = "js_tiered_reports.rs"]
mod reports;
#[path = "js_tiered_write.rs"]
mod write;

use events::{HostEvent, host_event};
use write::{Write, stale_window, status_name};

use crate::bindings::js::pack_values;
use crate::bindings::js_args::{as_strs, busy, optional_function, required_ttl, unpack_values};
use crate::bindings::js_backend::{Causes, JsBackend};
use crate::bindings::js_clock::HostClock;
use crate::bindings::js_error::{JsResult, js};
use crate::bindings::js_options::{limits_object, read_options};
use crate::bindings::js_stats::tiered_stats;
use crate::bindings::js_tiered_options::read_tiered_options;
use crate::clock::Clock;
use crate::tiered::{Lease, Lookup, TieredCache, TieredConfig, TieredEvent};

struct Inner {
    cache: TieredCache<JsBackend>,
    clock: Rc<HostClock>,
    causes: Causes,
    events: Rc<RefCell<Vec<HostEvent>>>,
    listener: RefCell<Option<Function>>,
    wait_until: Option<Function>,
}

impl Inner {
    fn ns(&self, id: u32) -> JsResult<String> {
        js(self.cache.namespace_name(id))
    }
}

/// A memory tier in front of a JS backend adapter, owned by JS.
#[wasm_bindgen]
pub struct WasmTieredCache {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl WasmTieredCache {
    /// `options`: the memory options of `WasmCache`; `tiered`: prefix, retries,
    /// retryBaseMs, retryMaxMs, breakerThreshold, breakerCooldownMs, l1MaxTtl,
    /// tagCacheMs, chunking, maxChunks, seed, signingKeys, encryptionKeys; `adapter`: see js_backend.rs;
    /// `wait_until`: a function given each write-behind Promise, or undefined.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: JsValue,
        tiered: JsValue,
        adapter: JsValue,
        wait_until: JsValue,
    ) -> JsResult<WasmTieredCache> {
        let host = js(read_options(&options))?;
        let mut config = TieredConfig {
            memory: host.config,
            // Varies per isolate, so lease tokens and chunk ids of isolates differ.
            seed: (js_sys::Math::random() * 9.0e15) as u64 ^ js_sys::Date::now() as u64,
            ..TieredConfig::default()
        };
        js(read_tiered_options(&tiered, &mut config))?;
        let wait_until = optional_function("waitUntil", &wait_until)?;
        let causes = Causes::default();
        let backend = js(JsBackend::new(adapter, Rc::clone(&causes)))?;
        let clock = Rc::new(HostClock::new(host.now));
        clock.check()?;
        let mut cache = js(TieredCache::new(
            config,
            backend,
            Rc::clone(&clock) as Rc<dyn Clock>,
        ))?;
        let events: Rc<RefCell<Vec<HostEvent>>> = Rc::default();
        let queue = Rc::clone(&events);
        cache.set_event_hook(Some(Box::new(move |event: &TieredEvent<'_>| {
            if let Ok(mut queue) = queue.try_borrow_mut() {
                queue.push(host_event(event));
            }
        })));
        Ok(WasmTieredCache {
            inner: Rc::new(Inner {
                cache,
                clock,
                causes,
                events,
                listener: RefCell::new(None),
                wait_until,
            }),
        })
    }

    /// Sizes the JS side checks before copying input in (`limits_object`).
    pub fn limits(&self) -> JsResult<Object> {
        let config = js(self.inner.cache.with_l1(|l1| l1.config().clone()))?;
        // The tiered cache has no batch limit of its own (it splits for the backend).
        limits_object(&config, crate::memory::MAX_BATCH as f64)
    }

    /// The id of the namespace called `name` (interned by the core).
    pub fn namespace(&self, name: &str) -> JsResult<u32> {
        js(self.inner.cache.namespace_id(name))
    }

    /// The fresh value from L1 or L2, or `undefined`.
    pub fn get(&self, ns: u32, key: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let value = js(c.cache.get(&name, &key).await)?;
            Ok(value.map_or(JsValue::UNDEFINED, |v| {
                Uint8Array::from(v.as_slice()).into()
            }))
        })
    }

    /// Like `WasmCache.getAllowingStale`: `undefined`, or a freshness byte
    /// (0 fresh, 1 stale) then the value; stale only if it stopped being fresh
    /// less than `max_stale` (ms or "5m") ago, in either tier.
    #[wasm_bindgen(js_name = getAllowingStale)]
    pub fn get_allowing_stale(&self, ns: u32, key: String, max_stale: JsValue) -> Promise {
        let max_stale = stale_window(&max_stale).map(|ms| ms.unwrap_or(0));
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let max_stale = js(max_stale)?;
            let (stale, value) = match js(c.cache.lookup_within(&name, &key, max_stale).await)? {
                Lookup::Fresh(v) => (0, v),
                Lookup::Stale(v) => (1, v),
                Lookup::Miss => return Ok(JsValue::UNDEFINED),
            };
            let mut out = Vec::with_capacity(value.len().saturating_add(1));
            out.push(stale);
            out.extend_from_slice(&value);
            Ok(Uint8Array::from(out.as_slice()).into())
        })
    }

    /// Whether a fresh entry exists (see `TieredCache::has` for why it reads the record).
    pub fn has(&self, ns: u32, key: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            Ok(js(c.cache.has(&name, &key).await)?.into())
        })
    }

    /// `getMany` as one buffer, laid out like `WasmCache.getManyPacked`; L2
    /// is read in batches of the backend's `max_batch_get`.
    #[wasm_bindgen(js_name = getManyPacked)]
    pub fn get_many_packed(&self, ns: u32, keys: Vec<String>) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let values = js(c.cache.get_many(&name, &keys).await)?;
            Ok(Uint8Array::from(js(pack_values(&values))?.as_slice()).into())
        })
    }

    /// One byte (0 or 1) per key.
    #[wasm_bindgen(js_name = hasMany)]
    pub fn has_many(&self, ns: u32, keys: Vec<String>) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let flags: Vec<u8> = js(c.cache.has_many(&name, &keys).await)?
                .into_iter()
                .map(u8::from)
                .collect();
            Ok(Uint8Array::from(flags.as_slice()).into())
        })
    }

    /// Write-through: resolves after L1 and L2 (an L2 failure is an event, not a rejection).
    #[allow(clippy::too_many_arguments)]
    pub fn set(
        &self,
        ns: u32,
        key: String,
        value: Vec<u8>,
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
    ) -> JsResult<Promise> {
        let write = Write::read(&ttl, &idle, tags, &stale)?;
        Ok(self.run(move |c| async move {
            let name = c.ns(ns)?;
            let tags = as_strs(&write.tags);
            let opts = write.options(&tags);
            let status = js(c.cache.set(&name, &key, &value, &opts).await)?;
            Ok(status_name(&status).into())
        }))
    }

    /// Write-behind: resolves once L1 has the entry; the L2 write is handed to
    /// `wait_until` (this call's, else the cache's) as a Promise that never rejects.
    #[wasm_bindgen(js_name = setBehind)]
    #[allow(clippy::too_many_arguments)]
    pub fn set_behind(
        &self,
        ns: u32,
        key: String,
        value: Vec<u8>,
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
        wait_until: JsValue,
    ) -> JsResult<Promise> {
        let write = Write::read(&ttl, &idle, tags, &stale)?;
        let wait_until = optional_function("waitUntil", &wait_until)?;
        Ok(self.run(move |c| async move {
            let name = c.ns(ns)?;
            let tags = as_strs(&write.tags);
            let opts = write.options(&tags);
            let pending = js(c.cache.set_behind(&name, &key, &value, &opts).await)?;
            let flusher = Rc::clone(&c);
            let flush = promise(Box::pin(async move {
                flusher.cache.flush(pending).await;
                flusher.deliver();
                Ok(JsValue::UNDEFINED)
            }));
            if let Some(wait) = wait_until.or_else(|| c.wait_until.clone()) {
                // A refusing waitUntil (called too late) must not fail the write:
                // the flush runs anyway.
                let _ = wait.call1(&JsValue::UNDEFINED, &flush);
            }
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Stores every key with its value sliced from `data` by `lengths`; keys
    /// and sizes are all checked before any is stored.
    #[wasm_bindgen(js_name = setMany)]
    #[allow(clippy::too_many_arguments)]
    pub fn set_many(
        &self,
        ns: u32,
        keys: Vec<String>,
        data: Vec<u8>,
        lengths: Vec<u32>,
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
    ) -> JsResult<Promise> {
        let write = Write::read(&ttl, &idle, tags, &stale)?;
        let items: Vec<(String, Vec<u8>)> = js(unpack_values(&keys, &data, &lengths))?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        Ok(self.run(move |c| async move {
            let name = c.ns(ns)?;
            let tags = as_strs(&write.tags);
            let opts = write.options(&tags);
            js(c.cache.set_many(&name, &items, &opts).await)?;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Removes the key from both tiers; true if this isolate's L1 held it
    /// (whether L2 held it is not asked: that would cost a read).
    pub fn delete(&self, ns: u32, key: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let had = js(c.cache.with_l1(|t| {
                t.namespace(&name)
                    .and_then(|h| t.has(h, &key))
                    .unwrap_or(false)
            }))?;
            js(c.cache.delete(&name, &key).await)?;
            Ok(had.into())
        })
    }

    /// How many of `keys` this isolate's L1 held (all are removed from both tiers).
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(&self, ns: u32, keys: Vec<String>) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            Ok(count(js(c.cache.delete_many(&name, &keys).await)?.l1))
        })
    }

    /// Removes matching keys from both tiers (needs a backend that lists keys);
    /// resolves to the number removed from L1.
    #[wasm_bindgen(js_name = deleteMatching)]
    pub fn delete_matching(&self, ns: u32, pattern: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            Ok(count(
                js(c.cache.delete_matching(&name, &pattern).await)?.l1,
            ))
        })
    }

    #[wasm_bindgen(js_name = clearNamespace)]
    pub fn clear_namespace(&self, ns: u32) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            Ok(count(js(c.cache.clear_namespace(&name).await)?.l1))
        })
    }

    /// Removes everything under this cache's prefix, in both tiers.
    pub fn clear(&self) -> Promise {
        self.run(move |c| async move { Ok(count(js(c.cache.clear().await)?.l1)) })
    }

    /// Invalidates tags in every isolate sharing the backend.
    #[wasm_bindgen(js_name = invalidateTags)]
    pub fn invalidate_tags(&self, ns: u32, tags: Vec<String>) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            let list = as_strs(&tags);
            Ok(count(js(c.cache.invalidate_tags(&name, &list).await)?.l1))
        })
    }

    /// Reclaims expired L1 entries now.
    #[wasm_bindgen(js_name = purgeExpired)]
    pub fn purge_expired(&self) -> f64 {
        num(self.inner.cache.with_l1(|t| t.purge_expired()).unwrap_or(0))
    }

    /// 'acquired', 'busy' or 'unavailable' (no atomic backend, or L2 down).
    #[wasm_bindgen(js_name = tryLease)]
    pub fn try_lease(&self, ns: u32, key: String, ttl: JsValue) -> JsResult<Promise> {
        let ttl_ms = js(required_ttl(&ttl))?;
        Ok(self.run(move |c| async move {
            let name = c.ns(ns)?;
            Ok(match js(c.cache.try_lease(&name, &key, ttl_ms).await)? {
                Lease::Acquired { .. } => "acquired",
                Lease::Busy => "busy",
                Lease::Unavailable => "unavailable",
            }
            .into())
        }))
    }

    #[wasm_bindgen(js_name = releaseLease)]
    pub fn release_lease(&self, ns: u32, key: String) -> Promise {
        self.run(move |c| async move {
            let name = c.ns(ns)?;
            js(c.cache.release_lease(&name, &key).await)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The L1 counters (named as in `WasmCache.stats`), `l2` counters and `breaker`.
    pub fn stats(&self) -> JsResult<Object> {
        tiered_stats(&self.inner.cache.stats())
    }

    /// Calls `listener(event)` for backend failures, corrupt entries and
    /// breaker changes (see the module docs); `undefined` removes it.
    #[wasm_bindgen(js_name = onEvent)]
    pub fn on_event(&self, listener: JsValue) -> JsResult<()> {
        let listener = optional_function("onEvent", &listener)?;
        let mut slot = self.inner.listener.try_borrow_mut().map_err(|_| busy())?;
        *slot = listener;
        Ok(())
    }
}

impl WasmTieredCache {
    /// Runs one async operation on a clone of the cache handle, delivering
    /// queued events when it ends (whether it succeeded or not).
    fn run<F, Fut>(&self, op: F) -> Promise
    where
        F: FnOnce(Rc<Inner>) -> Fut,
        Fut: Future<Output = JsResult<JsValue>> + 'static,
    {
        let inner = Rc::clone(&self.inner);
        if let Err(bad_clock) = inner.clock.check() {
            return Promise::reject(&bad_clock);
        }
        let future = op(Rc::clone(&inner));
        promise(Box::pin(async move {
            let out = future.await;
            inner.deliver();
            out
        }))
    }
}

/// A boxed operation, so that `future_to_promise` and the executor's task
/// code are instantiated once rather than once per method (a size saving:
/// each instantiation costs several hundred bytes of wasm).
type Operation = Pin<Box<dyn Future<Output = JsResult<JsValue>>>>;

fn promise(operation: Operation) -> Promise {
    future_to_promise(operation)
}

/// A count as a JS number (exact below 2^53, which any count here is).
fn count(n: u64) -> JsValue {
    JsValue::from_f64(num(n))
}

fn num(n: u64) -> f64 {
    n as f64
}
