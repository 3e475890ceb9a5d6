//! An in-process backend: a map with TTLs that honours the caps it is given,
//! with fault injection for tests (failures, corrupt reads, held futures).
//!
//! Clones share one store, like two isolates sharing one KV namespace.

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Backend, BackendCaps, BackendError, BackendResult};
use crate::clock::Clock;

/// A failure to inject into the next calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A transient failure (retried).
    Transient,
    /// A permanent failure (not retried).
    Permanent,
    /// A call that times out.
    Timeout {
        /// After how long, in ms.
        after_ms: u64,
    },
}

#[derive(Default)]
struct State {
    /// key -> (value, backend expiry in epoch ms)
    map: BTreeMap<String, (Vec<u8>, Option<u64>)>,
    ttl_hints: BTreeMap<String, Option<u64>>,
    faults: Vec<Fault>,
    corrupt_reads: bool,
    held: bool,
    waiting: Vec<Waker>,
    calls: u64,
    sleeps: Vec<u64>,
    bytes_read: u64,
}

/// A [`Backend`] kept in memory. See the module docs.
#[derive(Clone)]
pub struct MemoryBackend {
    state: Rc<RefCell<State>>,
    caps: BackendCaps,
    clock: Rc<dyn Clock>,
}

impl MemoryBackend {
    /// A backend with `caps` whose TTLs follow `clock`.
    pub fn new(caps: BackendCaps, clock: Rc<dyn Clock>) -> Self {
        MemoryBackend {
            state: Rc::default(),
            caps,
            clock,
        }
    }

    /// The next `n` calls (sleeps excluded) fail with `fault`.
    pub fn fail_next(&self, n: usize, fault: Fault) {
        let mut state = self.state.borrow_mut();
        state.faults.extend(std::iter::repeat_n(fault, n));
    }

    /// Stops failing.
    pub fn clear_faults(&self) {
        self.state.borrow_mut().faults.clear();
    }

    /// While on, every value read comes back with its last byte flipped.
    pub fn corrupt_reads(&self, on: bool) {
        self.state.borrow_mut().corrupt_reads = on;
    }

    /// While held, every call stays pending; [`MemoryBackend::release`] lets them run.
    pub fn hold(&self) {
        self.state.borrow_mut().held = true;
    }

    /// Lets held calls run (they wake up).
    pub fn release(&self) {
        let waiting = {
            let mut state = self.state.borrow_mut();
            state.held = false;
            std::mem::take(&mut state.waiting)
        };
        waiting.into_iter().for_each(Waker::wake);
    }

    /// Calls made so far (sleeps excluded).
    pub fn calls(&self) -> u64 {
        self.state.borrow().calls
    }

    /// Bytes of values handed to the caller so far (what a host would copy
    /// into wasm memory): bounded reads refuse oversized values before this.
    pub fn bytes_read(&self) -> u64 {
        self.state.borrow().bytes_read
    }

    /// Every sleep requested, in ms.
    pub fn sleeps(&self) -> Vec<u64> {
        self.state.borrow().sleeps.clone()
    }

    /// The stored bytes of `key`, ignoring faults and expiry.
    pub fn raw_get(&self, key: &str) -> Option<Vec<u8>> {
        self.state.borrow().map.get(key).map(|(v, _)| v.clone())
    }

    /// Overwrites the stored bytes of `key` (no expiry).
    pub fn raw_set(&self, key: &str, value: &[u8]) {
        self.state
            .borrow_mut()
            .map
            .insert(key.to_string(), (value.to_vec(), None));
    }

    /// Removes `key` without a call.
    pub fn raw_delete(&self, key: &str) {
        self.state.borrow_mut().map.remove(key);
    }

    /// All stored keys, sorted (expired ones included).
    pub fn raw_keys(&self) -> Vec<String> {
        self.state.borrow().map.keys().cloned().collect()
    }

    /// The TTL hint of the last write of `key`: `None` if never written,
    /// `Some(None)` for "keep forever".
    pub fn ttl_hint(&self, key: &str) -> Option<Option<u64>> {
        self.state.borrow().ttl_hints.get(key).copied()
    }

