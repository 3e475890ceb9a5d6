//! The circuit breaker in front of L2: after `threshold` consecutive failed
//! operations it opens and the cache serves from L1 only; after `cooldown_ms`
//! one probe is let through (half-open); the probe's success closes it, its
//! failure opens it again for another cool-down.

/// Where the breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// L2 is used; `failures` consecutive failures so far.
    Closed {
        /// Consecutive failures so far.
        failures: u32,
    },
    /// L2 is skipped until `until` (epoch ms).
    Open {
        /// When a probe may go (epoch ms).
        until: u64,
    },
    /// One probe was let through at `since`; others are skipped until it answers.
    HalfOpen {
        /// When the probe went (epoch ms).
        since: u64,
    },
}

impl BreakerState {
    /// Stable name for the bindings: "closed", "open" or "half-open".
    pub fn name(self) -> &'static str {
        match self {
            BreakerState::Closed { .. } => "closed",
            BreakerState::Open { .. } => "open",
            BreakerState::HalfOpen { .. } => "half-open",
        }
    }
}

/// What the breaker says about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// Go, with retries.
    Normal,
    /// Go, once, as the half-open probe.
    Probe,
    /// Skip L2.
    Rejected,
}

#[derive(Debug, Clone)]
pub(crate) struct Breaker {
    state: BreakerState,
    threshold: u32,
    cooldown_ms: u64,
}

impl Breaker {
    /// `threshold` 0 disables the breaker (it never opens).
    pub(crate) fn new(threshold: u32, cooldown_ms: u64) -> Self {
        Breaker {
            state: BreakerState::Closed { failures: 0 },
            threshold,
            cooldown_ms,
        }
    }

    pub(crate) fn state(&self) -> BreakerState {
        self.state
    }

    pub(crate) fn allow(&mut self, now: u64) -> Permit {
        match self.state {
            BreakerState::Closed { .. } => Permit::Normal,
            BreakerState::Open { until } if now < until => Permit::Rejected,
            // A probe whose future was dropped never reports: after a cool-down, try another.
            BreakerState::HalfOpen { since } if now < since.saturating_add(self.cooldown_ms) => {
                Permit::Rejected
            }
            BreakerState::Open { .. } | BreakerState::HalfOpen { .. } => {
                self.state = BreakerState::HalfOpen { since: now };
                Permit::Probe
            }
        }
    }

    /// Records a successful operation; true if this closed the breaker.
    pub(crate) fn success(&mut self) -> bool {
        let was_closed = matches!(self.state, BreakerState::Closed { .. });
        self.state = BreakerState::Closed { failures: 0 };
        !was_closed
    }

    /// Records a failed operation (after its retries); true if this opened the breaker.
    pub(crate) fn failure(&mut self, now: u64) -> bool {
        if self.threshold == 0 {
            return false;
        }
        let open = BreakerState::Open {
            until: now.saturating_add(self.cooldown_ms),
        };
        match self.state {
            BreakerState::Closed { failures } => {
                let failures = failures.saturating_add(1);
                if failures >= self.threshold {
                    self.state = open;
                    true
                } else {
                    self.state = BreakerState::Closed { failures };
                    false
                }
            }
            BreakerState::HalfOpen { .. } => {
                self.state = open;
                true
            }
            // A call let through before the breaker opened reports late: stay open.
            BreakerState::Open { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_then_probes_once_then_closes() {
        let mut b = Breaker::new(3, 1_000);
        assert!(!b.failure(0));
        assert!(!b.failure(0));
        assert!(b.failure(10));
        assert_eq!(b.state(), BreakerState::Open { until: 1_010 });
        assert_eq!(b.allow(1_009), Permit::Rejected);
        assert_eq!(b.allow(1_010), Permit::Probe);
        assert_eq!(b.allow(1_011), Permit::Rejected);
        assert!(b.success());
        assert_eq!(b.allow(1_012), Permit::Normal);
    }

    #[test]
    fn failed_probe_reopens_and_lost_probe_is_replaced() {
        let mut b = Breaker::new(1, 100);
        b.failure(0);
        assert_eq!(b.allow(100), Permit::Probe);
        assert!(b.failure(150));
        assert_eq!(b.allow(249), Permit::Rejected);
        assert_eq!(b.allow(250), Permit::Probe);
        // The probe never answers: another one is allowed after a cool-down.
        assert_eq!(b.allow(349), Permit::Rejected);
        assert_eq!(b.allow(350), Permit::Probe);
    }

    #[test]
    fn success_resets_the_count_and_zero_threshold_never_opens() {
        let mut b = Breaker::new(2, 100);
        b.failure(0);
        assert!(!b.success());
        assert!(!b.failure(0));
        assert_eq!(b.state(), BreakerState::Closed { failures: 1 });
        let mut never = Breaker::new(0, 100);
        for _ in 0..10 {
            assert!(!never.failure(0));
        }
        assert_eq!(never.allow(0), Permit::Normal);
    }
}
