//! Tests of the envelope format (kept beside envelope.rs to keep that file readable).

use super::*;
use crate::codec::crc32::crc32;
use proptest::prelude::*;

fn sample() -> Envelope {
    Envelope {
        created_at: 1_700_000_000_000,
        expires_at: Some(1_700_000_060_000),
        stale_until: Some(1_700_000_120_000),
        tags: vec![("user:42".to_owned(), 7)],
        payload: b"hello".to_vec(),
    }
}

fn compressible(len: usize) -> Vec<u8> {
    b"{\"id\":1,\"name\":\"edge\",\"tags\":[\"a\",\"b\"]},"
        .iter()
        .copied()
        .cycle()
        .take(len)
        .collect()
}

fn big_sample() -> Envelope {
    Envelope {
        created_at: 5,
        expires_at: Some(10),
        stale_until: None,
        tags: vec![
            ("a".to_owned(), 1),
            ("".to_owned(), u64::MAX),
            ("ünï".to_owned(), 0),
        ],
        payload: compressible(3000),
    }
}

fn limits() -> EnvelopeLimits {
    EnvelopeLimits::default()
}

/// Rewrites the trailer so a deliberately edited body passes the checksum.
fn reseal(bytes: &mut Vec<u8>) {
    bytes.truncate(bytes.len() - TRAILER_LEN);
    let crc = crc32(bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
}

#[test]
fn golden_bytes_are_pinned() {
    // The worked example of the module documentation. If this test fails, the
    // format changed: bump VERSION instead of editing the expected bytes.
    let expected = "ecca0106\
        0068e5cf8b010000\
        6052e6cf8b010000\
        c03ce7cf8b010000\
        05000000\
        05000000\
        0100\
        0700757365723a34320700000000000000\
        68656c6c6f\
        00a9c443";
    let bytes = sample().encode(&Compression::OFF).unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, expected);
    assert_eq!(Envelope::decode(&bytes, &limits()).unwrap(), sample());
}

#[test]
fn golden_compressed_envelope_decodes() {
    // Written by this code (miniz_oxide level 6); pinned so that a reader
    // change is caught even if the compressor's output later changes.
    let hex = "ecca0103010000000000000002000000000000000000000000000000e8030000220000000000\
               789cedc6491100000802c0ac786bff00f660f82dcc23ab670f922491ea0139858c8c5a72103e";
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let env = Envelope::decode(&bytes, &limits()).unwrap();
    let expected: Vec<u8> = b"abcdefghij".iter().copied().cycle().take(1000).collect();
    assert_eq!(env.created_at, 1);
    assert_eq!(env.expires_at, Some(2));
    assert_eq!(env.stale_until, None);
    assert!(env.tags.is_empty());
    assert_eq!(env.payload, expected);
}

#[test]
fn round_trips() {
    let cases = [
        sample(),
        big_sample(),
        Envelope::default(),
        Envelope {
            created_at: u64::MAX,
            expires_at: None,
            stale_until: None,
            tags: vec![],
            payload: compressible(50_000),
        },
        Envelope {
            created_at: 0,
            expires_at: Some(0),
            stale_until: Some(0),
            tags: vec![("t".to_owned(), 3); 64],
            payload: vec![0xEC; 10],
        },
    ];
    for env in cases {
        for c in [
            Compression::OFF,
            Compression::default(),
            Compression {
                threshold: 0,
                level: 1,
            },
        ] {
            let bytes = env.encode(&c).unwrap();
            assert_eq!(Envelope::decode(&bytes, &limits()).unwrap(), env);
        }
    }
}

#[test]
fn compression_is_recorded_in_the_flag() {
    let env = big_sample();
    let packed = env.encode(&Compression::default()).unwrap();
    let plain = env.encode(&Compression::OFF).unwrap();
    assert_eq!(packed[3] & FLAG_COMPRESSED, FLAG_COMPRESSED);
    assert_eq!(plain[3] & FLAG_COMPRESSED, 0);
    assert!(packed.len() < plain.len() / 4);
    // Below the threshold nothing is compressed.
    let small = Envelope {
        payload: compressible(500),
        ..big_sample()
    };
    assert_eq!(
        small.encode(&Compression::default()).unwrap()[3] & FLAG_COMPRESSED,
        0
    );
}

#[test]
fn minimal_envelope_is_42_bytes() {
    let bytes = Envelope::default().encode(&Compression::default()).unwrap();
    assert_eq!(bytes.len(), HEADER_LEN + TRAILER_LEN);
    assert_eq!(bytes.len(), 42);
}

