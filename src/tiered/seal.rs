//! Sealing of what a tiered cache writes to L2: HMAC-SHA256 signatures or
//! XChaCha20-Poly1305 encryption, each with a key ring for rotation. Stops
//! cache poisoning through a shared KV or Redis, and keeps values unreadable
//! to whoever can read the backend.
//!
//! # Sealed format, version 1 (stable)
//!
//! | offset | size | field                                                       |
//! |-------:|-----:|-------------------------------------------------------------|
//! | 0      | 2    | magic `0xEC 0xCD` (envelope `0xEC 0xCA`, manifest `0xEC 0xCB`) |
//! | 2      | 1    | version `1`                                                 |
//! | 3      | 1    | algorithm: `1` HMAC-SHA256, `2` XChaCha20-Poly1305          |
//! | 4      | 4    | key id of the key that sealed it (see below)                |
//!
//! then, for algorithm 1: the payload in clear, then a 32-byte HMAC-SHA256 tag
//! over `header(8) ‖ u32le(len(ad)) ‖ ad ‖ payload`; for algorithm 2: a
//! 24-byte nonce, the ciphertext, then the 16-byte Poly1305 tag, the
//! associated data being `header(8) ‖ u32le(len(ad)) ‖ ad`.
//!
//! `ad` is the full, unhashed L2 entry key `<prefix>:<ns>:<key>` (before
//! [`fit_key`](crate::key::fit_key) shortens it), so an entry copied to another
//! key, namespace or cache prefix fails verification, even where two long
//! keys' shortened forms would collide.
//!
//! # Keys
//!
//! Keys are at least 32 bytes (shorter: `INVALID_OPTION`). The key actually
//! used is derived from each raw key `k` with HMAC-SHA256(k, label), labels
//! `edgecache seal v1 sign` and `edgecache seal v1 encrypt` (so one raw key
//! may serve both rings without reuse across algorithms), and the key id is
//! the first 4 bytes of HMAC-SHA256(k, `edgecache seal v1 key id`). Entries are
//! sealed with the first key of a ring and opened with any key whose id
//! matches (ids are a lookup hint; a verification still decides).
//!
//! With encryption keys, new entries are encrypted (AEAD also gives
//! integrity); signing keys are then only used to read entries signed before
//! encryption was turned on. With only signing keys, entries are signed.
//!
//! # Nonces
//!
//! The core has no randomness: the host supplies it ([`RandomSource`]: JS
//! `crypto.getRandomValues`, `wasi:random` in the component). A nonce is the
//! first 24 bytes of SHA-256(32 host bytes ‖ per-cache counter ‖ seed): 192
//! random bits make collisions across isolates negligible, and the counter
//! keeps one cache's nonces distinct even if the host's source were weak.
//!
//! # Other records
//!
//! - Tag generations and leases are sealed like entries (bound to their full
//!   tag or lease key); see [`crate::tiered`]'s `sealed_records`. An old
//!   sealed generation can still be replayed (undoing an invalidation).
//! - Chunks: the sealed bytes are what gets chunked, and the manifest under
//!   the entry key is sealed too, so its chain of chunk links is
//!   authenticated: each chunk is checked before it is kept.
//!
//! A sealed entry can still be replayed under its own key by someone with
//! write access, but only while its authenticated expiry allows.

use core::cell::Cell;
use core::fmt;
use std::rc::Rc;

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::{CacheError, Result};

/// First two bytes of a sealed value.
pub const SEALED_MAGIC: [u8; 2] = [0xEC, 0xCD];
const VERSION: u8 = 1;
const ALG_HMAC_SHA256: u8 = 1;
const ALG_XCHACHA20_POLY1305: u8 = 2;
const HEADER_LEN: usize = 8;
const MAC_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const AEAD_TAG_LEN: usize = 16;
/// Most bytes sealing adds to a value (encryption: header, nonce, tag).
pub(crate) const SEAL_OVERHEAD: usize = HEADER_LEN + NONCE_LEN + AEAD_TAG_LEN;
/// Shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Randomness from the host, for encryption nonces.
pub trait RandomSource {
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill(&self, buf: &mut [u8]) -> Result<()>;
}

/// Keys and randomness of the sealing step (all empty: entries are not sealed).
#[derive(Clone, Default)]
pub struct SealConfig {
    /// HMAC-SHA256 keys, newest first: entries are signed with the first.
    pub signing_keys: Vec<Vec<u8>>,
    /// XChaCha20-Poly1305 keys, newest first: entries are encrypted with the first.
    pub encryption_keys: Vec<Vec<u8>>,
    /// Needed when there are encryption keys.
    pub random: Option<Rc<dyn RandomSource>>,
}

impl fmt::Debug for SealConfig {
    // Never prints key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealConfig")
            .field("signing_keys", &self.signing_keys.len())
            .field("encryption_keys", &self.encryption_keys.len())
            .field("random", &self.random.is_some())
            .finish()
    }
}