    /// Counts the call, then fails if a fault is queued.
    fn enter(&self) -> BackendResult<()> {
        let mut state = self.state.borrow_mut();
        state.calls = state.calls.saturating_add(1);
        if state.faults.is_empty() {
            return Ok(());
        }
        Err(match state.faults.remove(0) {
            Fault::Transient => BackendError::transient("injected transient failure"),
            Fault::Permanent => BackendError::permanent("injected permanent failure"),
            Fault::Timeout { after_ms } => BackendError::timeout(after_ms),
        })
    }

    fn gate(&self) -> Gate<'_> {
        Gate(&self.state)
    }

    fn live(&self, key: &str) -> Option<Vec<u8>> {
        self.live_within(key, u64::MAX).ok().flatten()
    }

    /// Like a host adapter: the size is checked before the value is copied.
    fn live_within(&self, key: &str, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
        let now = self.clock.now_ms();
        let mut state = self.state.borrow_mut();
        let Some((value, expires)) = state.map.get(key) else {
            return Ok(None);
        };
        if expires.is_some_and(|at| now >= at) {
            return Ok(None);
        }
        if value.len() as u64 > max_bytes {
            return Err(BackendError::oversized(value.len() as u64, max_bytes));
        }
        let mut value = value.clone();
        state.bytes_read = state.bytes_read.saturating_add(value.len() as u64);
        if state.corrupt_reads
            && let Some(last) = value.last_mut()
        {
            *last ^= 0xFF;
        }
        Ok(Some(value))
    }

    fn check_sizes(&self, key: &str, value: &[u8]) -> BackendResult<()> {
        if key.len() > self.caps.max_key_bytes {
            return Err(BackendError::permanent("key too long for this backend"));
        }
        if value.len() as u64 > self.caps.max_value_bytes {
            return Err(BackendError::permanent("value too large for this backend"));
        }
        Ok(())
    }

    fn store(&self, key: &str, value: &[u8], ttl_ms: Option<u64>) -> BackendResult<()> {
        self.check_sizes(key, value)?;
        if ttl_ms.is_some_and(|ms| ms < self.caps.min_ttl_ms) {
            return Err(BackendError::permanent("TTL below this backend's minimum"));
        }
        let expires = ttl_ms.map(|ms| self.clock.now_ms().saturating_add(ms));
        let mut state = self.state.borrow_mut();
        state.map.insert(key.to_string(), (value.to_vec(), expires));
        state.ttl_hints.insert(key.to_string(), ttl_ms);
        Ok(())
    }
}

/// Pending while the backend is held.
struct Gate<'a>(&'a RefCell<State>);

