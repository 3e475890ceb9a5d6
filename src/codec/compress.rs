//! Payload compression: zlib (RFC 1950) via miniz_oxide, with a hard output limit.
//!
//! Why zlib rather than raw deflate: the 6 extra bytes (2-byte header, 4-byte
//! Adler-32 trailer) buy an end-to-end check of the *decompressed* bytes, and
//! zlib is what every other reader speaks out of the box: JS
//! `DecompressionStream("deflate")` in Workers, Deno and Node, Go
//! `compress/zlib`, Python `zlib.decompress`. The envelope's CRC-32 covers the
//! stored (compressed) bytes; Adler-32 covers what inflate produced from them.
//!
//! Why level 3 by default: on the edge, CPU time is the scarce resource
//! (Workers bill and cap it per request) and deflate's cost climbs steeply
//! past level 3 while the bytes saved do not. Measured with miniz_oxide 0.9.1,
//! native release build, best of 7 runs, JSON-like records (64 KiB / 1 MiB):
//!
//! | level | output (64 KiB) | deflate speed (64 KiB) | output (1 MiB) | deflate speed (1 MiB) |
//! |------:|----------------:|-----------------------:|---------------:|----------------------:|
//! | 1     | 23.2 %          | 260 MB/s               | 22.9 %         | 267 MB/s              |
//! | 3     | 17.3 %          | 117 MB/s               | 16.5 %         | 111 MB/s              |
//! | 6     | 15.3 %          | 46 MB/s                | 14.1 %         | 29 MB/s               |
//! | 9     | 15.2 %          | 36 MB/s                | 14.0 %         | 22 MB/s               |
//!
//! Level 3 is 2.5–4× faster than zlib's default 6 for 13–17 % more bytes,
//! and inflate speed hardly depends on the level. Callers who store much more
//! than they compute can pick 6; those on the tightest budgets can pick 1.

use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};

use crate::error::{CacheError, Result};

/// Highest level miniz_oxide understands (10 is its "uber" mode, slow).
pub const MAX_LEVEL: u8 = 10;

/// When and how hard to compress a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    /// Payloads shorter than this many bytes are stored as they are. Default
    /// 512: a 1 KB JSON object encodes to ~890 bytes and deflates to about half
    /// (memory per entry 1,098 -> 639 B in wasm), for ~9 µs more per read;
    /// below a few hundred bytes deflate rarely wins enough to pay for that.
    pub threshold: usize,
    /// 0 turns compression off; 1 (fastest) ..= 10 (smallest).
    pub level: u8,
}

impl Default for Compression {
    fn default() -> Self {
        Compression {
            threshold: 512,
            level: 3,
        }
    }
}

impl Compression {
    /// Compression switched off entirely.
    pub const OFF: Compression = Compression {
        threshold: usize::MAX,
        level: 0,
    };

    /// Checks that `level` is in `0..=10`.
    pub fn validate(&self) -> Result<()> {
        if self.level > MAX_LEVEL {
            return Err(CacheError::InvalidOption {
                name: "compression.level",
                reason: format!("must be 0 (off) to {MAX_LEVEL}, got {}", self.level),
            });
        }
        Ok(())
    }
}

/// Deflates `data` (zlib format) when it is at least `threshold` bytes long,
/// does not look incompressible, and the result is strictly smaller; `None`
/// means "store uncompressed".
pub fn maybe_compress(data: &[u8], c: &Compression) -> Option<Vec<u8>> {
    if c.level == 0 || data.len() < c.threshold || looks_incompressible(data) {
        return None;
    }
    // An out-of-range level is clamped rather than trusted: validate() is the
    // place that reports it, this function must simply never misbehave.
    let packed = deflate(data, c.level.min(MAX_LEVEL));
    (packed.len() < data.len()).then_some(packed)
}

