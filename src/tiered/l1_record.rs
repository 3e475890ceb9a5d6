//! What a tiered cache stores as an L1 value: the tags of the entry with the
//! generation each had when it was written, then the value. With it an L1
//! hit can be checked against tag generations bumped by other isolates.
//!
//! Layout (little-endian): `tag_count: u16`, then per tag `name_len: u16`,
//! `name`, `generation: u64`, then the value bytes to the end. An entry
//! without tags costs 2 bytes. Only this process writes it, but decoding is
//! still total.

use crate::error::{CacheError, Result};

/// Tags with their generations, as stored in L1 and in envelopes.
pub(crate) type TagGens = Vec<(String, u64)>;

pub(crate) fn encode(tags: &[(String, u64)], value: &[u8]) -> Vec<u8> {
    let head: usize = tags.iter().map(|(t, _)| t.len().saturating_add(10)).sum();
    let mut out = Vec::with_capacity(head.saturating_add(2).saturating_add(value.len()));
    // Tags are at most MAX_TAG_BYTES long and few (checked before), so u16 fits.
    out.extend_from_slice(&(tags.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
    for (name, generation) in tags.iter().take(usize::from(u16::MAX)) {
        let name = name
            .as_bytes()
            .get(..usize::from(u16::MAX))
            .unwrap_or(name.as_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&generation.to_le_bytes());
    }
    out.extend_from_slice(value);
    out
}

pub(crate) fn decode(bytes: &[u8]) -> Result<(TagGens, &[u8])> {
    let bad = || CacheError::corrupt("L1 record is malformed");
    let (count, mut rest) = take_u16(bytes).ok_or_else(bad)?;
    let mut tags = Vec::with_capacity(usize::from(count).min(64));
    for _ in 0..count {
        let (len, after) = take_u16(rest).ok_or_else(bad)?;
        let (name, after) = after.split_at_checked(usize::from(len)).ok_or_else(bad)?;
        let (generation, after) = after.split_at_checked(8).ok_or_else(bad)?;
        let name = core::str::from_utf8(name).map_err(|_| bad())?;
        let generation = u64::from_le_bytes(generation.try_into().map_err(|_| bad())?);
        tags.push((name.to_string(), generation));
        rest = after;
    }
    Ok((tags, rest))
}

fn take_u16(bytes: &[u8]) -> Option<(u16, &[u8])> {
    let (head, rest) = bytes.split_at_checked(2)?;
    Some((u16::from_le_bytes(head.try_into().ok()?), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_truncation() {
        let tags = vec![("users".to_string(), 7), ("é".to_string(), u64::MAX)];
        let bytes = encode(&tags, b"value");
        let (back, value) = decode(&bytes).unwrap();
        assert_eq!(back, tags);
        assert_eq!(value, b"value");
        assert_eq!(encode(&[], b"v").len(), 3);
        // Cutting inside the tag records is an error; cutting the value is not detectable.
        for cut in 0..bytes.len() - 5 {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
