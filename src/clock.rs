//! Time is injected: the core never reads the system clock.
//!
//! `Instant::now()` and `SystemTime::now()` trap on wasm32-unknown-unknown, and
//! tests need to move time by hand. Hosts supply a [`Clock`]: JS passes
//! `Date.now()`, the component reads `wasi:clocks/wall-clock`, tests use
//! [`ManualClock`].

use std::cell::Cell;
use std::rc::Rc;

/// A source of wall-clock time in milliseconds since the Unix epoch.
pub trait Clock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> u64;
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Rc<Cell<u64>>,
}

impl ManualClock {
    /// A clock that starts at `start_ms`.
    pub fn new(start_ms: u64) -> Self {
        ManualClock {
            now: Rc::new(Cell::new(start_ms)),
        }
    }

    /// Moves time forward by `ms` (saturating).
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get().saturating_add(ms));
    }

    /// Sets the absolute time.
    pub fn set(&self, ms: u64) {
        self.now.set(ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
}

/// A clock backed by a closure, for hosts (`Date.now`, `wall-clock::now`).
pub struct FnClock<F: Fn() -> u64>(pub F);

impl<F: Fn() -> u64> Clock for FnClock<F> {
    fn now_ms(&self) -> u64 {
        (self.0)()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_clones_share_time() {
        let a = ManualClock::new(10);
        let b = a.clone();
        a.advance(5);
        assert_eq!(b.now_ms(), 15);
        b.set(u64::MAX);
        a.advance(1);
        assert_eq!(a.now_ms(), u64::MAX);
    }
}
