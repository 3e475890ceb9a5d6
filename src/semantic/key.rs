//! The key of a semantic entry: the model name and the normalised query,
//! hashed, so two models never share an answer and any query fits a key.
//! Stable (a persisted format): `sq1:` then the lowercase hex SHA-256 of
//! the model's UTF-8 length as 8 little-endian bytes, the model, the query.
//! Queries are normalised by the host before they get here (the JS layer:
//! NFC, lower case, whitespace runs to one space, trimmed).

use sha2::{Digest, Sha256};

/// The entry key of `query` (already normalised) answered by `model`.
pub fn entry_key(model: &str, query: &str) -> String {
    let mut h = Sha256::new();
    h.update((model.len() as u64).to_le_bytes());
    h.update(model.as_bytes());
    h.update(query.as_bytes());
    let mut key = String::with_capacity(68);
    key.push_str("sq1:");
    for byte in h.finalize() {
        for nibble in [byte >> 4, byte & 0xF] {
            key.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_part_of_the_key() {
        let a = entry_key("bge-small", "what is rust");
        assert_eq!(a.len(), 68);
        assert!(a.starts_with("sq1:"));
        assert_ne!(a, entry_key("bge-base", "what is rust"));
        // The length prefix keeps the model/query boundary: no shifting of bytes across it.
        assert_ne!(entry_key("ab", "c"), entry_key("a", "bc"));
        assert_eq!(a, entry_key("bge-small", "what is rust"));
    }
}
