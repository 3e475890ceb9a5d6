//! Retry timing: exponential backoff with jitter from a tiny seeded PRNG
//! (no `rand` crate, no entropy source needed, reproducible in tests).

/// How often and how patiently transient backend errors are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retries).
    pub retries: u32,
    /// Backoff before the first retry, in ms; doubles for each further retry.
    pub base_ms: u64,
    /// Longest backoff, in ms.
    pub max_ms: u64,
}

impl Default for RetryPolicy {
    /// 2 retries, 50 ms then 100 ms (each with jitter), never more than 2 s.
    fn default() -> Self {
        RetryPolicy {
            retries: 2,
            base_ms: 50,
            max_ms: 2_000,
        }
    }
}

/// Most retries of one operation: each costs a backend call and a backoff, and
/// a caller waits for all of them (`retries: 1e9` would make a `get` endless).
pub const MAX_RETRIES: u32 = 10;
/// Longest backoff between two retries, in ms.
pub const MAX_BACKOFF_MS: u64 = 60_000;

impl RetryPolicy {
    /// Refuses a policy that would keep one call retrying for too long.
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |name: &'static str, reason: String| {
            Err(crate::error::CacheError::InvalidOption { name, reason })
        };
        if self.retries > MAX_RETRIES {
            return bad("retries", format!("at most {MAX_RETRIES}"));
        }
        if self.max_ms > MAX_BACKOFF_MS || self.base_ms > MAX_BACKOFF_MS {
            return bad(
                "retries",
                format!("backoffs (baseMs, maxMs) are at most {MAX_BACKOFF_MS} ms"),
            );
        }
        Ok(())
    }

    /// The backoff before retry number `retry` (0-based): half of the capped
    /// exponential delay, plus a random share of the other half ("equal jitter"),
    /// so isolates retrying together spread out but never retry at once.
    pub(crate) fn backoff_ms(&self, retry: u32, rng: &mut XorShift) -> u64 {
        let factor = 1u64.checked_shl(retry.min(62)).unwrap_or(u64::MAX);
        let delay = self.base_ms.saturating_mul(factor).min(self.max_ms);
        let half = delay / 2;
        let spread = delay.saturating_sub(half);
        half.saturating_add(
            rng.next_u64()
                .checked_rem(spread.saturating_add(1))
                .unwrap_or(0),
        )
    }
}

/// xorshift64*: small, fast, good enough for jitter and lease tokens. Not for secrets.
#[derive(Debug, Clone)]
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> Self {
        // The state must never be 0.
        XorShift(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_bounds_retries_and_backoffs() {
        assert!(RetryPolicy::default().validate().is_ok());
        let at_limit = RetryPolicy {
            retries: MAX_RETRIES,
            base_ms: MAX_BACKOFF_MS,
            max_ms: MAX_BACKOFF_MS,
        };
        assert!(at_limit.validate().is_ok());
        for bad in [
            RetryPolicy {
                retries: 1_000_000_000,
                ..RetryPolicy::default()
            },
            RetryPolicy {
                max_ms: MAX_BACKOFF_MS + 1,
                ..RetryPolicy::default()
            },
            RetryPolicy {
                base_ms: u64::MAX,
                ..RetryPolicy::default()
            },
        ] {
            assert_eq!(bad.validate().unwrap_err().code(), "INVALID_OPTION");
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_bounds_and_is_capped() {
        let policy = RetryPolicy {
            retries: 5,
            base_ms: 100,
            max_ms: 500,
        };
        let mut rng = XorShift::new(7);
        for _ in 0..100 {
            let first = policy.backoff_ms(0, &mut rng);
            assert!((50..=100).contains(&first), "{first}");
            let second = policy.backoff_ms(1, &mut rng);
            assert!((100..=200).contains(&second), "{second}");
            let late = policy.backoff_ms(40, &mut rng);
            assert!((250..=500).contains(&late), "{late}");
        }
    }

    #[test]
    fn prng_is_seeded_and_varies() {
        let mut a = XorShift::new(1);
        let mut b = XorShift::new(1);
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert!(xs.windows(2).all(|w| w.first() != w.get(1)));
        let mut zero = XorShift::new(0x9E37_79B9_7F4A_7C15);
        assert_ne!(zero.next_u64(), 0);
    }
}
