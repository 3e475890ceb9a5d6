//! Forged L2 records and the memory one read may take (issue 11): whatever
//! sizes a forged manifest declares, however large the records behind it and
//! however far a stored payload deflates, one `get` never allocates more than
//! a small multiple of what the cache can write (`max_value_bytes` of 64 KiB
//! here). Peak heap use during the read is measured by a counting allocator:
//! natively it stands for the wasm memory a host would grow (which never
//! shrinks). Before layout 2 a forged manifest made one read fetch every
//! chunk it named, and a 25 KB payload inflated to whatever it declared.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::rc::Rc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use arbitrary::Arbitrary;
use edgecache::ManualClock;
use edgecache::backend::{BackendCaps, MemoryBackend, poll_ready};
use edgecache::codec::crc32::crc32;
use edgecache::memory::MemoryConfig;
use edgecache::tiered::{TieredCache, TieredConfig};
use libfuzzer_sys::fuzz_target;

/// Counts live heap bytes and their peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const T0: u64 = 1_700_000_000_000;
const MAX_VALUE: u64 = 64 << 10;
/// What one read may take beyond what was live before it: the record it
/// reads, the joined envelope and the inflated payload, each at most about
/// MAX_VALUE plus tag room, and bookkeeping.
const PEAK_BOUND: usize = 8 * MAX_VALUE as usize;

#[derive(Debug, Arbitrary)]
enum Forged {
    /// A version 2 manifest with fuzzed fields; every chunk it names holds
    /// `chunk_bytes` bytes (up to 16 MiB).
    Manifest {
        version: u8,
        count: u32,
        total_len: u32,
        chunk_len: u32,
        chunk_bytes: u32,
    },
    /// An envelope whose stored payload is a zlib stream of `inflated` zero
    /// bytes (up to 16 MiB), declaring `declared` bytes.
    Bomb { inflated: u32, declared: u32 },
    /// A raw record of `len` bytes (up to 16 MiB) under the entry key.
    Oversized { len: u32 },
}

fn manifest(version: u8, count: u32, total: u32, chunk_len: u32) -> Vec<u8> {
    let mut out = vec![0xEC, 0xCB, version, 0];
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    if version == 2 {
        out.extend_from_slice(&chunk_len.to_le_bytes());
    }
    out.extend_from_slice(&[9u8; 32]);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// zlib streams of zeros, made once per size class (making them is not the read).
fn zeros_deflated(mib: u32) -> Vec<u8> {
    static STREAMS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let all = STREAMS.get_or_init(|| {
        (0..=16u32)
            .map(|m| {
                let c = edgecache::codec::Compression {
                    threshold: 0,
                    level: 1,
                };
                let raw = vec![0u8; (m as usize).max(1) << 20];
                edgecache::codec::maybe_compress(&raw, &c).unwrap_or_default()
            })
            .collect()
    });
    all.get(mib as usize).cloned().unwrap_or_default()
}

fn envelope(stored: &[u8], declared: u32) -> Vec<u8> {
    let mut body = vec![0xEC, 0xCA, 1, 1];
    body.extend_from_slice(&[0u8; 24]);
    body.extend_from_slice(&declared.to_le_bytes());
    body.extend_from_slice(&(stored.len() as u32).to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(stored);
    let crc = crc32(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

fuzz_target!(|forged: Forged| {
    let clock = ManualClock::new(T0);
    let backend = MemoryBackend::new(BackendCaps::unlimited(), Rc::new(clock.clone()));
    let config = TieredConfig {
        memory: MemoryConfig {
            max_entries: 16,
            max_bytes: 1 << 20,
            max_value_bytes: MAX_VALUE,
            ..MemoryConfig::default()
        },
        ..TieredConfig::default()
    };
    let cache = TieredCache::new(config, backend.clone(), Rc::new(clock)).expect("valid config");
    let entry_key = cache.layout().entry_key("", "k");
    match forged {
        Forged::Manifest {
            version,
            count,
            total_len,
            chunk_len,
            chunk_bytes,
        } => {
            let version = 1 + version % 2;
            backend.raw_set(&entry_key, &manifest(version, count, total_len, chunk_len));
            let chunk = vec![0u8; (chunk_bytes % (16 << 20)) as usize];
            // The first chunks a reader could ask for (the write id is fixed).
            for i in 0..count.min(4) {
                backend.raw_set(&cache.layout().chunk_key(&[9u8; 16], i), &chunk);
            }
        }
        Forged::Bomb { inflated, declared } => {
            let stored = zeros_deflated(inflated % 17);
            backend.raw_set(&entry_key, &envelope(&stored, declared));
        }
        Forged::Oversized { len } => {
            backend.raw_set(&entry_key, &vec![0xEC; (len % (16 << 20)) as usize]);
        }
    }
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let calls = backend.calls();
    let got = poll_ready(cache.get("", "k"))
        .expect("ready at once")
        .expect("valid key");
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(
        peak <= PEAK_BOUND,
        "one read of a forged record took {peak} bytes (bound {PEAK_BOUND})"
    );
    // A forged record is never served as a value larger than the cache writes,
    // and reading chunks stops at the first bad one.
    assert!(got.is_none_or(|v| v.len() as u64 <= MAX_VALUE));
    assert!(
        backend.calls() - calls <= 5,
        "at most the manifest and 4 chunks"
    );
});
