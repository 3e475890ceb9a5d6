//! Belady's MIN: the optimal hit ratio of a cache of `capacity` entries on a
//! known trace, the ceiling of the hit-ratio table. On a miss it evicts the
//! resident key whose next use is farthest away, or skips storing the new
//! key when that key itself is the farthest (bypass), so no policy, with or
//! without admission control, can beat it on the same trace.

use std::collections::{BinaryHeap, HashMap};

/// Hits of the optimal cache on `requests` (key ids).
pub fn optimal_hits(capacity: u64, requests: &[u64]) -> u64 {
    let next_use = next_uses(requests);
    let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
    // Resident key -> its next use; a max-heap of (next use, key) with stale
    // entries skipped lazily when popped.
    let mut resident: HashMap<u64, usize> = HashMap::with_capacity(capacity);
    let mut farthest: BinaryHeap<(usize, u64)> = BinaryHeap::with_capacity(capacity);
    let mut hits = 0;
    for (&key, &next) in requests.iter().zip(&next_use) {
        if let Some(slot) = resident.get_mut(&key) {
            hits += 1;
            *slot = next;
            farthest.push((next, key));
            continue;
        }
        if resident.len() < capacity {
            resident.insert(key, next);
            farthest.push((next, key));
            continue;
        }
        while let Some((when, victim)) = farthest.pop() {
            if resident.get(&victim) != Some(&when) {
                continue; // stale entry
            }
            if when > next {
                resident.remove(&victim);
                resident.insert(key, next);
                farthest.push((next, key));
            } else {
                farthest.push((when, victim)); // bypass: the new key is the farthest
            }
            break;
        }
    }
    hits
}

/// For each request, the index of the next request for the same key (usize::MAX if none).
fn next_uses(requests: &[u64]) -> Vec<usize> {
    let mut next = vec![usize::MAX; requests.len()];
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (i, (&key, slot)) in requests.iter().zip(next.iter_mut()).enumerate().rev() {
        if let Some(j) = seen.insert(key, i) {
            *slot = j;
        }
    }
    next
}

/// Test-mode checks against hand-worked traces.
pub fn self_check() -> Result<(), String> {
    // Capacity 2 on a b c a b: MIN keeps a and b (c is bypassed): 2 hits.
    let cases: [(u64, &[u64], u64); 4] = [
        (2, &[1, 2, 3, 1, 2], 2),
        (1, &[1, 1, 2, 1], 2),
        (3, &[1, 2, 3, 4, 1, 2, 3, 4], 3),
        (2, &[1, 2, 3, 4, 1, 2, 3, 4], 2),
    ];
    for (capacity, trace, want) in cases {
        let got = optimal_hits(capacity, trace);
        if got != want {
            return Err(format!(
                "belady on {trace:?} (capacity {capacity}): {got} hits, expected {want}"
            ));
        }
    }
    Ok(())
}
