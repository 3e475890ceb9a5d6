//! CRC-32 (IEEE 802.3), the checksum that closes every envelope.
//!
//! Parameters, so any implementation can match it: reflected polynomial
//! `0xEDB88320`, initial value `0xFFFFFFFF`, final XOR `0xFFFFFFFF`, bytes fed
//! least significant bit first. It is the CRC of zlib's `crc32()`, Go's
//! `hash/crc32.ChecksumIEEE`, Python's `zlib.crc32` and PNG; the check value of
//! the ASCII string `123456789` is `0xCBF43926`.
//!
//! Why CRC-32 and not Adler-32: CRC-32 detects every 1-, 2- and 3-bit error
//! and every burst of up to 32 bits in messages far longer than any entry,
//! while Adler-32 is weak on short inputs. Slicing by 8 tables keeps it fast on
//! large values without any platform-specific code.

/// Eight 256-entry tables, built at compile time from the polynomial.
/// `TABLES[0]` is the classic byte-at-a-time table; `TABLES[k][b]` is the CRC
/// of byte `b` followed by `k` zero bytes.
const TABLES: [[u32; 256]; 8] = build_tables();

#[allow(
    clippy::indexing_slicing,
    reason = "only evaluated at compile time: an out-of-range index fails the build, it cannot panic at run time"
)]
const fn build_tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][n] = crc;
        n += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut n = 0;
        while n < 256 {
            let prev = tables[k - 1][n];
            tables[k][n] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            n += 1;
        }
        k += 1;
    }
    tables
}

/// Looks up `TABLES[t][index]`; both are always in range (t < 8, index < 256),
/// the `get` chain only keeps the code free of unchecked indexing.
#[inline(always)]
fn lookup(t: usize, index: u32) -> u32 {
    TABLES
        .get(t)
        .and_then(|table| table.get((index & 0xFF) as usize))
        .copied()
        .unwrap_or(0)
}

/// Incremental CRC-32 state, for checksumming data produced in pieces.
#[derive(Debug, Clone, Copy)]
pub struct Crc32 {
    state: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        Crc32::new()
    }
}

impl Crc32 {
    /// A fresh checksum (of the empty string, once finished).
    pub const fn new() -> Self {
        Crc32 { state: 0xFFFF_FFFF }
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        let mut crc = self.state;
        let (blocks, rest) = data.as_chunks::<8>();
        for &[b0, b1, b2, b3, b4, b5, b6, b7] in blocks {
            let lo = u32::from_le_bytes([b0, b1, b2, b3]) ^ crc;
            let hi = u32::from_le_bytes([b4, b5, b6, b7]);
            crc = lookup(7, lo)
                ^ lookup(6, lo >> 8)
                ^ lookup(5, lo >> 16)
                ^ lookup(4, lo >> 24)
                ^ lookup(3, hi)
                ^ lookup(2, hi >> 8)
                ^ lookup(1, hi >> 16)
                ^ lookup(0, hi >> 24);
        }
        for &byte in rest {
            crc = (crc >> 8) ^ lookup(0, crc ^ u32::from(byte));
        }
        self.state = crc;
    }

    /// The checksum of everything fed so far.
    pub const fn finish(&self) -> u32 {
        self.state ^ 0xFFFF_FFFF
    }
}

/// CRC-32 of `data` in one call.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(data);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook bit-at-a-time definition, to check the tables against.
    fn bitwise(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn standard_check_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
        assert_eq!(crc32(&[0u8; 32]), 0x190A_55AD);
    }

    #[test]
    fn table_matches_known_entries() {
        assert_eq!(TABLES[0][1], 0x7707_3096);
        assert_eq!(TABLES[0][255], 0x2D02_EF8D);
    }

    proptest! {
        #[test]
        fn matches_bitwise_definition(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(crc32(&data), bitwise(&data));
        }

        #[test]
        fn incremental_equals_one_shot(data in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..300) {
            let cut = cut.min(data.len());
            let (a, b) = data.split_at(cut);
            let mut c = Crc32::new();
            c.update(a);
            c.update(b);
            prop_assert_eq!(c.finish(), crc32(&data));
        }
    }
}
