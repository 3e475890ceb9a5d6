//! Key generation: validation, namespaces, long-key hashing, argument keys for
//! decorators, and helpers for model/list/query keys.
//!
//! Keys are persisted in shared backends and read by other hosts and later
//! releases, so every scheme here is fixed, specified below, and pinned by test
//! vectors. Hashing is always SHA-256 (never `DefaultHasher`, which is seeded
//! and may change between Rust releases).
//!
//! # Namespaces
//!
//! [`namespaced`]`("app", "user:1")` is `"app:user:1"`. The namespace itself may
//! not contain `:`, so the first `:` always ends it.
//!
//! # Long keys
//!
//! [`fit_key`]`(key, max)` leaves a key of at most `max - 36` UTF-8 bytes
//! unchanged. Any longer key becomes its longest prefix (cut at a char
//! boundary) that leaves room for `#` and 32 lowercase hex digits: the first 16
//! bytes of SHA-256 of the *whole* key. With `max = 40`, a 50-byte key
//! `"report:" + "x" * 43` becomes `"report:" + "#" + hex32` (7 + 33 = 40 bytes).
//! The readable prefix keeps pattern invalidation by prefix (`report:*`) working.
//!
//! Fitting is injective (up to SHA-256 collisions): a fitted key is at least
//! `max - 3` bytes long (the cut loses at most 3 bytes of a 4-byte char), and
//! every key of more than `max - 36` bytes is fitted, so no key kept as it is
//! can equal the fitted form of another key. (Until layout 2 keys of
//! `max - 35 ..= max` bytes were kept as they are, so a key of exactly `max`
//! bytes could be built to equal a long key's fitted form.)
//!
//! # Argument keys
//!
//! [`ArgsKey`] hashes a function name and its arguments (for decorators) into
//! `"<fn_name>:<22 base64url chars>"`; its encoding is specified in [`args`].
//!
//! # Model, list and query keys
//!
//! - [`model_key`]`("app", "user", "42", Some("posts"))` = `"app:user:42:posts"`
//! - [`list_key`]`("app", "user", &[("role", "admin"), ("age", "30")])` =
//!   `"app:user:list?age=30&role=admin"` (filters sorted by name, then value)
//! - [`query_key`]`("app", "topUsers", &[("limit", "10")])` = `"app:topUsers?limit=10"`
//!
//! The prefix is used verbatim. Every other part is percent-escaped: `%` `:` `&`
//! `=` `?` and ASCII control characters become `%XX` (uppercase hex), so parts
//! can never run into each other. The three shapes cannot collide for one
//! prefix (a model key has no `?`; before the `?` a list key has one `:`, a
//! query key none), and `"app:user:*"` matches every model and list key of `user`.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use crate::error::{CacheError, Result};

/// Hex digits of the hash suffix added by [`fit_key`].
const FIT_HASH_HEX: usize = 32;
/// `#` plus the hex digits.
const FIT_SUFFIX_BYTES: usize = FIT_HASH_HEX + 1;
/// Keys longer than `max - FIT_MARGIN` are fitted: a fitted key is never
/// shorter than `max - 3` (a cut inside a 4-byte char loses 3), so keys kept
/// as they are and fitted keys never share a length (see the module docs).
pub const FIT_MARGIN: usize = FIT_SUFFIX_BYTES + 3;

/// Checks that `key` is non-empty, at most `max_bytes` UTF-8 bytes, and free of
/// ASCII control characters (0x00-0x1F, 0x7F), which some backends and log
/// pipelines mangle.
pub fn validate_key(key: &str, max_bytes: usize) -> Result<()> {
    if key.is_empty() {
        return Err(CacheError::InvalidKey {
            reason: "key is empty",
        });
    }
    if key.len() > max_bytes {
        return Err(CacheError::InvalidKey {
            reason: "key is longer than the maximum number of UTF-8 bytes",
        });
    }
    if key.bytes().any(is_control) {
        return Err(CacheError::InvalidKey {
            reason: "key contains an ASCII control character (0x00-0x1F or 0x7F)",
        });
    }
    Ok(())
}

