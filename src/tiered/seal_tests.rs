use super::*;

struct Counting(Cell<u8>);

impl RandomSource for Counting {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        // Deliberately weak: the per-cache counter must still keep nonces apart.
        buf.fill(self.0.get());
        Ok(())
    }
}

struct Broken;

impl RandomSource for Broken {
    fn fill(&self, _: &mut [u8]) -> Result<()> {
        Err(CacheError::Unsupported { what: "randomness" })
    }
}

const K1: [u8; 32] = [1; 32];
const K2: [u8; 32] = [2; 32];

fn signer(keys: &[&[u8]]) -> Sealer {
    let config = SealConfig {
        signing_keys: keys.iter().map(|k| k.to_vec()).collect(),
        ..SealConfig::default()
    };
    Sealer::new(&config, 7).unwrap().unwrap()
}

fn encrypter(enc: &[&[u8]], sign: &[&[u8]]) -> Sealer {
    let config = SealConfig {
        signing_keys: sign.iter().map(|k| k.to_vec()).collect(),
        encryption_keys: enc.iter().map(|k| k.to_vec()).collect(),
        random: Some(Rc::new(Counting(Cell::new(9)))),
    };
    Sealer::new(&config, 7).unwrap().unwrap()
}

#[test]
fn no_keys_means_no_sealer_and_short_keys_are_refused() {
    assert!(Sealer::new(&SealConfig::default(), 0).unwrap().is_none());
    let short = SealConfig {
        signing_keys: vec![vec![1; 31]],
        ..SealConfig::default()
    };
    assert_eq!(
        Sealer::new(&short, 0).err().map(|e| e.code()),
        Some("INVALID_OPTION")
    );
    let short = SealConfig {
        encryption_keys: vec![K1.to_vec(), vec![1; 5]],
        random: Some(Rc::new(Counting(Cell::new(0)))),
        ..SealConfig::default()
    };
    assert_eq!(
        Sealer::new(&short, 0).err().map(|e| e.code()),
        Some("INVALID_OPTION")
    );
    let no_random = SealConfig {
        encryption_keys: vec![K1.to_vec()],
        ..SealConfig::default()
    };
    assert_eq!(
        Sealer::new(&no_random, 0).err().map(|e| e.code()),
        Some("INVALID_OPTION")
    );
    // Debug never shows key bytes.
    let shown = format!("{no_random:?}");
    assert!(!shown.contains("1, 1"), "{shown}");
}

#[test]
fn signed_values_round_trip_in_the_documented_format() {
    let s = signer(&[&K1]);
    let sealed = s.seal(b"ec:ns:k", b"hello".to_vec()).unwrap();
    assert_eq!(&sealed[..4], &[0xEC, 0xCD, 1, 1]);
    assert_eq!(sealed.len(), 8 + 5 + 32);
    assert_eq!(&sealed[8..13], b"hello");
    assert_eq!(s.open(b"ec:ns:k", &sealed).unwrap(), b"hello");
    // Moved to another key: rejected.
    assert!(matches!(
        s.open(b"ec:ns:k2", &sealed),
        Err(OpenError::Rejected(_))
    ));
}

#[test]
fn encrypted_values_round_trip_and_hide_the_payload() {
    let s = encrypter(&[&K1], &[]);
    let plain = b"secret secret secret".to_vec();
    let a = s.seal(b"ec:ns:k", plain.clone()).unwrap();
    let b = s.seal(b"ec:ns:k", plain.clone()).unwrap();
    assert_eq!(&a[..4], &[0xEC, 0xCD, 1, 2]);
    assert_eq!(a.len(), 8 + 24 + plain.len() + 16);
    assert!(!a.windows(6).any(|w| w == b"secret"));
    // Same host bytes each time, yet distinct nonces (the counter).
    assert_ne!(a[8..32], b[8..32]);
    assert_eq!(s.open(b"ec:ns:k", &a).unwrap(), plain);
    assert_eq!(s.open(b"ec:ns:k", &b).unwrap(), plain);
    assert!(s.open(b"ec:other:k", &a).is_err());
}

