//! TTL input: parsing never panics, and every accepted value is within
//! 1..=MAX_TTL_MS. A numeric TTL rounds up by less than one millisecond, and
//! an accepted duration reads back the same when written in milliseconds.
//! Input: 8 bytes of f64 (little-endian) for ttl_from_ms, the rest as a string.
#![no_main]

use edgecache::ttl::{MAX_TTL_MS, parse_duration, ttl_from_ms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((head, _)) = data.split_at_checked(8) {
        let ms = f64::from_le_bytes(head.try_into().expect("8 bytes"));
        if let Ok(v) = ttl_from_ms(ms) {
            assert!((1..=MAX_TTL_MS).contains(&v), "{ms} -> {v}");
            // Exactly the ceiling: v - 1 < ms <= v (both sides exact below 2^53).
            assert!(v as f64 >= ms && ((v - 1) as f64) < ms, "{ms} -> {v}");
        } else {
            assert!(!(ms > 0.0 && ms <= MAX_TTL_MS as f64), "{ms} refused");
        }
    }
    let text = String::from_utf8_lossy(data.get(8..).unwrap_or(data));
    for s in [text.as_ref(), String::from_utf8_lossy(data).as_ref()] {
        if let Ok(v) = parse_duration(s) {
            assert!((1..=MAX_TTL_MS).contains(&v), "{s:?} -> {v}");
            assert_eq!(parse_duration(&format!("{v}ms")), Ok(v));
            assert_eq!(parse_duration(&v.to_string()), Ok(v));
        }
    }
});