impl Future for Gate<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.borrow_mut();
        if state.held {
            state.waiting.push(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

impl Backend for MemoryBackend {
    fn caps(&self) -> BackendCaps {
        self.caps.clone()
    }

    async fn get(&self, key: &str) -> BackendResult<Option<Vec<u8>>> {
        self.gate().await;
        self.enter()?;
        Ok(self.live(key))
    }

    async fn set(&self, key: &str, value: &[u8], ttl_hint_ms: Option<u64>) -> BackendResult<()> {
        self.gate().await;
        self.enter()?;
        self.store(key, value, ttl_hint_ms)
    }

    async fn delete(&self, key: &str) -> BackendResult<()> {
        self.gate().await;
        self.enter()?;
        self.state.borrow_mut().map.remove(key);
        Ok(())
    }

    async fn get_bounded(&self, key: &str, max_bytes: u64) -> BackendResult<Option<Vec<u8>>> {
        self.gate().await;
        self.enter()?;
        self.live_within(key, max_bytes)
    }

    async fn get_many(&self, keys: &[String]) -> BackendResult<Vec<Option<Vec<u8>>>> {
        self.get_many_bounded(keys, u64::MAX).await
    }

    async fn get_many_bounded(
        &self,
        keys: &[String],
        max_bytes: u64,
    ) -> BackendResult<Vec<Option<Vec<u8>>>> {
        self.gate().await;
        self.enter()?;
        if keys.len() > self.caps.max_batch_get {
            return Err(BackendError::permanent("too many keys in one get"));
        }
        keys.iter()
            .map(|k| self.live_within(k, max_bytes))
            .collect()
    }

    async fn set_many(
        &self,
        items: &[(String, Vec<u8>)],
        ttl_hint_ms: Option<u64>,
    ) -> BackendResult<()> {
        self.gate().await;
        self.enter()?;
        if items.len() > self.caps.max_batch_set {
            return Err(BackendError::permanent("too many items in one set"));
        }
        items
            .iter()
            .try_for_each(|(k, v)| self.store(k, v, ttl_hint_ms))
    }

    async fn delete_many(&self, keys: &[String]) -> BackendResult<()> {
        self.gate().await;
        self.enter()?;
        if keys.len() > self.caps.max_batch_delete {
            return Err(BackendError::permanent("too many keys in one delete"));
        }
        let mut state = self.state.borrow_mut();
        for key in keys {
            state.map.remove(key);
        }
        Ok(())
    }

    async fn list_keys(&self, prefix: &str) -> BackendResult<Vec<String>> {
        self.gate().await;
        self.enter()?;
        if !self.caps.has_listing {
            return Err(BackendError::unsupported("listing keys"));
        }
        let now = self.clock.now_ms();
        let state = self.state.borrow();
        Ok(state
            .map
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter(|(_, (_, exp))| exp.is_none_or(|at| now < at))
            .map(|(k, _)| k.clone())
            .collect())
    }

    async fn set_if_absent(&self, key: &str, value: &[u8], ttl_ms: u64) -> BackendResult<bool> {
        self.gate().await;
        self.enter()?;
        if !self.caps.has_atomic {
            return Err(BackendError::unsupported("atomic set-if-absent"));
        }
        if self.live(key).is_some() {
            return Ok(false);
        }
        self.store(key, value, Some(ttl_ms))?;
        Ok(true)
    }

    async fn sleep(&self, ms: u64) {
        self.state.borrow_mut().sleeps.push(ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::poll_ready;
    use crate::clock::ManualClock;

    fn backend(caps: BackendCaps) -> (MemoryBackend, ManualClock) {
        let clock = ManualClock::new(1_000);
        (MemoryBackend::new(caps, Rc::new(clock.clone())), clock)
    }

    #[test]
    fn values_expire_with_their_ttl_and_faults_are_consumed() {
        let (b, clock) = backend(BackendCaps::unlimited());
        assert_eq!(poll_ready(b.set("k", b"v", Some(100))), Some(Ok(())));
        assert_eq!(poll_ready(b.get("k")), Some(Ok(Some(b"v".to_vec()))));
        clock.advance(100);
        assert_eq!(poll_ready(b.get("k")), Some(Ok(None)));
        b.fail_next(1, Fault::Transient);
        assert!(poll_ready(b.get("k")).is_some_and(|r| r.is_err()));
        assert_eq!(poll_ready(b.get("k")), Some(Ok(None)));
        assert_eq!(b.calls(), 5);
    }

    #[test]
    fn caps_are_enforced_like_a_real_service() {
        let (b, _) = backend(BackendCaps::workers_kv());
        assert!(poll_ready(b.set("k", b"v", Some(1_000))).is_some_and(|r| r.is_err()));
        assert!(poll_ready(b.set_if_absent("k", b"v", 60_000)).is_some_and(|r| r.is_err()));
        let big = vec![0u8; (25 << 20) + 1];
        assert!(poll_ready(b.set("k", &big, None)).is_some_and(|r| r.is_err()));
    }

    #[test]
    fn held_calls_stay_pending_until_released() {
        let (b, _) = backend(BackendCaps::unlimited());
        b.hold();
        let mut fut = Box::pin(b.get("k"));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        b.release();
        assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(Ok(None)));
    }

    #[test]
    fn listing_and_set_if_absent() {
        let (b, _) = backend(BackendCaps::unlimited());
        assert_eq!(poll_ready(b.set_if_absent("a:1", b"x", 50)), Some(Ok(true)));
        assert_eq!(
            poll_ready(b.set_if_absent("a:1", b"y", 50)),
            Some(Ok(false))
        );
        b.raw_set("a:2", b"z");
        b.raw_set("b:1", b"z");
        assert_eq!(
            poll_ready(b.list_keys("a:")),
            Some(Ok(vec!["a:1".to_string(), "a:2".to_string()]))
        );
    }
}