/// `"ns:key"`. The namespace must be non-empty and contain neither `:` nor
/// control characters; the key is checked separately with [`validate_key`].
pub fn namespaced(ns: &str, key: &str) -> Result<String> {
    if ns.is_empty() {
        return Err(CacheError::InvalidKey {
            reason: "namespace is empty",
        });
    }
    if ns.contains(':') {
        return Err(CacheError::InvalidKey {
            reason: "namespace contains `:`, which separates it from the key",
        });
    }
    if ns.bytes().any(is_control) {
        return Err(CacheError::InvalidKey {
            reason: "namespace contains an ASCII control character (0x00-0x1F or 0x7F)",
        });
    }
    let mut out = String::with_capacity(ns.len().saturating_add(key.len()).saturating_add(1));
    out.push_str(ns);
    out.push(':');
    out.push_str(key);
    Ok(out)
}

/// Fits `key` into `max_bytes` (see the module docs): unchanged when at most
/// `max_bytes - 36` bytes, otherwise `prefix#<32 hex of SHA-256(key)>`.
/// Injective: no key kept as it is equals another key's fitted form.
///
/// Below 33 bytes there is no room for the prefix and `#`; the result is then
/// the first `max_bytes` hex digits alone (no backend has such a small limit).
pub fn fit_key(key: &str, max_bytes: usize) -> Cow<'_, str> {
    if key.len() <= max_bytes.saturating_sub(FIT_MARGIN) {
        return Cow::Borrowed(key);
    }
    let digest = Sha256::digest(key.as_bytes());
    let hex = hex_lower(digest.get(..FIT_HASH_HEX / 2).unwrap_or_default());
    let Some(room) = max_bytes.checked_sub(FIT_SUFFIX_BYTES) else {
        return Cow::Owned(hex.get(..max_bytes).unwrap_or_default().to_owned());
    };
    let mut cut = room.min(key.len());
    while !key.is_char_boundary(cut) {
        cut = cut.saturating_sub(1);
    }
    let mut out = String::with_capacity(max_bytes);
    out.push_str(key.get(..cut).unwrap_or_default());
    out.push('#');
    out.push_str(&hex);
    Cow::Owned(out)
}

pub mod args;

pub use args::ArgsKey;

/// `prefix:model:id` or `prefix:model:id:field` (see the module docs).
pub fn model_key(prefix: &str, model: &str, id: &str, field: Option<&str>) -> String {
    let mut out = String::with_capacity(
        prefix
            .len()
            .saturating_add(model.len())
            .saturating_add(id.len())
            .saturating_add(8),
    );
    out.push_str(prefix);
    out.push(':');
    push_escaped(&mut out, model);
    out.push(':');
    push_escaped(&mut out, id);
    if let Some(field) = field {
        out.push(':');
        push_escaped(&mut out, field);
    }
    out
}

/// `prefix:model:list?name=value&…`, filters sorted by name then value.
pub fn list_key(prefix: &str, model: &str, filters: &[(&str, &str)]) -> String {
    let mut out = String::from(prefix);
    out.push(':');
    push_escaped(&mut out, model);
    out.push_str(":list?");
    push_params(&mut out, filters);
    out
}

/// `prefix:name?param=value&…`, params sorted by name then value.
pub fn query_key(prefix: &str, name: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::from(prefix);
    out.push(':');
    push_escaped(&mut out, name);
    out.push('?');
    push_params(&mut out, params);
    out
}

fn push_params(out: &mut String, params: &[(&str, &str)]) {
    let mut sorted = params.to_vec();
    sorted.sort_unstable();
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_escaped(out, name);
        out.push('=');
        push_escaped(out, value);
    }
}

