//! The named presets a host adapter picks its [`BackendCaps`] by (`caps.preset`
//! in a JS adapter, the same names for every binding), so the limits of each
//! service live in one place, next to the caps themselves.

use super::BackendCaps;

/// Every preset name, in the order error messages list them.
pub const PRESET_NAMES: [&str; 4] = ["unlimited", "workers-kv", "deno-kv", "redis-http"];

impl BackendCaps {
    /// The caps of a named service, or `None` for an unknown name.
    pub fn preset(name: &str) -> Option<BackendCaps> {
        match name {
            "unlimited" => Some(BackendCaps::unlimited()),
            "workers-kv" => Some(BackendCaps::workers_kv()),
            "deno-kv" => Some(BackendCaps::deno_kv()),
            "redis-http" => Some(BackendCaps::redis_http()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_and_unknown_ones_do_not() {
        for name in PRESET_NAMES {
            assert!(BackendCaps::preset(name).is_some(), "{name}");
        }
        assert_eq!(BackendCaps::preset("Workers-KV"), None);
        assert_eq!(BackendCaps::preset(""), None);
    }

    /// Leases (getOrSet's `lease`) depend on these: pinned so a preset edit
    /// cannot silently turn them off (the backend suite's lease case expects them).
    #[test]
    fn atomic_writes_are_pinned_per_service() {
        let atomic = |name| BackendCaps::preset(name).map(|caps| caps.has_atomic);
        assert_eq!(atomic("deno-kv"), Some(true), "Deno KV atomic checks");
        assert_eq!(atomic("redis-http"), Some(true), "Redis SET NX PX");
        assert_eq!(
            atomic("workers-kv"),
            Some(false),
            "Workers KV has no atomic write"
        );
    }
}