impl SealConfig {
    /// Whether entries are sealed at all.
    pub fn is_enabled(&self) -> bool {
        !self.signing_keys.is_empty() || !self.encryption_keys.is_empty()
    }
}

/// Whether `bytes` look like a sealed value.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(&SEALED_MAGIC)
}

/// One derived key of a ring.
struct RingKey {
    id: [u8; 4],
    key: [u8; 32],
}

fn hmac32(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return [0; 32];
    };
    parts.iter().for_each(|p| mac.update(p));
    mac.finalize().into_bytes().into()
}

fn ring(name: &'static str, raw: &[Vec<u8>], label: &[u8]) -> Result<Vec<RingKey>> {
    raw.iter()
        .map(|k| {
            if k.len() < MIN_KEY_BYTES {
                return Err(CacheError::InvalidOption {
                    name,
                    reason: format!("every key must be at least {MIN_KEY_BYTES} bytes"),
                });
            }
            let [a, b, c, d, ..] = hmac32(k, &[b"edgecache seal v1 key id"]);
            Ok(RingKey {
                id: [a, b, c, d],
                key: hmac32(k, &[label]),
            })
        })
        .collect()
}

/// Why a sealed value was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// Written by a newer release (not an attack: counted as corrupt).
    Version(u8),
    /// Unsealed, forged, altered, moved, or sealed with a key not in the ring.
    Rejected(&'static str),
}

impl OpenError {
    pub(crate) fn into_cache_error(self) -> CacheError {
        match self {
            OpenError::Version(version) => CacheError::UnsupportedVersion { version },
            OpenError::Rejected(reason) => CacheError::corrupt(reason),
        }
    }
}

/// Seals and opens L2 values (see the module docs).
pub(crate) struct Sealer {
    signing: Vec<RingKey>,
    encryption: Vec<RingKey>,
    random: Option<Rc<dyn RandomSource>>,
    counter: Cell<u64>,
    seed: u64,
}

impl Sealer {
    /// `None` when `config` has no keys; an error for short keys or encryption
    /// without a random source.
    pub(crate) fn new(config: &SealConfig, seed: u64) -> Result<Option<Sealer>> {
        if !config.is_enabled() {
            return Ok(None);
        }
        let signing = ring(
            "signing_keys",
            &config.signing_keys,
            b"edgecache seal v1 sign",
        )?;
        let encryption = ring(
            "encryption_keys",
            &config.encryption_keys,
            b"edgecache seal v1 encrypt",
        )?;
        if !encryption.is_empty() && config.random.is_none() {
            return Err(CacheError::InvalidOption {
                name: "encryption_keys",
                reason: "encryption needs a random source for nonces".to_string(),
            });
        }
        Ok(Some(Sealer {
            signing,
            encryption,
            random: config.random.clone(),
            counter: Cell::new(0),
            seed,
        }))
    }

