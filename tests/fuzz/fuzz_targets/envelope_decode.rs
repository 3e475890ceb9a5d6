//! Envelope decoding is total, and whatever it accepts re-encodes to an
//! envelope that decodes to the same value. An accepted *uncompressed* input
//! is also canonical: re-encoding without compression gives the same bytes.
#![no_main]

use edgecache::codec::Compression;
use edgecache::codec::envelope::{Envelope, EnvelopeLimits, FLAG_COMPRESSED};
use libfuzzer_sys::fuzz_target;

// Small limits keep every run cheap; the limits are part of what is checked.
const LIMITS: EnvelopeLimits = EnvelopeLimits {
    max_payload: 1 << 20,
    max_tags: 16,
    max_tag_len: 64,
};

fuzz_target!(|data: &[u8]| {
    // The default limits too: a different reader must not panic either.
    let _ = Envelope::decode(data, &EnvelopeLimits::default());
    let Ok(envelope) = Envelope::decode(data, &LIMITS) else {
        return;
    };
    assert!(envelope.payload.len() <= LIMITS.max_payload);
    assert!(envelope.tags.len() <= LIMITS.max_tags);
    assert!(
        envelope
            .tags
            .iter()
            .all(|(name, _)| name.len() <= LIMITS.max_tag_len)
    );
    if let (Some(expires), Some(stale)) = (envelope.expires_at, envelope.stale_until) {
        assert!(stale >= expires);
    }
    assert!(envelope.stale_until.is_none() || envelope.expires_at.is_some());

    let compressed = data
        .get(3)
        .is_some_and(|flags| flags & FLAG_COMPRESSED != 0);
    let plain = envelope
        .encode(&Compression::OFF)
        .expect("a decoded envelope encodes");
    if !compressed {
        assert_eq!(plain, data, "uncompressed envelopes are canonical");
    }
    for compression in [
        Compression::OFF,
        Compression {
            threshold: 0,
            level: 1,
        },
    ] {
        let bytes = envelope
            .encode(&compression)
            .expect("a decoded envelope encodes");
        let again = Envelope::decode(&bytes, &LIMITS).expect("a re-encoded envelope decodes");
        assert_eq!(again, envelope);
    }
});