#[test]
fn rotation_signs_with_the_first_key_and_accepts_any() {
    let old = signer(&[&K1]);
    let rotated = signer(&[&K2, &K1]);
    let by_old = old.seal(b"ad", b"v".to_vec()).unwrap();
    let by_new = rotated.seal(b"ad", b"v".to_vec()).unwrap();
    assert_eq!(rotated.open(b"ad", &by_old).unwrap(), b"v");
    assert_eq!(rotated.open(b"ad", &by_new).unwrap(), b"v");
    // New writes use the first key: the old ring alone does not know it.
    assert_eq!(
        old.open(b"ad", &by_new),
        Err(OpenError::Rejected(
            "signed with a key not in the signing ring"
        ))
    );
    assert_ne!(by_old[4..8], by_new[4..8]);

    let enc_old = encrypter(&[&K1], &[]);
    let enc_new = encrypter(&[&K2, &K1], &[]);
    let sealed = enc_old.seal(b"ad", b"v".to_vec()).unwrap();
    assert_eq!(enc_new.open(b"ad", &sealed).unwrap(), b"v");
    assert!(
        enc_old
            .open(b"ad", &enc_new.seal(b"ad", b"v".to_vec()).unwrap())
            .is_err()
    );
}

#[test]
fn switching_to_encryption_still_reads_signed_entries() {
    let signed = signer(&[&K1]).seal(b"ad", b"v".to_vec()).unwrap();
    let both = encrypter(&[&K2], &[&K1]);
    assert_eq!(both.open(b"ad", &signed).unwrap(), b"v");
    assert_eq!(both.seal(b"ad", b"v".to_vec()).unwrap()[3], 2);
    // The same raw key in both rings derives different keys.
    let same = encrypter(&[&K1], &[&K1]);
    assert_eq!(same.open(b"ad", &signed).unwrap(), b"v");
}

#[test]
fn wrong_key_unsealed_and_unknown_versions_are_rejected() {
    let s = signer(&[&K1]);
    let other = signer(&[&K2]);
    let sealed = other.seal(b"ad", b"v".to_vec()).unwrap();
    assert!(matches!(
        s.open(b"ad", &sealed),
        Err(OpenError::Rejected(_))
    ));
    assert_eq!(
        s.open(b"ad", b"\xEC\xCAplain envelope"),
        Err(OpenError::Rejected("entry is not sealed"))
    );
    let mut newer = s.seal(b"ad", b"v".to_vec()).unwrap();
    newer[2] = 2;
    assert_eq!(s.open(b"ad", &newer), Err(OpenError::Version(2)));
    assert_eq!(
        OpenError::Version(2).into_cache_error().code(),
        "UNSUPPORTED_VERSION"
    );
    let mut alg = s.seal(b"ad", b"v".to_vec()).unwrap();
    alg[3] = 9;
    assert!(s.open(b"ad", &alg).is_err());
}

#[test]
fn a_failing_random_source_fails_the_seal() {
    let config = SealConfig {
        encryption_keys: vec![K1.to_vec()],
        random: Some(Rc::new(Broken)),
        ..SealConfig::default()
    };
    let s = Sealer::new(&config, 0).unwrap().unwrap();
    assert!(s.seal(b"ad", b"v".to_vec()).is_err());
}

#[test]
fn every_flipped_bit_and_every_truncation_is_rejected() {
    for s in [signer(&[&K1]), encrypter(&[&K1], &[])] {
        let sealed = s.seal(b"ec:ns:k", b"payload".to_vec()).unwrap();
        for i in 0..sealed.len() {
            for bit in 0..8 {
                let mut bad = sealed.clone();
                bad[i] ^= 1 << bit;
                assert!(s.open(b"ec:ns:k", &bad).is_err(), "byte {i} bit {bit}");
            }
        }
        for cut in 0..sealed.len() {
            assert!(s.open(b"ec:ns:k", &sealed[..cut]).is_err(), "cut {cut}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn opening_is_total(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
        let s = encrypter(&[&K1], &[&K2]);
        let mut sealed = SEALED_MAGIC.to_vec();
        sealed.extend_from_slice(&bytes);
        proptest::prop_assert!(s.open(b"ad", &sealed).is_err());
        proptest::prop_assert!(s.open(b"ad", &bytes).is_err());
    }
}
