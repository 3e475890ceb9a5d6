//! Regression test from fuzzing (tests/fuzz, target tiered_corrupt_l2):
//! a chunk manifest read from L2 is trusted for its chunk count. A manifest
//! with a valid CRC (anyone who can write to the shared backend can make one)
//! claiming 2^16 chunks makes one read build 65 536 chunk keys and issue 66
//! batched backend calls (2^20 chunks: 1 050 calls); with a count near u32::MAX the key list
//! alone (about 4 billion strings) exhausts memory, which aborts a wasm
//! instance. The reader should refuse a manifest whose chunk count exceeds
//! what a writer can produce (`max_chunks`, or more than `total_len` chunks)
//! before it reads any chunk: a counted corrupt miss.

mod tiered_support;

use edgecache::codec::crc32::crc32;
use tiered_support::*;

/// A manifest as specified in src/tiered/layout.rs, with a correct CRC.
fn manifest(chunk_count: u32, total_len: u32) -> Vec<u8> {
    let mut out = vec![0xEC, 0xCB, 1, 0];
    out.extend_from_slice(&chunk_count.to_le_bytes());
    out.extend_from_slice(&total_len.to_le_bytes());
    out.extend_from_slice(&[7u8; 16]); // write id
    out.extend_from_slice(&[0u8; 16]); // digest (never reached)
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn a_manifest_claiming_65536_chunks_is_refused_before_reading_chunks() {
    let (cache, backend, _clock) = setup();
    backend.raw_set(&cache.layout().entry_key("", "k"), &manifest(1 << 16, 64));
    let before = backend.calls();
    assert_eq!(run(cache.get("", "k")).unwrap(), None);
    assert_eq!(cache.stats().l2.corrupt, 1);
    let calls = backend.calls() - before;
    assert!(
        calls <= 1,
        "one read of a hostile manifest made {calls} backend calls (only the entry read is needed)"
    );
}
