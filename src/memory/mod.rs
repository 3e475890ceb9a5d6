//! The L1 memory tier.

pub(crate) mod links;
pub mod policy;
pub(crate) mod wheel;

pub use policy::EvictionPolicy;
