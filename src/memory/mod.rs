//! The L1 memory tier: a bounded map of byte values with TTL, eviction,
//! namespaces, tags and compression. See [`MemoryTier`]: the struct is in
//! `tier.rs`, its methods in the files that module doc lists.

mod charge;
mod commands;
mod config;
mod entry;
mod expiry;
pub(crate) mod growth;
mod held;
mod invariants;
pub(crate) mod links;
mod lookup;
mod namespaces;
pub mod policy;
mod prepare;
mod reads;
mod removal;
mod slot_key;
mod stats;
mod store;
mod tags;
mod tier;
pub(crate) mod wheel;

pub use commands::{MAX_BATCH, Remaining};
pub use config::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_TAGS,
    DEFAULT_MAX_VALUE_BYTES, MAX_TAG_BYTES, MemoryConfig, SetOptions, Ttl,
};
pub use entry::{ENTRY_OVERHEAD, TAG_OVERHEAD};
pub use held::{Found, WriteKind};
pub use namespaces::{MAX_NAMESPACE_BYTES, MAX_NAMESPACES, Ns};
pub use policy::EvictionPolicy;
pub use prepare::Value;
pub use stats::{Freshness, Removal, RemovalCause, RemovalListener, Stats};
pub use tier::MemoryTier;

#[cfg(test)]
mod held_tests;
#[cfg(test)]
mod tests;
