//! A key as a slot stores it: short keys inline, longer ones on the heap.
//!
//! A hit compares the looked-up key with the stored one. With the key in its
//! own heap block that comparison is one more cache miss per hit; most cache
//! keys are short, so keeping them inside the slot's cache line removes it.
//! The type is 24 bytes either way (the size of a `String`).

/// Keys up to this many bytes live inside the slot.
pub(crate) const INLINE_KEY_BYTES: usize = 22;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SlotKey {
    Inline {
        len: u8,
        bytes: [u8; INLINE_KEY_BYTES],
    },
    Heap(Box<str>),
}

impl SlotKey {
    pub(crate) fn new(key: &str) -> Self {
        let src = key.as_bytes();
        let mut bytes = [0u8; INLINE_KEY_BYTES];
        match (bytes.get_mut(..src.len()), u8::try_from(src.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(src);
                SlotKey::Inline { len, bytes }
            }
            _ => SlotKey::Heap(Box::from(key)),
        }
    }

    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            SlotKey::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            SlotKey::Heap(key) => key.as_bytes(),
        }
    }

    /// The key as text. Built only from a `&str`, so the UTF-8 check cannot
    /// fail; it runs only off the hit path (listing, patterns, listeners).
    pub(crate) fn as_str(&self) -> &str {
        match self {
            SlotKey::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            SlotKey::Heap(key) => key,
        }
    }

    /// Whether this is `key`: lengths first, then bytes.
    #[inline]
    pub(crate) fn matches(&self, key: &str) -> bool {
        self.as_bytes() == key.as_bytes()
    }

    pub(crate) fn len(&self) -> usize {
        self.as_bytes().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_inline_and_long_ones_on_the_heap() {
        let short = "a".repeat(INLINE_KEY_BYTES);
        let long = "b".repeat(INLINE_KEY_BYTES + 1);
        assert!(matches!(SlotKey::new(&short), SlotKey::Inline { .. }));
        assert!(matches!(SlotKey::new(&long), SlotKey::Heap(_)));
        assert_eq!(std::mem::size_of::<SlotKey>(), 24);
    }

    #[test]
    fn keys_round_trip_and_match_only_themselves() {
        for key in ["k", "user:00000001", "ключ-日本語", &"z".repeat(300)] {
            let stored = SlotKey::new(key);
            assert_eq!(stored.as_str(), key);
            assert_eq!(stored.len(), key.len());
            assert!(stored.matches(key));
            let mut other = key.to_string();
            other.push('!');
            assert!(!stored.matches(&other));
            assert!(!stored.matches(key.get(..key.len() - 1).unwrap_or("")));
        }
        // An inline key padded with zeros does not match a key ending in NULs.
        assert!(!SlotKey::new("ab").matches("ab\0"));
    }
}
