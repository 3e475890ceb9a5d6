use super::*;

fn layout() -> Layout {
    Layout::new("ec", 512).unwrap()
}

fn chunked(data: &[u8], max_value: u64, max_chunks: u32) -> (Vec<(String, Vec<u8>)>, Manifest) {
    let StoredForm::Chunked { chunks, manifest } =
        plan(&layout(), "ec::k", data.to_vec(), max_value, max_chunks, 1).unwrap()
    else {
        panic!("expected chunks");
    };
    assert_eq!(manifest.len(), MANIFEST_LEN);
    (chunks, Manifest::decode(&manifest).unwrap())
}

fn join(m: &Manifest, chunks: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut joiner = m.joiner();
    for (_, stored) in chunks {
        joiner.push(stored)?;
    }
    joiner.finish()
}

#[test]
fn small_values_stay_single_and_large_ones_round_trip_through_chunks() {
    let small = plan(&layout(), "ec::k", vec![1; 100], 100, 8, 1).unwrap();
    assert_eq!(small, StoredForm::Single(vec![1; 100]));
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let (chunks, m) = chunked(&data, 300, 8);
    // 284 data bytes + a 16-byte link per chunk: 4 chunks, none over 300 bytes.
    assert_eq!(chunks.len(), 4);
    assert!(chunks.iter().all(|(_, c)| c.len() <= 300));
    let m = m.check_bounds(8, 300, 1000).unwrap();
    for (i, (key, stored)) in chunks.iter().enumerate() {
        assert_eq!(key, &m.chunk_key(&layout(), i as u32));
        assert_eq!(stored.len() as u64, m.stored_len(i as u32));
    }
    assert_eq!(join(&m, &chunks).unwrap(), data);
    // Another writer (another nonce) gets other chunk keys.
    let StoredForm::Chunked { chunks: other, .. } =
        plan(&layout(), "ec::k", data, 300, 8, 2).unwrap()
    else {
        panic!("expected chunks");
    };
    assert_ne!(other[0].0, chunks[0].0);
}

#[test]
fn every_chunk_is_checked_against_its_link_before_it_is_kept() {
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let (chunks, m) = chunked(&data, 300, 8);
    for at in 0..chunks.len() {
        let mut altered = chunks.clone();
        altered[at].1[0] ^= 1;
        let mut joiner = m.joiner();
        for (i, (_, stored)) in altered.iter().enumerate() {
            let pushed = joiner.push(stored);
            // Chunks before the altered one pass; the altered one is refused at once.
            assert_eq!(pushed.is_ok(), i < at, "chunk {i} with chunk {at} altered");
            if pushed.is_err() {
                break;
            }
        }
    }
    // Swapped chunks, a chunk from another entry, or a longer chunk are refused.
    let mut swapped = chunks.clone();
    swapped.swap(1, 2);
    assert!(join(&m, &swapped).is_err());
    let mut longer = chunks.clone();
    longer[0].1.push(0);
    assert!(join(&m, &longer).is_err());
    assert!(join(&m, &chunks[..3]).is_err());
}

#[test]
fn a_manifest_is_refused_before_any_chunk_unless_its_lengths_add_up() {
    let data = vec![7u8; 1000];
    let (_, m) = chunked(&data, 300, 8);
    assert!(m.check_bounds(8, 300, 1000).is_ok());
    assert!(
        m.check_bounds(3, 300, 1000).is_err(),
        "more chunks than allowed"
    );
    assert!(
        m.check_bounds(8, 299, 1000).is_err(),
        "chunks over the backend limit"
    );
    assert!(
        m.check_bounds(8, 300, 999).is_err(),
        "more bytes than the cache writes"
    );
    // 512 chunks of 4 MiB under a 4 MiB total do not add up.
    let forged = Manifest {
        chunk_count: 512,
        chunk_len: 4 << 20,
        total_len: 4 << 20,
        ..m
    };
    assert!(forged.check_bounds(512, 25 << 20, 5 << 20).is_err());
    let zero = Manifest { chunk_len: 0, ..m };
    assert!(zero.check_bounds(8, 300, 1000).is_err());
}

#[test]
fn too_many_chunks_is_value_too_large_and_manifest_decoding_is_total() {
    let err = plan(&layout(), "k", vec![0; 1000], 100, 5, 0).unwrap_err();
    assert_eq!(err.code(), "VALUE_TOO_LARGE");
    let StoredForm::Chunked { manifest, .. } =
        plan(&layout(), "k", vec![0; 1000], 600, 5, 0).unwrap()
    else {
        panic!("expected chunks");
    };
    for cut in 0..manifest.len() {
        assert!(Manifest::decode(&manifest[..cut]).is_err());
    }
    let mut flipped = manifest.clone();
    flipped[10] ^= 1;
    assert!(Manifest::decode(&flipped).is_err());
    for version in [1, 3] {
        let mut other = manifest.clone();
        other[2] = version;
        assert_eq!(
            Manifest::decode(&other).map_err(|e| e.code()),
            Err("UNSUPPORTED_VERSION")
        );
    }
}