#[test]
fn every_truncation_is_an_error() {
    for env in [sample(), big_sample()] {
        let bytes = env.encode(&Compression::default()).unwrap();
        for cut in 0..bytes.len() {
            let err = Envelope::decode(&bytes[..cut], &limits()).unwrap_err();
            assert_eq!(err.code(), "CORRUPT_DATA", "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            Envelope::decode(&longer, &limits()).unwrap_err().code(),
            "CORRUPT_DATA"
        );
    }
}

#[test]
fn every_single_bit_flip_is_detected() {
    for env in [sample(), big_sample()] {
        let bytes = env.encode(&Compression::default()).unwrap();
        for i in 0..bytes.len() * 8 {
            let mut bad = bytes.clone();
            bad[i / 8] ^= 1 << (i % 8);
            let err = Envelope::decode(&bad, &limits()).unwrap_err();
            let expected = if i / 8 == 2 {
                "UNSUPPORTED_VERSION"
            } else {
                "CORRUPT_DATA"
            };
            assert_eq!(err.code(), expected, "bit {i}");
        }
    }
}

#[test]
fn unknown_version_is_unsupported() {
    let mut bytes = sample().encode(&Compression::OFF).unwrap();
    bytes[2] = 2;
    // Reported before the checksum is looked at, and also after resealing.
    assert_eq!(
        Envelope::decode(&bytes, &limits()).unwrap_err(),
        CacheError::UnsupportedVersion { version: 2 }
    );
    reseal(&mut bytes);
    assert_eq!(
        Envelope::decode(&bytes, &limits()).unwrap_err(),
        CacheError::UnsupportedVersion { version: 2 }
    );
    // A future version may be shorter than any version-1 envelope.
    assert_eq!(
        Envelope::decode(&[0xEC, 0xCA, 200], &limits()).unwrap_err(),
        CacheError::UnsupportedVersion { version: 200 }
    );
}

#[test]
fn foreign_data_is_corrupt() {
    let foreign: [&[u8]; 7] = [
        b"",
        b"\xEC",
        br#"{"value":"hello","expires":1700000000000}"#,
        b"hello world",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        &[0u8; 64],
        &[0xFF; 100],
    ];
    for bytes in foreign {
        let err = Envelope::decode(bytes, &limits()).unwrap_err();
        assert_eq!(
            err,
            CacheError::corrupt("not an edgecache envelope"),
            "{bytes:?}"
        );
    }
}

#[test]
fn sealed_but_invalid_headers_are_corrupt() {
    let base = sample().encode(&Compression::OFF).unwrap();
    type Edit = fn(&mut Vec<u8>);
    let edits: [(&str, Edit); 6] = [
        ("unknown flag", |b| b[3] |= 0x08),
        ("stale without expiry", |b| b[3] &= !FLAG_HAS_EXPIRY),
        ("absent expiry not zero", |b| {
            b[3] &= !(FLAG_HAS_EXPIRY | FLAG_HAS_STALE);
            b[20..28].fill(0);
        }),
        ("stale before expiry", |b| {
            b[20..28].copy_from_slice(&1u64.to_le_bytes())
        }),
        ("lengths differ uncompressed", |b| b[28] = 4),
        ("compressed flag on plain bytes", |b| {
            b[3] |= FLAG_COMPRESSED
        }),
    ];
    for (what, edit) in edits {
        let mut bytes = base.clone();
        edit(&mut bytes);
        reseal(&mut bytes);
        let err = Envelope::decode(&bytes, &limits()).unwrap_err();
        assert_eq!(err.code(), "CORRUPT_DATA", "{what}");
    }
    // Invalid UTF-8 in a tag name.
    let mut bytes = base.clone();
    bytes[40] = 0xFF;
    reseal(&mut bytes);
    assert_eq!(
        Envelope::decode(&bytes, &limits()).unwrap_err(),
        CacheError::corrupt("tag name is not UTF-8")
    );
}

#[test]
fn reader_limits_are_enforced() {
    let env = big_sample();
    let bytes = env.encode(&Compression::default()).unwrap();
    let tight = EnvelopeLimits {
        max_payload: 2999,
        ..limits()
    };
    assert_eq!(
        Envelope::decode(&bytes, &tight).unwrap_err(),
        CacheError::ValueTooLarge {
            size: 3000,
            limit: 2999
        }
    );
    let exact = EnvelopeLimits {
        max_payload: 3000,
        max_tags: 3,
        max_tag_len: 5,
    }; // "ünï" is 5 bytes
    assert_eq!(Envelope::decode(&bytes, &exact).unwrap(), env);
    let few_tags = EnvelopeLimits {
        max_tags: 2,
        ..limits()
    };
    assert_eq!(
        Envelope::decode(&bytes, &few_tags).unwrap_err(),
        CacheError::LimitExceeded {
            what: "tags",
            limit: 2
        }
    );
    let short_tags = EnvelopeLimits {
        max_tag_len: 4,
        ..limits()
    };
    assert_eq!(
        Envelope::decode(&bytes, &short_tags).unwrap_err().code(),
        "LIMIT_EXCEEDED"
    );
}

#[test]
fn a_lying_payload_length_is_caught() {
    let env = Envelope {
        tags: vec![],
        ..big_sample()
    };
    let bytes = env.encode(&Compression::default()).unwrap();
    // Declares fewer bytes than the stream inflates to: the declared length is
    // the decompression limit.
    let mut small = bytes.clone();
    small[28..32].copy_from_slice(&100u32.to_le_bytes());
    reseal(&mut small);
    assert_eq!(
        Envelope::decode(&small, &limits()).unwrap_err(),
        CacheError::DecompressionLimit { limit: 100 }
    );
    // Declares more bytes than the stream holds.
    let mut large = bytes.clone();
    large[28..32].copy_from_slice(&3001u32.to_le_bytes());
    reseal(&mut large);
    assert_eq!(
        Envelope::decode(&large, &limits()).unwrap_err(),
        CacheError::corrupt("payload length mismatch")
    );
    // A stored length that disagrees with the bytes present.
    let mut stored = bytes;
    stored[32] ^= 1;
    reseal(&mut stored);
    assert_eq!(
        Envelope::decode(&stored, &limits()).unwrap_err(),
        CacheError::corrupt("payload length mismatch")
    );
}

#[test]
fn encode_rejects_invalid_entries() {
    let no_expiry = Envelope {
        expires_at: None,
        ..sample()
    };
    assert_eq!(
        no_expiry.encode(&Compression::OFF).unwrap_err().code(),
        "INVALID_TTL"
    );
    let backwards = Envelope {
        stale_until: Some(1),
        ..sample()
    };
    assert_eq!(
        backwards.encode(&Compression::OFF).unwrap_err().code(),
        "INVALID_TTL"
    );
    let many = Envelope {
        tags: vec![(String::new(), 0); 65_536],
        ..sample()
    };
    assert_eq!(
        many.encode(&Compression::OFF).unwrap_err(),
        CacheError::LimitExceeded {
            what: "tags",
            limit: 65_535
        }
    );
    let long = Envelope {
        tags: vec![("x".repeat(65_536), 0)],
        ..sample()
    };
    assert_eq!(
        long.encode(&Compression::OFF).unwrap_err().code(),
        "LIMIT_EXCEEDED"
    );
    let widest = Envelope {
        tags: vec![("x".repeat(65_535), 0)],
        ..sample()
    };
    let wide_limits = EnvelopeLimits {
        max_tag_len: 65_535,
        ..limits()
    };
    let bytes = widest.encode(&Compression::OFF).unwrap();
    assert_eq!(Envelope::decode(&bytes, &wide_limits).unwrap(), widest);
}

#[test]
fn freshness_windows() {
    let env = sample(); // expires 1_700_000_060_000, stale until 1_700_000_120_000
    assert!(env.is_fresh(0));
    assert!(env.is_fresh(1_700_000_059_999));
    assert!(!env.is_fresh(1_700_000_060_000));
    assert!(!env.is_servable_stale(1_700_000_059_999));
    assert!(env.is_servable_stale(1_700_000_060_000));
    assert!(env.is_servable_stale(1_700_000_119_999));
    assert!(!env.is_servable_stale(1_700_000_120_000));

    let forever = Envelope::default();
    assert!(forever.is_fresh(u64::MAX));
    assert!(!forever.is_servable_stale(u64::MAX));

    let no_stale = Envelope {
        stale_until: None,
        ..sample()
    };
    assert!(!no_stale.is_servable_stale(1_700_000_060_000));
}

fn arb_envelope() -> impl Strategy<Value = Envelope> {
    let payload = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        (0usize..5000).prop_map(compressible),
    ];
    (
        any::<u64>(),
        proptest::option::of((any::<u64>(), proptest::option::of(any::<u64>()))),
        proptest::collection::vec((".{0,12}", any::<u64>()), 0..6),
        payload,
    )
        .prop_map(|(created_at, times, tags, payload)| {
            let expires_at = times.map(|(e, _)| e);
            let stale_until = times.and_then(|(e, s)| s.map(|s| e.saturating_add(s % 1_000_000)));
            Envelope {
                created_at,
                expires_at,
                stale_until,
                tags,
                payload,
            }
        })
}

