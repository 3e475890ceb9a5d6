//! One JS mapping per core stats type, shared by `WasmCache` and
//! `WasmTieredCache`. The structs are destructured without `..`: a new
//! counter fails to compile here until it is mapped.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::memory::Stats;
#[cfg(feature = "js-tiered")]
use crate::tiered::{BackendStats, Health, LastFailure, Probe, TieredStats};

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

/// `{ l1: { entries, bytes }, breaker, lastError: { op, message, at } | null,
/// probe?: { ok, latencyMs, error? } }`.
#[cfg(feature = "js-tiered")]
pub(crate) fn health_object(health: &Health) -> Result<Object, JsValue> {
    let Health {
        l1_entries,
        l1_bytes,
        breaker,
        last_failure,
        probe,
    } = health;
    let object = Object::new();
    let l1 = Object::new();
    put(
        &l1,
        &[("entries", *l1_entries as f64), ("bytes", *l1_bytes as f64)],
    )?;
    Reflect::set(&object, &"l1".into(), l1.as_ref())?;
    Reflect::set(&object, &"breaker".into(), &breaker.name().into())?;
    let last = match last_failure {
        Some(LastFailure { at_ms, op, message }) => {
            let last = Object::new();
            Reflect::set(&last, &"op".into(), &op.name().into())?;
            Reflect::set(&last, &"message".into(), &message.as_str().into())?;
            put(&last, &[("at", *at_ms as f64)])?;
            last.into()
        }
        None => JsValue::NULL,
    };
    Reflect::set(&object, &"lastError".into(), &last)?;
    if let Some(probe) = probe {
        let out = Object::new();
        let (ok, latency_ms, error) = match probe {
            Probe::Answered { latency_ms } => (true, latency_ms, None),
            Probe::Failed {
                latency_ms,
                message,
            } => (false, latency_ms, Some(message)),
        };
        Reflect::set(&out, &"ok".into(), &ok.into())?;
        put(&out, &[("latencyMs", *latency_ms as f64)])?;
        if let Some(message) = error {
            Reflect::set(&out, &"error".into(), &message.as_str().into())?;
        }
        Reflect::set(&object, &"probe".into(), out.as_ref())?;
    }
    Ok(object)
}
