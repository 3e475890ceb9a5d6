//! One JS mapping per core stats type, shared by `WasmCache` and
//! `WasmTieredCache`. The structs are destructured without `..`: a new
//! counter fails to compile here until it is mapped.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::memory::Stats;
#[cfg(feature = "js-tiered")]
use crate::tiered::{BackendStats, TieredStats};

fn put(object: &Object, fields: &[(&str, f64)]) -> Result<(), JsValue> {
    for (name, value) in fields {
        Reflect::set(object, &(*name).into(), &(*value).into())?;
    }
    Ok(())
}

/// The memory tier's counters: `{ hits, staleHits, misses, sets, deletes,
/// evictionsCapacity, evictionsExpired, evictionsExplicit, entries, bytes, hitRatio }`.
pub(crate) fn memory_stats(stats: &Stats) -> Result<Object, JsValue> {
    let hit_ratio = stats.hit_ratio();
    let Stats {
        hits,
        stale_hits,
        misses,
        sets,
        deletes,
        evictions_capacity,
        evictions_expired,
        evictions_explicit,
        entries,
        bytes,
    } = *stats;
    let object = Object::new();
    put(
        &object,
        &[
            ("hits", hits as f64),
            ("staleHits", stale_hits as f64),
            ("misses", misses as f64),
            ("sets", sets as f64),
            ("deletes", deletes as f64),
            ("evictionsCapacity", evictions_capacity as f64),
            ("evictionsExpired", evictions_expired as f64),
            ("evictionsExplicit", evictions_explicit as f64),
            ("entries", entries as f64),
            ("bytes", bytes as f64),
            ("hitRatio", hit_ratio),
        ],
    )?;
    Ok(object)
}

/// The backend tier's counters (`l2` of a tiered cache's stats).
#[cfg(feature = "js-tiered")]
pub(crate) fn backend_stats(stats: &BackendStats) -> Result<Object, JsValue> {
    let latency_avg = stats.latency_avg_ms();
    let BackendStats {
        hits,
        stale_hits,
        misses,
        writes,
        errors,
        timeouts,
        corrupt,
        security,
        retries,
        rejected,
        latency_sum_ms: _,
        latency_count,
        latency_max_ms,
    } = *stats;
    let object = Object::new();
    put(
        &object,
        &[
            ("hits", hits as f64),
            ("staleHits", stale_hits as f64),
            ("misses", misses as f64),
            ("writes", writes as f64),
            ("errors", errors as f64),
            ("timeouts", timeouts as f64),
            ("corrupt", corrupt as f64),
            ("security", security as f64),
            ("retries", retries as f64),
            ("rejected", rejected as f64),
            ("calls", latency_count as f64),
            ("latencyAvgMs", latency_avg),
            ("latencyMaxMs", latency_max_ms as f64),
        ],
    )?;
    Ok(object)
}

/// A tiered cache's stats: the L1 counters at the top level, `l2` and `breaker`.
#[cfg(feature = "js-tiered")]
pub(crate) fn tiered_stats(stats: &TieredStats) -> Result<Object, JsValue> {
    let TieredStats { l1, l2, breaker } = stats;
    let object = memory_stats(l1)?;
    Reflect::set(&object, &"l2".into(), backend_stats(l2)?.as_ref())?;
    Reflect::set(&object, &"breaker".into(), &breaker.name().into())?;
    Ok(object)
}
