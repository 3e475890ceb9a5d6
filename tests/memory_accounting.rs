//! The byte budget must cover what the tier really allocates: the weight
//! charged per entry (key + value + ENTRY_OVERHEAD + tags) is compared with
//! the heap bytes a counting allocator sees.

// The counting allocator needs `unsafe impl GlobalAlloc`; it only forwards to System.
#![allow(unsafe_code, clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use edgecache::ManualClock;
use edgecache::memory::{MemoryConfig, MemoryTier, Ns, SetOptions};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);

/// What a general-purpose allocator adds to every live block (header and
/// rounding): 16 bytes is typical of glibc malloc and of dlmalloc in wasm.
const BLOCK_OVERHEAD: isize = 16;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        BLOCKS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        BLOCKS.fetch_sub(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Fills a tier and returns (heap bytes per entry, charged bytes per entry).
fn measure(n: u64, value_len: usize, tags_of: &TagsOf) -> (f64, f64) {
    let used = || LIVE.load(Ordering::Relaxed) + BLOCK_OVERHEAD * BLOCKS.load(Ordering::Relaxed);
    let before = used();
    let config = MemoryConfig {
        max_entries: n,
        max_bytes: u64::MAX / 2,
        ..MemoryConfig::default()
    };
    let mut tier = MemoryTier::new(config, Box::new(ManualClock::new(0))).unwrap();
    let value = vec![7u8; value_len];
    // Twice the capacity, so eviction and slot reuse are part of the picture.
    for i in 0..n * 2 {
        let tags = tags_of(i);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let opts = SetOptions {
            tags: &tags,
            ..SetOptions::default()
        };
        tier.set(Ns::DEFAULT, &format!("key:{i}"), &value, &opts)
            .unwrap();
    }
    let heap = (used() - before) as f64 / tier.len() as f64;
    let charged = tier.bytes() as f64 / tier.len() as f64;
    drop(tier);
    (heap, charged)
}

/// Builds the tags of entry `i`.
type TagsOf = dyn Fn(u64) -> Vec<String>;

fn no_tags(_: u64) -> Vec<String> {
    Vec::new()
}

fn shared_tags(_: u64) -> Vec<String> {
    vec!["a".into(), "b".into()]
}

/// Tags unique to each entry: every tag pays its own index structures.
fn unique_tags(i: u64) -> Vec<String> {
    vec![format!("user:{i:08}"), format!("order:{i:08}")]
}

fn long_unique_tags(i: u64) -> Vec<String> {
    (0..8)
        .map(|t| format!("{t}:{i:08}:{}", "x".repeat(190)))
        .collect()
}

#[test]
fn charged_weight_covers_real_heap_use() {
    let cases: [(u64, usize, &TagsOf, &str); 6] = [
        (100_000, 100, &no_tags, "no"),
        (70_000, 100, &no_tags, "no"),
        (100_000, 10, &no_tags, "no"),
        (50_000, 100, &shared_tags, "2 shared"),
        (50_000, 100, &unique_tags, "2 unique 14-byte"),
        (10_000, 100, &long_unique_tags, "8 unique 200-byte"),
    ];
    for (n, value_len, tags_of, label) in cases {
        let (heap, charged) = measure(n, value_len, tags_of);
        println!(
            "{n} entries, {value_len}-byte values, {label} tags: heap {heap:.0} B/entry, charged {charged:.0} B/entry"
        );
        assert!(heap <= charged, "heap {heap:.0} > charged {charged:.0}");
    }
}
