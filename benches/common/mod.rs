//! Workload, cache adapters and harness shared by the native benchmarks.

pub mod harness;
pub mod rng;
pub mod subjects;
pub mod workload;
