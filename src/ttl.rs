// stub: replaced by the keys branch
use crate::error::{CacheError, Result};
pub const MAX_TTL_MS: u64 = 10 * 366 * 24 * 3600 * 1000;
pub fn ttl_from_ms(ms: f64) -> Result<u64> {
    if ms.is_finite() && ms >= 1.0 { Ok(ms.ceil() as u64) } else { Err(CacheError::invalid_ttl("bad")) }
}
pub fn parse_duration(s: &str) -> Result<u64> { s.parse::<u64>().map_err(|_| CacheError::invalid_ttl("bad")) }
