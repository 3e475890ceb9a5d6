//! zlib inflation with an output limit: total, never more than the limit, and
//! the limit is exact (a stream of n bytes passes with limit n, fails with n-1).
//! Input: 3 bytes of limit (little-endian, masked to under 64 KiB), then the stream.
#![no_main]

use edgecache::codec::compress::decompress;
use edgecache::error::CacheError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, stream)) = data.split_at_checked(3) else {
        return;
    };
    // At most 64 KiB - 1: larger limits only make each run slower (every
    // accepted stream is inflated three times), not different.
    let limit = head
        .iter()
        .rev()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        & 0xFFFF;
    match decompress(stream, limit) {
        Ok(out) => {
            assert!(
                out.len() <= limit,
                "{} bytes past a limit of {limit}",
                out.len()
            );
            // Exact limit: the same stream with exactly its length passes...
            let exact = decompress(stream, out.len()).expect("exact limit accepts");
            assert_eq!(exact, out);
            // ...and one byte less is a limit error, not corruption or truncation.
            if let Some(less) = out.len().checked_sub(1) {
                let err = decompress(stream, less).expect_err("limit - 1 must refuse");
                assert!(
                    matches!(err, CacheError::DecompressionLimit { .. }),
                    "limit - 1 gave {err:?}"
                );
            }
        }
        Err(CacheError::DecompressionLimit { limit: reported }) => {
            assert_eq!(reported, limit as u64);
        }
        Err(CacheError::CorruptData { .. }) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
