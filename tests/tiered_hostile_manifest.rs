//! Hostile L2 records (issue 11): whatever a writer to the shared store puts
//! there, one read copies at most what this cache could have written, fetches
//! chunks one at a time against lengths the manifest commits to, and inflates
//! at most `max_value_bytes`; a bad record is a counted corrupt (or, sealed,
//! security) miss.
//!
//! `MemoryBackend::bytes_read` counts the bytes a host would have copied into
//! wasm memory: a bounded read refuses an oversized value before copying it.
//! (Before layout 2 a forged manifest naming 512 chunks of 4 MiB made one get
//! copy every chunk, 2 GiB, before any length was checked.)

mod tiered_support;

use std::cell::Cell;
use std::rc::Rc;

use edgecache::backend::{BackendCaps, MemoryBackend};
use edgecache::codec::crc32::crc32;
use edgecache::codec::{Compression, Envelope};
use edgecache::memory::{MemoryConfig, Ttl};
use edgecache::tiered::{RandomSource, SealConfig, TieredConfig, WriteOptions};
use tiered_support::*;

const MIB: u64 = 1 << 20;
const KEY: &[u8] = b"first key, thirty-two bytes long";

/// A version 2 manifest as specified in src/tiered/chunks.rs, with a correct CRC.
fn manifest(chunk_count: u32, total_len: u32, chunk_len: u32) -> Vec<u8> {
    let mut out = vec![0xEC, 0xCB, 2, 0];
    out.extend_from_slice(&chunk_count.to_le_bytes());
    out.extend_from_slice(&total_len.to_le_bytes());
    out.extend_from_slice(&chunk_len.to_le_bytes());
    out.extend_from_slice(&[7u8; 16]); // write id
    out.extend_from_slice(&[0u8; 16]); // link of chunk 0 (never reached)
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn ttl() -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Ms(60_000),
        ..WriteOptions::default()
    }
}

struct TestRandom(Cell<u64>);

impl RandomSource for TestRandom {
    fn fill(&self, buf: &mut [u8]) -> edgecache::Result<()> {
        for b in buf {
            self.0.set(
                self.0
                    .get()
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1),
            );
            *b = (self.0.get() >> 33) as u8;
        }
        Ok(())
    }
}

fn sealed(encrypt: bool) -> TieredConfig {
    let key = vec![KEY.to_vec()];
    TieredConfig {
        seal: if encrypt {
            SealConfig {
                encryption_keys: key,
                random: Some(Rc::new(TestRandom(Cell::new(1)))),
                ..SealConfig::default()
            }
        } else {
            SealConfig {
                signing_keys: key,
                ..SealConfig::default()
            }
        },
        ..TieredConfig::default()
    }
}

/// A backend that chunks anything over 64 KiB (Deno KV's size), unlimited otherwise.
fn small_values(clock: &edgecache::ManualClock) -> MemoryBackend {
    let caps = BackendCaps {
        max_value_bytes: 64 << 10,
        ..BackendCaps::unlimited()
    };
    backend(caps, clock)
}

#[test]
fn a_manifest_claiming_65536_chunks_is_refused_before_reading_chunks() {
    let (cache, backend, _clock) = setup();
    backend.raw_set(
        &cache.layout().entry_key("", "k"),
        &manifest(1 << 16, 64, 1),
    );
    let before = backend.calls();
    assert_eq!(run(cache.get("", "k")).unwrap(), None);
    assert_eq!(cache.stats().l2.corrupt, 1);
    let calls = backend.calls() - before;
    assert!(
        calls <= 1,
        "one read of a hostile manifest made {calls} backend calls (only the entry read is needed)"
    );
}

#[test]
fn a_forged_manifest_of_512_chunks_of_4_mib_copies_no_chunk() {
    let (cache, backend, _clock) = setup();
    // Consistent lengths, but 2 GiB: far over what a 4 MiB maxValueBytes cache writes.
    backend.raw_set(
        &cache.layout().entry_key("", "k"),
        &manifest(512, (512 * 4 * MIB - 1) as u32, (4 * MIB) as u32),
    );
    let (calls, bytes) = (backend.calls(), backend.bytes_read());
    assert_eq!(run(cache.get("", "k")).unwrap(), None);
    assert_eq!(cache.stats().l2.corrupt, 1);
    assert_eq!(backend.calls() - calls, 1, "the manifest read only");
    assert!(
        backend.bytes_read() - bytes < 100,
        "only the manifest was copied"
    );
}