proptest! {
    #[test]
    fn encode_decode_is_identity(env in arb_envelope(), level in 0u8..=10, threshold in 0usize..2000) {
        let bytes = env.encode(&Compression { threshold, level }).unwrap();
        prop_assert_eq!(Envelope::decode(&bytes, &limits()).unwrap(), env);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Envelope::decode(&bytes, &limits());
    }

    /// Valid magic, version and checksum around arbitrary contents, so the
    /// parser behind the checksum is exercised too.
    #[test]
    fn sealed_arbitrary_bodies_never_panic(
        flags in any::<u8>(),
        mid in proptest::collection::vec(any::<u8>(), 34..600),
    ) {
        let mut bytes = vec![0xEC, 0xCA, 1, flags];
        bytes.extend_from_slice(&mid);
        bytes.extend_from_slice(&[0; TRAILER_LEN]);
        reseal(&mut bytes);
        let small = EnvelopeLimits { max_payload: 4096, max_tags: 8, max_tag_len: 64 };
        if let Ok(env) = Envelope::decode(&bytes, &small) {
            prop_assert!(env.payload.len() <= 4096);
        }
    }

    /// Random single-byte corruption of a valid envelope is always detected.
    #[test]
    fn corrupted_bytes_are_detected(env in arb_envelope(), pos in any::<usize>(), xor in 1u8..=255) {
        let mut bytes = env.encode(&Compression::default()).unwrap();
        let pos = pos % bytes.len();
        bytes[pos] ^= xor;
        prop_assert!(Envelope::decode(&bytes, &limits()).is_err());
    }
}