    /// Seals `plain` for the L2 key `ad`.
    pub(crate) fn seal(&self, ad: &[u8], plain: Vec<u8>) -> Result<Vec<u8>> {
        if let Some(key) = self.encryption.first() {
            return self.encrypt(key, ad, plain);
        }
        let Some(key) = self.signing.first() else {
            return Ok(plain);
        };
        let header = header(ALG_HMAC_SHA256, key.id);
        let tag = mac(key, &header, ad, &plain);
        let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + MAC_LEN);
        out.extend_from_slice(&header);
        out.extend_from_slice(&plain);
        out.extend_from_slice(&tag);
        Ok(out)
    }

    fn encrypt(&self, key: &RingKey, ad: &[u8], mut plain: Vec<u8>) -> Result<Vec<u8>> {
        let nonce = self.nonce()?;
        let header = header(ALG_XCHACHA20_POLY1305, key.id);
        let cipher = XChaCha20Poly1305::new(&key.key.into());
        let tag = cipher
            .encrypt_inout_detached(
                &XNonce::from(nonce),
                &aad(&header, ad),
                plain.as_mut_slice().into(),
            )
            .map_err(|_| CacheError::corrupt("value too large to encrypt"))?;
        let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plain.len() + AEAD_TAG_LEN);
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&plain);
        out.extend_from_slice(&tag);
        Ok(out)
    }

    fn nonce(&self) -> Result<[u8; NONCE_LEN]> {
        let Some(random) = &self.random else {
            return Err(CacheError::InvalidOption {
                name: "encryption_keys",
                reason: "encryption needs a random source for nonces".to_string(),
            });
        };
        let mut host = [0u8; 32];
        random.fill(&mut host)?;
        let n = self.counter.get();
        self.counter.set(n.wrapping_add(1));
        let digest = Sha256::new()
            .chain_update(host)
            .chain_update(n.to_le_bytes())
            .chain_update(self.seed.to_le_bytes())
            .finalize();
        let mut nonce = [0u8; NONCE_LEN];
        nonce.iter_mut().zip(digest).for_each(|(o, d)| *o = d);
        Ok(nonce)
    }

    /// Opens a value sealed for the L2 key `ad`. Total: any bytes give the
    /// plain bytes or an error.
    pub(crate) fn open(
        &self,
        ad: &[u8],
        sealed: &[u8],
    ) -> core::result::Result<Vec<u8>, OpenError> {
        if !is_sealed(sealed) {
            return Err(OpenError::Rejected("entry is not sealed"));
        }
        let (header, body) = sealed
            .split_at_checked(HEADER_LEN)
            .ok_or(OpenError::Rejected("sealed entry is truncated"))?;
        let (version, alg) = match header {
            [_, _, version, alg, ..] => (*version, *alg),
            _ => return Err(OpenError::Rejected("sealed entry is truncated")),
        };
        if version != VERSION {
            return Err(OpenError::Version(version));
        }
        let id = header.get(4..8).unwrap_or_default();
        match alg {
            ALG_HMAC_SHA256 => self.verify(header, id, ad, body),
            ALG_XCHACHA20_POLY1305 => self.decrypt(header, id, ad, body),
            _ => Err(OpenError::Rejected("unknown sealing algorithm")),
        }
    }

    fn verify(
        &self,
        header: &[u8],
        id: &[u8],
        ad: &[u8],
        body: &[u8],
    ) -> core::result::Result<Vec<u8>, OpenError> {
        let cut = body
            .len()
            .checked_sub(MAC_LEN)
            .ok_or(OpenError::Rejected("signed entry is truncated"))?;
        let (payload, tag) = body
            .split_at_checked(cut)
            .ok_or(OpenError::Rejected("signed entry is truncated"))?;
        let mut known = false;
        for key in self.signing.iter().filter(|k| k.id == id) {
            known = true;
            let Ok(mut check) = HmacSha256::new_from_slice(&key.key) else {
                continue;
            };
            feed(&mut check, header, ad, payload);
            // Constant-time comparison.
            if check.verify_slice(tag).is_ok() {
                return Ok(payload.to_vec());
            }
        }
        Err(OpenError::Rejected(if known {
            "signature mismatch"
        } else {
            "signed with a key not in the signing ring"
        }))
    }

    fn decrypt(
        &self,
        header: &[u8],
        id: &[u8],
        ad: &[u8],
        body: &[u8],
    ) -> core::result::Result<Vec<u8>, OpenError> {
        let truncated = OpenError::Rejected("encrypted entry is truncated");
        let (nonce, rest) = body.split_at_checked(NONCE_LEN).ok_or(truncated.clone())?;
        let cut = rest
            .len()
            .checked_sub(AEAD_TAG_LEN)
            .ok_or(truncated.clone())?;
        let (ciphertext, tag) = rest.split_at_checked(cut).ok_or(truncated.clone())?;
        let nonce = XNonce::try_from(nonce).map_err(|_| truncated.clone())?;
        let tag = Tag::try_from(tag).map_err(|_| truncated)?;
        let aad = aad(header, ad);
        let mut known = false;
        for key in self.encryption.iter().filter(|k| k.id == id) {
            known = true;
            let cipher = XChaCha20Poly1305::new(&key.key.into());
            let mut buf = ciphertext.to_vec();
            if cipher
                .decrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into(), &tag)
                .is_ok()
            {
                return Ok(buf);
            }
        }
        Err(OpenError::Rejected(if known {
            "decryption failed (altered, moved or forged)"
        } else {
            "encrypted with a key not in the encryption ring"
        }))
    }
}

fn header(alg: u8, id: [u8; 4]) -> [u8; HEADER_LEN] {
    let [m0, m1] = SEALED_MAGIC;
    let [i0, i1, i2, i3] = id;
    [m0, m1, VERSION, alg, i0, i1, i2, i3]
}

/// Length-prefixing `ad` keeps (ad, payload) splits unambiguous.
fn ad_len(ad: &[u8]) -> [u8; 4] {
    u32::try_from(ad.len()).unwrap_or(u32::MAX).to_le_bytes()
}

fn feed(mac: &mut HmacSha256, header: &[u8], ad: &[u8], payload: &[u8]) {
    mac.update(header);
    mac.update(&ad_len(ad));
    mac.update(ad);
    mac.update(payload);
}

fn mac(key: &RingKey, header: &[u8], ad: &[u8], payload: &[u8]) -> [u8; MAC_LEN] {
    let Ok(mut mac) = HmacSha256::new_from_slice(&key.key) else {
        return [0; MAC_LEN];
    };
    feed(&mut mac, header, ad, payload);
    mac.finalize().into_bytes().into()
}

fn aad(header: &[u8], ad: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 4 + ad.len());
    out.extend_from_slice(header);
    out.extend_from_slice(&ad_len(ad));
    out.extend_from_slice(ad);
    out
}

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