/// Kept out of line: the compressor's state is a ~64 KiB stack frame that
/// would otherwise be probed on every write, even below the threshold.
/// Bytes sampled from the start of a payload by [`looks_incompressible`].
const SAMPLE_BYTES: usize = 1024;
/// From this many bytes on, the sample's distinct byte values tell random-like
/// data from text and structured binary.
const MIN_SAMPLE_BYTES: usize = 512;
/// Distinct byte values above which a sample counts as random-like: 512
/// random bytes show ~221 of the 256 values on average (1,024 show ~250),
/// JSON and text ~40-120, so deflate would spend ~80 µs per 4 KiB (in wasm) to
/// win nothing on already compressed or encrypted data.
const RANDOM_DISTINCT_BYTES: u32 = 200;

/// Whether `data` looks like compressed, encrypted or random bytes, judged
/// from the variety of byte values in its first KiB (cheap: one pass over it).
/// A payload whose first KiB uses almost every byte value but would still
/// deflate (a counting sequence, say) is stored as is: the price of the check.
fn looks_incompressible(data: &[u8]) -> bool {
    let sample = data.get(..SAMPLE_BYTES).unwrap_or(data);
    if sample.len() < MIN_SAMPLE_BYTES {
        return false;
    }
    let mut seen = [0u64; 4];
    for &b in sample {
        if let Some(word) = seen.get_mut(usize::from(b >> 6)) {
            *word |= 1u64 << (b & 63);
        }
    }
    seen.iter().map(|w| w.count_ones()).sum::<u32>() > RANDOM_DISTINCT_BYTES
}

#[inline(never)]
#[cold]
fn deflate(data: &[u8], level: u8) -> Vec<u8> {
    compress_to_vec_zlib(data, level)
}

/// Inflates zlib data, refusing to produce more than `max_output` bytes.
///
/// The limit is enforced while inflating (the output buffer never grows past
/// it), so a small decompression bomb costs at most `max_output` bytes of
/// memory. Errors: [`CacheError::DecompressionLimit`] when the output would
/// exceed the limit; [`CacheError::CorruptData`] for a bad header, invalid
/// deflate data, a truncated stream or an Adler-32 mismatch. Never panics.
// Out of line for the same reason as `deflate`: the inflater's state is large.
#[inline(never)]
pub fn decompress(data: &[u8], max_output: usize) -> Result<Vec<u8>> {
    // Inflate one byte past the limit: a stream of exactly `max_output` bytes
    // then always finishes (checksum included) inside the buffer, and only a
    // stream that really is longer reports "more output".
    let ceiling = max_output.saturating_add(1);
    match decompress_to_vec_zlib_with_limit(data, ceiling) {
        Ok(out) if out.len() <= max_output => Ok(out),
        Ok(_) => Err(limit_error(max_output)),
        Err(e) => Err(match e.status {
            TINFLStatus::HasMoreOutput => limit_error(max_output),
            TINFLStatus::Adler32Mismatch => {
                CacheError::corrupt("compressed payload checksum mismatch")
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                CacheError::corrupt("compressed payload is truncated")
            }
            _ => CacheError::corrupt("compressed payload is not valid zlib data"),
        }),
    }
}

