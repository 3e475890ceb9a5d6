//! Arbitrary bytes planted in L2 and read through a TieredCache: never a
//! panic, always a miss or exactly the payload the planted bytes decode to
//! (and only while that entry is servable), and every undecodable entry is
//! counted as corrupt. Plants are raw bytes, a structurally valid envelope
//! with optional bit flips, or a chunked entry (layout 2: a manifest whose CRC
//! is right and hash-chained chunks, so the joining path is reached) whose
//! fields and links are fuzzed.
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
/// Documented in src/tiered/chunks.rs: magic, version 2, flags 0.
const MANIFEST_HEAD: [u8; 4] = [0xEC, 0xCB, 2, 0];
const LINK_LEN: usize = 16;

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
        /// Added to the real chunk count; 0 keeps it honest (huge counts are
        /// the tiered_forged_l2_memory target's business).
        count_delta: u8,
        total_len_delta: i8,
        /// Alters the link of the chunk it names (or the manifest's for 0).
        bad_link: bool,
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

fn manifest(
    count: u32,
    total_len: u32,
    chunk_len: u32,
    write_id: &[u8; 16],
    head: &[u8],
) -> Vec<u8> {
    let mut out = MANIFEST_HEAD.to_vec();
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&total_len.to_le_bytes());
    out.extend_from_slice(&chunk_len.to_le_bytes());
    out.extend_from_slice(write_id);
    out.extend_from_slice(head.get(..LINK_LEN).unwrap_or_default());
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The link of chunk `index` as src/tiered/chunks.rs specifies it.
fn link(index: u32, stored: &[u8]) -> Vec<u8> {
    Sha256::new()
        .chain_update(b"edgecache chunk v2")
        .chain_update(index.to_le_bytes())
        .chain_update(stored)
        .finalize()[..LINK_LEN]
        .to_vec()
}

/// Chunk records (data, then the next chunk's link) and the head link.
fn chain(parts: &[&[u8]]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut records = Vec::new();
    let mut next: Option<Vec<u8>> = None;
    for (i, part) in parts.iter().enumerate().rev() {
        let mut record = part.to_vec();
        if let Some(next) = &next {
            record.extend_from_slice(next);
        }
        next = Some(link(i as u32, &record));
        records.push(record);
    }
    records.reverse();
    (records, next.unwrap_or_default())
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
            bad_link,
            write_id,
            drop_chunk,
        } => {
            let bytes = encode(fields);
            let chunk_len = usize::from(*chunk_size).max(1);
            let parts: Vec<&[u8]> = bytes.chunks(chunk_len).collect();
            let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
            let (mut records, mut head) = chain(&parts);
            if *bad_link {
                match records.len() {
                    0 | 1 => head[0] ^= 1,
                    n => records[n - 2].last_mut().map_or((), |b| *b ^= 1),
                }
            }
            for (i, record) in records.iter().enumerate() {
                if drop_chunk.is_some_and(|d| usize::from(d) == i) {
                    continue;
                }
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                backend.raw_set(&cache.layout().chunk_key(write_id, index), record);
            }
            let total = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            let m = manifest(
                count.wrapping_add(u32::from(*count_delta)),
                total.wrapping_add_signed(i32::from(*total_len_delta)),
                chunk_len as u32,
                write_id,
                &head,
            );
            backend.raw_set(&entry_key, &m);
            let honest = *count_delta == 0
                && *total_len_delta == 0
                && !*bad_link
                && !parts.is_empty()
                && count <= TieredConfig::default().max_chunks
                && drop_chunk.is_none_or(|d| usize::from(d) >= parts.len());
            honest.then_some(bytes)
        }
    };
    let expected = joined.as_deref().map(|b| Envelope::decode(b, &limits));
    let decodable = matches!(expected, Some(Ok(_)));
    // The payload is inflated only for an entry the reader wants (servable,
    // tags current): a valid head over a bad payload may go uncounted otherwise.
    let head_ok = joined
        .as_deref()
        .is_some_and(|b| Envelope::decode_head(b, &limits).is_ok());

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
    let expected_corrupt = if decodable {
        0..=0
    } else if head_ok {
        0..=1
    } else {
        1..=1
    };
    assert!(
        expected_corrupt.contains(&stats.corrupt),
        "corrupt count {}, plant {:?}",
        stats.corrupt,
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
