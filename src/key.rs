use crate::error::{CacheError, Result};
pub fn validate_key(key: &str, max_bytes: usize) -> Result<()> {
    if key.is_empty() || key.len() > max_bytes || key.chars().any(|c| c.is_ascii_control()) {
        return Err(CacheError::InvalidKey { reason: "bad" });
    }
    Ok(())
}