fn limit_error(max_output: usize) -> CacheError {
    CacheError::DecompressionLimit {
        limit: u64::try_from(max_output).unwrap_or(u64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, TDEFLStatus, compress as deflate_stream,
        create_comp_flags_from_zip_params,
    };
    use proptest::prelude::*;

    fn text(len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        let mut i = 0u64;
        while out.len() < len {
            out.extend_from_slice(
                format!("{{\"id\":{i},\"name\":\"user-{}\",\"ok\":true}},", i % 97).as_bytes(),
            );
            i += 1;
        }
        out.truncate(len);
        out
    }

    /// Deterministic bytes that deflate cannot shrink (xorshift).
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn round_trip_at_every_level() {
        let data = text(10_000);
        for level in 1..=MAX_LEVEL {
            let c = Compression {
                threshold: 0,
                level,
            };
            let packed = maybe_compress(&data, &c).unwrap();
            assert!(packed.len() < data.len() / 2, "level {level}");
            assert_eq!(decompress(&packed, data.len()).unwrap(), data);
        }
    }

    #[test]
    fn output_is_zlib_format() {
        let packed = maybe_compress(&text(4096), &Compression::default()).unwrap();
        // CMF 0x78 = deflate with a 32 KiB window; (CMF*256 + FLG) % 31 == 0.
        assert_eq!(packed[0], 0x78);
        assert_eq!((u16::from(packed[0]) * 256 + u16::from(packed[1])) % 31, 0);
    }

    #[test]
    fn default_is_level_3_from_512_bytes() {
        assert_eq!(
            Compression::default(),
            Compression {
                threshold: 512,
                level: 3
            }
        );
    }

    #[test]
    fn random_bytes_are_not_deflated_but_text_and_structured_binary_are() {
        let c = Compression::default();
        // Random-like (what compressed or encrypted payloads look like).
        assert!(looks_incompressible(&noise(4096)));
        assert_eq!(maybe_compress(&noise(4096), &c), None);
        // Text, and binary with a small alphabet, still compress.
        assert!(!looks_incompressible(&text(4096)));
        assert!(maybe_compress(&text(4096), &c).is_some());
        let structured: Vec<u8> = (0..1024u32)
            .flat_map(|i| (i % 97 * 3).to_le_bytes())
            .collect();
        assert!(!looks_incompressible(&structured));
        assert!(maybe_compress(&structured, &c).is_some());
        // Random bytes then text: judged by the start, stored as is.
        let mut mixed = noise(1024);
        mixed.extend(text(8192));
        assert!(looks_incompressible(&mixed));
        // Too short to judge: deflate decides (and declines).
        let short = Compression {
            threshold: 0,
            level: 3,
        };
        assert!(!looks_incompressible(&noise(256)));
        assert_eq!(maybe_compress(&noise(256), &short), None);
    }

    #[test]
    fn respects_threshold_and_level_zero() {
        let c = Compression {
            threshold: 1024,
            level: 3,
        };
        assert_eq!(maybe_compress(&text(1023), &c), None);
        assert!(maybe_compress(&text(1024), &c).is_some());
        let off = Compression {
            threshold: 0,
            level: 0,
        };
        assert_eq!(maybe_compress(&text(100_000), &off), None);
        assert_eq!(maybe_compress(&text(100_000), &Compression::OFF), None);
    }

    #[test]
    fn only_when_smaller() {
        let c = Compression {
            threshold: 0,
            level: 9,
        };
        assert_eq!(maybe_compress(&noise(64 * 1024), &c), None);
        // Tiny inputs grow by the zlib framing, so they are stored as is.
        assert_eq!(maybe_compress(b"abc", &c), None);
        assert_eq!(maybe_compress(b"", &c), None);
    }

    #[test]
    fn validate_checks_level_range() {
        assert!(Compression::default().validate().is_ok());
        assert!(
            Compression {
                threshold: 0,
                level: 10
            }
            .validate()
            .is_ok()
        );
        let err = Compression {
            threshold: 0,
            level: 11,
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTION");
        // An unvalidated level is clamped, not trusted.
        let data = text(5000);
        let packed = maybe_compress(
            &data,
            &Compression {
                threshold: 0,
                level: 200,
            },
        )
        .unwrap();
        assert_eq!(decompress(&packed, data.len()).unwrap(), data);
    }

    #[test]
    fn limit_is_exact() {
        let data = text(5000);
        let packed = maybe_compress(&data, &Compression::default()).unwrap();
        assert_eq!(decompress(&packed, 5000).unwrap(), data);
        assert_eq!(
            decompress(&packed, 4999).unwrap_err(),
            CacheError::DecompressionLimit { limit: 4999 }
        );
        assert_eq!(
            decompress(&packed, 0).unwrap_err(),
            CacheError::DecompressionLimit { limit: 0 }
        );
        let empty = compress_to_vec_zlib(b"", 6);
        assert_eq!(decompress(&empty, 0).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn every_truncation_is_corrupt() {
        let data = text(3000);
        let packed = maybe_compress(&data, &Compression::default()).unwrap();
        for cut in 0..packed.len() {
            let err = decompress(&packed[..cut], 1 << 20).unwrap_err();
            assert_eq!(err.code(), "CORRUPT_DATA", "cut at {cut}");
        }
    }

    #[test]
    fn corrupt_input_is_rejected() {
        let data = text(3000);
        let packed = maybe_compress(&data, &Compression::default()).unwrap();
        // A flipped bit in the Adler-32 trailer: inflate succeeds, the check fails.
        let mut bad = packed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            decompress(&bad, 1 << 20).unwrap_err(),
            CacheError::corrupt("compressed payload checksum mismatch")
        );
        // A bad zlib header.
        let mut bad = packed.clone();
        bad[0] = 0x00;
        assert_eq!(
            decompress(&bad, 1 << 20).unwrap_err().code(),
            "CORRUPT_DATA"
        );
        // Raw deflate (no zlib header) and plain text are foreign data.
        let raw = miniz_oxide::deflate::compress_to_vec(&data, 6);
        assert_eq!(
            decompress(&raw, 1 << 20).unwrap_err().code(),
            "CORRUPT_DATA"
        );
        assert_eq!(
            decompress(b"{\"json\":true}", 1 << 20).unwrap_err().code(),
            "CORRUPT_DATA"
        );
        assert_eq!(decompress(b"", 1 << 20).unwrap_err().code(), "CORRUPT_DATA");
    }

    /// Adler-32 of `n` zero bytes: A stays 1 and B grows by 1 per byte.
    fn adler32_of_zeros(n: u64) -> u32 {
        (((n % 65_521) as u32) << 16) | 1
    }

    /// A valid zlib stream of `mib` MiB of zeros, built without ever holding
    /// them: one MiB is deflated and sync-flushed (which byte-aligns it), and
    /// that chunk repeats, because every chunk only refers back to zeros.
    fn zeros_bomb(mib: usize) -> Vec<u8> {
        let flags = create_comp_flags_from_zip_params(9, 0, 0);
        let zeros = vec![0u8; 1 << 20];
        let mut chunk = vec![0u8; 64 * 1024];
        let mut comp = CompressorOxide::new(flags);
        let (status, read, chunk_len) =
            deflate_stream(&mut comp, &zeros, &mut chunk, TDEFLFlush::Sync);
        assert_eq!((status, read), (TDEFLStatus::Okay, zeros.len()));
        let mut end = [0u8; 64];
        let (status, _, end_len) = deflate_stream(&mut comp, &[], &mut end, TDEFLFlush::Finish);
        assert_eq!(status, TDEFLStatus::Done);
        let mut out = vec![0x78, 0xDA];
        for _ in 0..mib {
            out.extend_from_slice(&chunk[..chunk_len]);
        }
        // A final empty fixed-Huffman block (bits 1, 01, 0000000), then Adler-32.
        out.extend_from_slice(&[0x03, 0x00]);
        out.extend_from_slice(&adler32_of_zeros((mib as u64) << 20).to_be_bytes());
        let _ = end_len;
        out
    }

    #[test]
    fn bomb_construction_is_valid_zlib() {
        let small = zeros_bomb(3);
        assert_eq!(decompress(&small, 3 << 20).unwrap(), vec![0u8; 3 << 20]);
    }

    #[test]
    fn one_gib_bomb_is_refused() {
        let bomb = zeros_bomb(1024);
        // About 1 KiB of input per MiB of output.
        assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());
        assert_eq!(
            decompress(&bomb, 1 << 20).unwrap_err(),
            CacheError::DecompressionLimit { limit: 1 << 20 }
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), limit in 0usize..4096) {
            if let Ok(out) = decompress(&bytes, limit) {
                prop_assert!(out.len() <= limit);
            }
        }

        #[test]
        fn zlib_prefixed_garbage_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut bytes = vec![0x78, 0x9C];
            bytes.extend_from_slice(&tail);
            if let Ok(out) = decompress(&bytes, 1 << 16) {
                prop_assert!(out.len() <= 1 << 16);
            }
        }

        #[test]
        fn round_trip_arbitrary(data in proptest::collection::vec(any::<u8>(), 0..4096), level in 1u8..=10) {
            let c = Compression { threshold: 0, level };
            if let Some(packed) = maybe_compress(&data, &c) {
                prop_assert!(packed.len() < data.len());
                prop_assert_eq!(decompress(&packed, data.len())?, data);
            }
        }
    }
}