#[test]
fn chunks_are_fetched_one_at_a_time_and_an_oversized_one_is_never_copied() {
    let clock = clock();
    let backend = small_values(&clock);
    let writer = cache_with(TieredConfig::default(), &backend, &clock);
    let value: Vec<u8> = (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect();
    run(writer.set("", "big", &value, &ttl())).unwrap();
    let chunk_keys: Vec<String> = backend
        .raw_keys()
        .into_iter()
        .filter(|k| k.starts_with("ec:chunk:"))
        .collect();
    assert_eq!(chunk_keys.len(), 5);
    let reader = cache_with(TieredConfig::default(), &backend, &clock);
    let calls = backend.calls();
    assert_eq!(run(reader.get("", "big")).unwrap(), Some(value.clone()));
    assert_eq!(
        backend.calls() - calls,
        6,
        "the manifest, then one get per chunk"
    );

    // Every chunk enlarged to 64 MiB: only the first is even asked for, and not copied.
    for key in &chunk_keys {
        backend.raw_set(key, &vec![0u8; (64 * MIB) as usize]);
    }
    let reader = cache_with(TieredConfig::default(), &backend, &clock);
    let (calls, bytes) = (backend.calls(), backend.bytes_read());
    assert_eq!(run(reader.get("", "big")).unwrap(), None);
    assert_eq!(reader.stats().l2.corrupt, 1);
    assert_eq!(
        reader.stats().l2.errors,
        0,
        "a bad record is not a sick backend"
    );
    assert_eq!(
        backend.calls() - calls,
        2,
        "the manifest and the first chunk"
    );
    assert!(backend.bytes_read() - bytes < 100);
}

#[test]
fn sealed_chunks_are_authenticated_one_by_one_before_they_are_joined() {
    for encrypt in [false, true] {
        let clock = clock();
        let backend = small_values(&clock);
        let writer = cache_with(sealed(encrypt), &backend, &clock);
        let value: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 253) as u8).collect();
        run(writer.set("", "big", &value, &ttl())).unwrap();
        let mut chunk_keys: Vec<String> = backend
            .raw_keys()
            .into_iter()
            .filter(|k| k.starts_with("ec:chunk:"))
            .collect();
        chunk_keys.sort_by_key(|k| k.rsplit(':').next().and_then(|i| i.parse::<u32>().ok()));
        let reader = cache_with(sealed(encrypt), &backend, &clock);
        assert_eq!(run(reader.get("", "big")).unwrap(), Some(value.clone()));

        // Chunk 1 altered (same length): chunks 0 and 1 are read, chunk 2 never is.
        let mut altered = backend.raw_get(&chunk_keys[1]).unwrap();
        altered[10] ^= 1;
        backend.raw_set(&chunk_keys[1], &altered);
        let reader = cache_with(sealed(encrypt), &backend, &clock);
        let calls = backend.calls();
        assert_eq!(run(reader.get("", "big")).unwrap(), None);
        assert_eq!(reader.stats().l2.security, 1, "encrypt: {encrypt}");
        assert_eq!(backend.calls() - calls, 3, "manifest, chunk 0, chunk 1");

        // Enlarged to 64 MiB: a security error, nothing of it copied.
        backend.raw_set(&chunk_keys[0], &vec![1u8; (64 * MIB) as usize]);
        let reader = cache_with(sealed(encrypt), &backend, &clock);
        let bytes = backend.bytes_read();
        assert_eq!(run(reader.get("", "big")).unwrap(), None);
        assert_eq!(reader.stats().l2.security, 1);
        assert!(backend.bytes_read() - bytes < 200);
    }
}

#[test]
fn an_entry_record_larger_than_any_this_cache_writes_is_not_copied() {
    let clock = clock();
    let backend = backend(BackendCaps::unlimited(), &clock);
    let memory = MemoryConfig {
        max_value_bytes: 4 * MIB,
        ..MemoryConfig::default()
    };
    let cache = cache_with(
        TieredConfig {
            memory,
            ..TieredConfig::default()
        },
        &backend,
        &clock,
    );
    backend.raw_set(
        &cache.layout().entry_key("", "k"),
        &vec![0xEC; (40 * MIB) as usize],
    );
    let bytes = backend.bytes_read();
    assert_eq!(run(cache.get("", "k")).unwrap(), None);
    assert_eq!(cache.stats().l2.corrupt, 1);
    assert_eq!(cache.stats().l2.errors, 0);
    assert_eq!(backend.bytes_read() - bytes, 0);
}

#[test]
fn a_payload_is_inflated_to_at_most_max_value_bytes() {
    // 25 MiB of zeros deflate to ~25 KB: before, any payload up to the fixed
    // 25 MiB envelope limit was inflated and returned, whatever maxValueBytes said.
    let (cache, backend, _clock) = setup();
    let bomb = Envelope {
        payload: vec![0u8; (25 * MIB) as usize],
        ..Envelope::default()
    }
    .encode(&Compression::default())
    .unwrap();
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    backend.raw_set(&cache.layout().entry_key("", "bomb"), &bomb);
    assert_eq!(run(cache.get("", "bomb")).unwrap(), None);
    assert_eq!(cache.stats().l2.corrupt, 1);
    // A value of exactly maxValueBytes, compressed, still reads back.
    let (cache, backend, _clock) = setup();
    let max = MemoryConfig::default().max_value_bytes as usize;
    run(cache.set("", "max", &vec![0u8; max], &ttl())).unwrap();
    assert!(backend.raw_get("ec::max").unwrap().len() < 64 << 10);
    let reader = cache_with(TieredConfig::default(), &backend, &_clock);
    assert_eq!(
        run(reader.get("", "max")).unwrap().map(|v| v.len()),
        Some(max)
    );
}
