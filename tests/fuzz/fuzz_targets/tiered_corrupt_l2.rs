//! Arbitrary bytes planted in L2 and read through a TieredCache: never a
//! panic, always a miss or exactly the payload the planted bytes decode to
//! (and only while that entry is servable), and every undecodable entry is
//! counted as corrupt. Plants are raw bytes, a structurally valid envelope
//! with optional bit flips, or a chunked entry with a manifest whose CRC is
//! right (so the chunk-joining path is reached) and whose fields are fuzzed.
#![no_main]

use std::rc::Rc;

use arbitrary::Arbitrary;
use edgecache::ManualClock;
use edgecache::backend::{BackendCaps, MemoryBackend, poll_ready};
use edgecache::codec::crc32::crc32;
use edgecache::codec::{Compression, Envelope, EnvelopeLimits};
use edgecache::memory::MemoryConfig;
use edgecache::tiered::{Lookup, TieredCache, TieredConfig};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

const T0: u64 = 1_700_000_000_000;
const KEY: &str = "k";
const TAG: &str = "t";
/// Documented in src/tiered/layout.rs: magic, version 1, flags 0.
const MANIFEST_HEAD: [u8; 4] = [0xEC, 0xCB, 1, 0];

#[derive(Debug, Arbitrary)]
struct Fields {
    created: i32,
    expires: Option<i32>,
    stale: Option<u16>,
    tags: Vec<(bool, u64)>,
    payload: Vec<u8>,
    compress: bool,
}

