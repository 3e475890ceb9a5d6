//! The semantic index of `edgecache/semantic`: answers for queries *like* a
//! cached one. Each cached answer is a memory-tier entry whose key hashes the
//! model and the normalised query ([`entry_key`]); its query's embedding is a
//! row of the [`VectorIndex`], charged to the entry's weight and dropped when
//! the entry leaves the tier ([`SemanticIndex`]). A lookup that misses the
//! exact key searches the rows of the same namespace and model for the
//! nearest fresh entries at or above a cosine threshold: brute force over
//! unit vectors (f32, or int8 with one scale each), wasm SIMD where built in.
//!
//! - `kernel.rs`: the dot products (SIMD and scalar);
//! - `vector.rs`: checking, normalising and quantising one embedding;
//! - `rows.rs`: fixed-width rows in blocks that never move;
//! - `index.rs`: the spaces, top-k search, removal;
//! - `link.rs`: the index beside a tier (charges, removal hook, fresh-only hits);
//! - `key.rs`: the entry key.

mod index;
mod kernel;
mod key;
mod link;
mod rows;
mod vector;

pub use index::{Hit, MAX_TOP_K, PreparedRow, ROW_OVERHEAD, VectorIndex};
pub use kernel::Kernel;
pub use key::entry_key;
pub use link::SemanticIndex;
pub use vector::{MAX_DIMENSIONS, Precision, normalised, quantised};

#[cfg(test)]
mod tests;
