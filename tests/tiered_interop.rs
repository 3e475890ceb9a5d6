//! Interoperability of L2 entries between the native core and the WASI
//! component (`tiered-cache` world): same envelope, same key layout and hashing.
//!
//! - Native → component: `native_entries_match_the_fixture` writes entries
//!   through `TieredCache` and checks them against
//!   tests/component/interop/native_entries.txt, which the component reads in
//!   tests/component/wasmtime_tiered_test.py. Regenerate the fixture (after a
//!   deliberate format change only) with `EDGECACHE_WRITE_FIXTURES=1`.
//! - Component → native: `component_entries_are_read_natively` reads entries
//!   the component wrote (`EDGECACHE_COMPONENT_ENTRIES`, set by
//!   scripts/test-component.sh to the fresh dump; otherwise the committed
//!   snapshot tests/component/interop/component_entries.txt).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tiered_support;

use edgecache::Ttl;
use edgecache::backend::BackendCaps;
use edgecache::tiered::{L2Status, TieredConfig, WriteOptions};
use tiered_support::{backend, cache_with, clock, run};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/component/interop");

/// The caps of the Python DictBackend's defaults (key hashing depends on them).
fn dict_caps() -> BackendCaps {
    BackendCaps {
        max_key_bytes: 512,
        max_value_bytes: 1 << 20,
        ..BackendCaps::unlimited()
    }
}

/// `key<TAB>hex value` lines, sorted by key.
fn to_text(header: &str, entries: &[(String, Vec<u8>)]) -> String {
    let mut out = format!("# {header}\n");
    for (key, value) in entries {
        let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("{key}\t{hex}\n"));
    }
    out
}

fn from_text(text: &str) -> Vec<(String, Vec<u8>)> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, hex) = l.split_once('\t').expect("key<TAB>hex");
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            (key.to_string(), bytes)
        })
        .collect()
}

fn never(tags: &'static [&'static str]) -> WriteOptions<'static> {
    WriteOptions {
        ttl: Ttl::Never,
        stale_ms: None,
        tags,
    }
}

#[test]
fn native_entries_match_the_fixture() {
    let clock = clock();
    let kv = backend(dict_caps(), &clock);
    let cache = cache_with(TieredConfig::default(), &kv, &clock);
    let long_key = "x".repeat(600);
    let big = b"0123456789".repeat(300);
    let writes: [(&str, &str, &[u8], WriteOptions<'static>); 5] = [
        ("", "plain", b"hello from native", never(&[])),
        ("tenant", "k", b"namespaced", never(&[])),
        ("", "big", &big, never(&[])),
        ("", "tagged", b"with tags", never(&["t1", "t2"])),
        ("", &long_key, b"long key", never(&[])),
    ];
    for (ns, key, value, opts) in &writes {
        assert_eq!(
            run(cache.set(ns, key, value, opts)).unwrap(),
            L2Status::Written
        );
    }
    let entries: Vec<(String, Vec<u8>)> = kv
        .raw_keys()
        .into_iter()
        .map(|k| {
            let v = kv.raw_get(&k).unwrap();
            (k, v)
        })
        .collect();
    assert!(
        entries
            .iter()
            .any(|(k, _)| k.starts_with("ec::xxx") && k.len() <= 512)
    );
    let text = to_text("written natively by tests/tiered_interop.rs", &entries);
    let path = format!("{DIR}/native_entries.txt");
    if std::env::var_os("EDGECACHE_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("fixture present");
    assert_eq!(
        committed, text,
        "the L2 format changed: if deliberate, rerun with EDGECACHE_WRITE_FIXTURES=1"
    );
}

#[test]
fn component_entries_are_read_natively() {
    let path = std::env::var("EDGECACHE_COMPONENT_ENTRIES")
        .unwrap_or_else(|_| format!("{DIR}/component_entries.txt"));
    let text = std::fs::read_to_string(&path).expect("component entries present");
    let clock = clock();
    let kv = backend(dict_caps(), &clock);
    for (key, value) in from_text(&text) {
        kv.raw_set(&key, &value);
    }
    let cache = cache_with(TieredConfig::default(), &kv, &clock);
    let get = |ns: &str, key: &str| run(cache.get(ns, key)).unwrap();
    assert_eq!(
        get("", "plain").as_deref(),
        Some(&b"hello from the component"[..])
    );
    assert_eq!(get("tenant", "k").as_deref(), Some(&b"namespaced"[..]));
    assert_eq!(get("", "big"), Some(b"abcdefghij".repeat(300)));
    assert_eq!(get("", "tagged").as_deref(), Some(&b"with tags"[..]));
    assert_eq!(get("", &"x".repeat(600)).as_deref(), Some(&b"long key"[..]));
    let stats = cache.stats().l2;
    assert_eq!((stats.hits, stats.corrupt), (5, 0));
}
