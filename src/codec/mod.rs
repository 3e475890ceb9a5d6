//! How entries are stored outside the memory tier: the versioned binary
//! [`Envelope`] (specified byte by byte in [`envelope`]) and zlib payload
//! compression with a decompression-bomb limit ([`compress`]).
//!
//! Everything here decodes data read from a backend, so every decoder is total:
//! any byte string yields a value or a typed [`CacheError`](crate::CacheError),
//! never a panic.

pub mod compress;
pub mod crc32;
pub mod envelope;

pub use compress::{Compression, decompress, maybe_compress};
pub use envelope::{Envelope, EnvelopeLimits};
