//! A tour of the Rust core: a bounded memory tier in front of a slow origin.
//!
//! Run: `cargo run --release --example core_tour`

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use edgecache::memory::{EvictionPolicy, MemoryConfig, MemoryTier, Ns, SetOptions, Ttl};
use edgecache::{FnClock, Result};

/// A deliberately slow origin: 20 ms per lookup.
fn origin(id: u32) -> String {
    std::thread::sleep(Duration::from_millis(20));
    format!(
        "{{\"id\":{id},\"name\":\"user {id}\",\"bio\":\"{}\"}}",
        "lorem ipsum ".repeat(120)
    )
}

fn wall_clock_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn main() -> Result<()> {
    let config = MemoryConfig {
        max_entries: 1_000,
        max_bytes: 2 << 20,
        default_ttl_ms: Some(60_000),
        policy: EvictionPolicy::S3Fifo,
        ..MemoryConfig::default()
    };
    let mut cache = MemoryTier::new(config, Box::new(FnClock(wall_clock_ms)))?;
    let users = cache.namespace("users")?;

    // Read-through: 3 rounds over the same 10 users; only the first round goes to the origin.
    for round in 1..=3 {
        let started = Instant::now();
        for id in 0..10 {
            let key = id.to_string();
            if cache.get(users, &key)?.is_none() {
                let user = origin(id);
                let tags = [if id % 2 == 0 { "even" } else { "odd" }];
                let opts = SetOptions {
                    tags: &tags,
                    ..SetOptions::default()
                };
                cache.set(users, &key, user.as_bytes(), &opts)?;
            }
        }
        let s = cache.stats();
        println!(
            "round {round}: {:>7.2} ms   hits {:>2}  misses {:>2}  entries {}  bytes {}",
            started.elapsed().as_secs_f64() * 1e3,
            s.hits,
            s.misses,
            s.entries,
            s.bytes
        );
    }
    println!(
        "values of 512 bytes and more are deflated: 10 users of ~1.5 KB weigh {} bytes in all",
        cache.bytes()
    );

    // Tags and patterns.
    let removed = cache.invalidate_tag(users, "even")?;
    println!(
        "invalidate_tag(even) removed {removed}; users left: {}",
        cache.count_matching(users, "*")?
    );
    println!("keys matching [1-3]: {:?}", {
        let mut k = cache.keys(users, "[1-3]")?;
        k.sort();
        k
    });

    // Counters and per-entry TTLs.
    cache.incr(Ns::DEFAULT, "page-views", 1)?;
    let views = cache.incr(Ns::DEFAULT, "page-views", 41)?;
    println!("page-views = {views}");
    let short = SetOptions {
        ttl: Ttl::Ms(50),
        ..SetOptions::default()
    };
    cache.set(Ns::DEFAULT, "flash", b"gone soon", &short)?;
    std::thread::sleep(Duration::from_millis(60));
    println!(
        "after 60 ms, flash present: {}",
        cache.has(Ns::DEFAULT, "flash")?
    );

    // Bad input is a clear error and changes nothing.
    let too_big = vec![0u8; 5 << 20];
    match cache.set(Ns::DEFAULT, "huge", &too_big, &SetOptions::default()) {
        Err(e) => println!("5 MiB value refused: {} ({e})", e.code()),
        Ok(()) => println!("unexpected: 5 MiB value accepted"),
    }
    let s = cache.stats();
    println!(
        "final: hit ratio {:.1}%, evictions capacity/expired/explicit = {}/{}/{}",
        s.hit_ratio() * 100.0,
        s.evictions_capacity,
        s.evictions_expired,
        s.evictions_explicit
    );
    Ok(())
}