#[derive(Debug, Arbitrary)]
enum Plant {
    Raw(Vec<u8>),
    Envelope {
        fields: Fields,
        flips: Vec<(u16, u8)>,
    },
    Chunked {
        fields: Fields,
        chunk_size: u8,
        /// Added to the real chunk count; 0 keeps it honest. Small on purpose:
        /// a huge count is the known problem in tests/tiered_hostile_manifest.rs.
        count_delta: u8,
        total_len_delta: i8,
        bad_digest: bool,
        write_id: [u8; 16],
        drop_chunk: Option<u8>,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    plant: Plant,
    tag_generation: Option<Vec<u8>>,
    now_offset: i32,
    advance: u16,
}

fn at(delta: i32) -> u64 {
    T0.saturating_add_signed(i64::from(delta))
}

fn envelope_of(f: &Fields) -> Envelope {
    let expires_at = f.expires.map(at);
    Envelope {
        created_at: at(f.created),
        expires_at,
        stale_until: expires_at.and_then(|e| f.stale.map(|s| e.saturating_add(u64::from(s)))),
        tags: f
            .tags
            .iter()
            .take(8)
            .map(|(named, generation)| (if *named { TAG } else { "" }.to_string(), *generation))
            .collect(),
        payload: f.payload.clone(),
    }
}

fn encode(f: &Fields) -> Vec<u8> {
    let compression = if f.compress {
        Compression {
            threshold: 0,
            level: 1,
        }
    } else {
        Compression::OFF
    };
    envelope_of(f).encode(&compression).unwrap_or_default()
}

fn manifest(count: u32, total_len: u32, write_id: &[u8; 16], digest: &[u8]) -> Vec<u8> {
    let mut out = MANIFEST_HEAD.to_vec();
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&total_len.to_le_bytes());
    out.extend_from_slice(write_id);
    out.extend_from_slice(digest.get(..16).unwrap_or_default());
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fuzz_target!(|input: Input| {
    let clock = ManualClock::new(at(input.now_offset));
    let backend = MemoryBackend::new(BackendCaps::unlimited(), Rc::new(clock.clone()));
    let config = TieredConfig {
        // A small L1: the default one sizes its tables for 10 000 entries per input.
        memory: MemoryConfig {
            max_entries: 16,
            max_bytes: 1 << 20,
            ..MemoryConfig::default()
        },
        envelope_limits: EnvelopeLimits {
            max_payload: 1 << 16,
            max_tags: 4,
            max_tag_len: 16,
        },
        ..TieredConfig::default()
    };
    let limits = config.envelope_limits;
    let cache = TieredCache::new(config, backend.clone(), Rc::new(clock.clone()))
        .expect("default config is valid");
    let entry_key = cache.layout().entry_key("", KEY);
    if let Some(generation) = &input.tag_generation {
        backend.raw_set(&cache.layout().tag_key("", TAG), generation);
    }

    // What the reader should see once the entry key (and any chunks) are joined;
    // None when the chunks cannot be joined (must read as corrupt).
    let joined: Option<Vec<u8>> = match &input.plant {
        Plant::Raw(bytes) => {
            backend.raw_set(&entry_key, bytes);
            // A raw value starting like a manifest has no chunks behind it.
            (!bytes.starts_with(&MANIFEST_HEAD[..2])).then(|| bytes.clone())
        }
        Plant::Envelope { fields, flips } => {
            let mut bytes = encode(fields);
            for (at, mask) in flips.iter().take(4) {
                let len = bytes.len().max(1);
                if let Some(b) = bytes.get_mut(usize::from(*at) % len) {
                    *b ^= mask;
                }
            }
            backend.raw_set(&entry_key, &bytes);
            (!bytes.starts_with(&MANIFEST_HEAD[..2])).then_some(bytes)
        }
        Plant::Chunked {
            fields,
            chunk_size,
            count_delta,
            total_len_delta,
            bad_digest,
            write_id,
            drop_chunk,
        } => {
            let bytes = encode(fields);
            let chunks: Vec<&[u8]> = bytes.chunks(usize::from(*chunk_size).max(1)).collect();
            let count = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
            for (i, chunk) in chunks.iter().enumerate() {
                if drop_chunk.is_some_and(|d| usize::from(d) == i) {
                    continue;
                }
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                backend.raw_set(&cache.layout().chunk_key(write_id, index), chunk);
            }
            let mut digest = Sha256::digest(&bytes).to_vec();
            if *bad_digest {
                digest[0] ^= 1;
            }
            let total = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            let m = manifest(
                count.wrapping_add(u32::from(*count_delta)),
                total.wrapping_add_signed(i32::from(*total_len_delta)),
                write_id,
                &digest,
            );
            backend.raw_set(&entry_key, &m);
            let honest = *count_delta == 0
                && *total_len_delta == 0
                && !*bad_digest
                && drop_chunk.is_none_or(|d| usize::from(d) >= chunks.len());
            honest.then_some(bytes)
        }
    };
    let expected = joined.as_deref().map(|b| Envelope::decode(b, &limits));
    let decodable = matches!(expected, Some(Ok(_)));

    let first = poll_ready(cache.lookup("", KEY))
        .expect("ready at once")
        .expect("valid key");
    let now = at(input.now_offset);
    match &first {
        Lookup::Fresh(value) | Lookup::Stale(value) => {
            let Some(Ok(envelope)) = &expected else {
                panic!("served {value:?} from undecodable bytes");
            };
            assert_eq!(value, &envelope.payload);
            match first {
                Lookup::Fresh(_) => assert!(envelope.is_fresh(now)),
                _ => assert!(envelope.is_servable_stale(now)),
            }
        }
        Lookup::Miss => {}
    }
    let stats = cache.stats().l2;
    assert_eq!(
        stats.corrupt,
        u64::from(!decodable),
        "corrupt count, plant {:?}",
        input.plant
    );

    // A second read (now from L1 when backfilled), a little later: still
    // nothing but the planted payload, and only while fresh.
    clock.advance(u64::from(input.advance));
    let later = clock_now(&clock);
    let second = poll_ready(cache.get("", KEY))
        .expect("ready at once")
        .expect("valid key");
    if let Some(value) = second {
        let Some(Ok(envelope)) = &expected else {
            panic!("served {value:?} from undecodable bytes");
        };
        assert_eq!(value, envelope.payload);
        assert!(
            envelope.is_fresh(later),
            "served at {later} past {:?}",
            envelope.expires_at
        );
    }
});

fn clock_now(clock: &ManualClock) -> u64 {
    use edgecache::Clock;
    clock.now_ms()
}