fn push_escaped(out: &mut String, part: &str) {
    for c in part.chars() {
        if matches!(c, '%' | ':' | '&' | '=' | '?') || (c.is_ascii() && is_control(c as u8)) {
            out.push('%');
            push_hex_byte(out, c as u8, HEX_UPPER);
        } else {
            out.push(c);
        }
    }
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7F
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn push_hex_byte(out: &mut String, b: u8, digits: &[u8; 16]) {
    for nibble in [b >> 4, b & 0x0F] {
        let d = digits.get(usize::from(nibble)).copied().unwrap_or(b'0');
        out.push(char::from(d));
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        push_hex_byte(&mut out, b, HEX_LOWER);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn validate_key_cases() {
        assert!(validate_key("user:1", 512).is_ok());
        assert!(validate_key("日本", 6).is_ok());
        let bad: &[(&str, usize, &str)] = &[
            ("", 512, "empty"),
            ("日本", 5, "longer"),
            ("a\nb", 512, "control"),
            ("a\u{7f}", 512, "control"),
            ("\0", 512, "control"),
        ];
        for (k, max, needle) in bad {
            let err = validate_key(k, *max).unwrap_err();
            assert_eq!(err.code(), "INVALID_KEY");
            assert!(err.to_string().contains(needle), "{k:?}: {err}");
        }
    }

    #[test]
    fn namespaced_cases() {
        assert_eq!(namespaced("app", "user:1").unwrap(), "app:user:1");
        assert_eq!(namespaced("app", "").unwrap(), "app:");
        for bad in ["", "a:b", "a\tb"] {
            assert_eq!(namespaced(bad, "k").unwrap_err().code(), "INVALID_KEY");
        }
    }

    #[test]
    fn fit_key_keeps_short_keys() {
        assert!(matches!(fit_key("short", 512), Cow::Borrowed("short")));
        let longest_kept = "x".repeat(512 - FIT_MARGIN);
        assert!(matches!(fit_key(&longest_kept, 512), Cow::Borrowed(_)));
        // One byte more is fitted, although it would fit as it is.
        let just_over = "x".repeat(512 - FIT_MARGIN + 1);
        let fitted = fit_key(&just_over, 512);
        assert!(matches!(fitted, Cow::Owned(_)));
        assert_eq!(fitted.len(), 512 - FIT_MARGIN + 1 + FIT_SUFFIX_BYTES);
    }

    #[test]
    fn a_key_shaped_like_a_fitted_key_is_fitted_too() {
        // The old scheme kept a key of exactly `max` bytes as it was, so a
        // crafted key equal to a long key's fitted form shared its L2 record.
        let long = "user:".repeat(200);
        let victim = fit_key(&long, 512).into_owned();
        assert_eq!(victim.len(), 512);
        let crafted = fit_key(&victim, 512);
        assert_ne!(crafted, victim);
        assert_eq!(crafted.len(), 512);
    }

    #[test]
    fn fit_key_pinned_vector() {
        // SHA-256("x" * 100) starts 09ecb6ebc8bcefc733f6f2ec44f791ab (checked with Python hashlib).
        let long = "x".repeat(100);
        let fitted = fit_key(&long, 40);
        assert_eq!(fitted, "xxxxxxx#09ecb6ebc8bcefc733f6f2ec44f791ab");
        assert_eq!(fitted.len(), 40);
        assert_eq!(fit_key(&long, 33), "#09ecb6ebc8bcefc733f6f2ec44f791ab");
        assert_eq!(fit_key(&long, 8), "09ecb6eb");
        assert_eq!(fit_key(&long, 0), "");
    }

    #[test]
    fn fit_key_cuts_at_char_boundaries_and_hashes_whole_key() {
        // 'é' is 2 bytes: room of 7 bytes holds 3 of them (6 bytes), never half of one.
        let long = "é".repeat(40);
        let fitted = fit_key(&long, 40);
        assert!(fitted.starts_with("ééé#"));
        assert_eq!(fitted.len(), 39);
        // Same prefix, different tail: different results.
        let a = format!("{}a", "p".repeat(600));
        let b = format!("{}b", "p".repeat(600));
        assert_ne!(fit_key(&a, 512), fit_key(&b, 512));
        assert_eq!(fit_key(&a, 512), fit_key(&a, 512));
        assert_eq!(fit_key(&a, 512).len(), 512);
    }

    proptest! {
        #[test]
        fn fit_key_always_fits(k in "\\PC{0,80}", max in 0usize..100) {
            let fitted = fit_key(&k, max);
            prop_assert!(fitted.len() <= max);
            if k.len() <= max.saturating_sub(FIT_MARGIN) {
                prop_assert_eq!(fitted.as_ref(), k.as_str());
            }
        }

        #[test]
        fn kept_and_fitted_keys_never_meet(k in "\\PC{0,120}", max in 64usize..100) {
            let fitted = fit_key(&k, max);
            let kept = fitted.as_ref() == k.as_str();
            // A kept key is short; a fitted key is long: their lengths never overlap.
            prop_assert!(kept == (fitted.len() <= max - FIT_MARGIN));
            if !kept {
                prop_assert!(fitted.len() >= max - 3);
            }
        }
    }

    #[test]
    fn model_list_and_query_keys() {
        assert_eq!(model_key("app", "user", "42", None), "app:user:42");
        assert_eq!(
            model_key("app", "user", "42", Some("posts")),
            "app:user:42:posts"
        );
        assert_eq!(
            model_key("a:b", "user", "x:y", Some("%")),
            "a:b:user:x%3Ay:%25"
        );
        assert_eq!(
            list_key("app", "user", &[("role", "admin"), ("age", "30")]),
            "app:user:list?age=30&role=admin"
        );
        assert_eq!(list_key("app", "user", &[]), "app:user:list?");
        assert_eq!(
            list_key("app", "user", &[("tag", "b"), ("tag", "a")]),
            "app:user:list?tag=a&tag=b"
        );
        assert_eq!(
            list_key("app", "user", &[("q", "a=b&c"), ("n\n", "?:")]),
            "app:user:list?n%0A=%3F%3A&q=a%3Db%26c"
        );
        assert_eq!(
            query_key("app", "topUsers", &[("limit", "10")]),
            "app:topUsers?limit=10"
        );
        assert_eq!(query_key("app", "top:users", &[]), "app:top%3Ausers?");
        // The three shapes never collide for one prefix.
        assert_ne!(model_key("p", "m", "list", None), list_key("p", "m", &[]));
        assert_ne!(model_key("p", "m", "list?", None), list_key("p", "m", &[]));
        assert_ne!(
            list_key("p", "query", &[]),
            query_key("p", "query:list", &[])
        );
        assert_ne!(
            model_key("p", "a", "b", None),
            model_key("p", "a:b", "", None)
        );
        // Everything about a model is under `prefix:model:`.
        let all_users = crate::pattern::Pattern::parse("app:user:*").unwrap();
        assert!(all_users.matches(&model_key("app", "user", "1", None)));
        assert!(all_users.matches(&list_key("app", "user", &[("a", "b")])));
        assert!(!all_users.matches(&model_key("app", "users", "1", None)));
    }

    proptest! {
        #[test]
        fn escaped_parts_keep_keys_apart(
            a in "[a:%&=?]{0,4}", b in "[a:%&=?]{0,4}", c in "[a:%&=?]{0,4}", d in "[a:%&=?]{0,4}",
        ) {
            if (a.as_str(), b.as_str()) != (c.as_str(), d.as_str()) {
                prop_assert_ne!(model_key("p", &a, &b, None), model_key("p", &c, &d, None));
                prop_assert_ne!(list_key("p", "m", &[(&a, &b)]), list_key("p", "m", &[(&c, &d)]));
            }
        }

    }
}
