//! A side-by-side harness: every cache replays the same trace in the same
//! process, round after round, with the order of the caches rotated each
//! round so none always runs first (warm CPU, turbo) or after the same
//! neighbour (its cache lines). Figures are medians over rounds, which a
//! shared, noisy machine disturbs far less than means.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::common::subjects::Subject;
use crate::common::workload::{Kind, Op, Workload};

/// A cache under test, type-erased outside the timed loop only.
pub trait Contender {
    fn load(&mut self, keys: &[&str], value: &[u8]);
    /// Replays `ops`; the elapsed time and the number of read hits.
    fn replay(&mut self, ops: &[Op<'_>], value: &[u8]) -> (Duration, u64);
    fn len(&self) -> usize;
}

impl<S: Subject> Contender for S {
    fn load(&mut self, keys: &[&str], value: &[u8]) {
        for key in keys {
            self.set(key, value);
        }
    }

    fn replay(&mut self, ops: &[Op<'_>], value: &[u8]) -> (Duration, u64) {
        let start = Instant::now();
        let hits = replay(self, ops, value);
        (start.elapsed(), hits)
    }

    fn len(&self) -> usize {
        Subject::len(self)
    }
}

/// The timed loop, monomorphised per cache.
#[inline(never)]
fn replay<S: Subject>(cache: &mut S, ops: &[Op<'_>], value: &[u8]) -> u64 {
    let mut hits = 0u64;
    for op in ops {
        let key = black_box(op.key);
        match op.kind {
            Kind::Get => hits += u64::from(cache.get(key)),
            Kind::GetOrSet => {
                let hit = cache.get(key);
                hits += u64::from(hit);
                if !hit {
                    cache.set(key, value);
                }
            }
            Kind::Set => cache.set(key, value),
        }
    }
    hits
}

/// How to build one fresh cache for each workload.
pub struct Entrant {
    pub name: &'static str,
    /// Ours (ratio numerator) or a peer (ratio denominator).
    pub ours: bool,
    pub build: Box<dyn Fn() -> Result<Box<dyn Contender>, String>>,
}

/// One workload's figures for one cache.
pub struct Measured {
    /// Per-round ns/op, sorted.
    pub ns_per_op: Vec<f64>,
    pub hit_ratio: Option<f64>,
    pub len_after: usize,
}

impl Measured {
    pub fn median(&self) -> f64 {
        quantile(&self.ns_per_op, 0.5)
    }

    /// Interquartile range relative to the median: how noisy the rounds were.
    pub fn spread(&self) -> f64 {
        let m = self.median();
        if m > 0.0 {
            (quantile(&self.ns_per_op, 0.75) - quantile(&self.ns_per_op, 0.25)) / m
        } else {
            0.0
        }
    }
}

/// Linear-interpolated quantile of sorted samples (0 when empty).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let pos = q * last as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(0.0),
        sorted.get(hi).copied().unwrap_or(0.0),
    );
    a + (b - a) * (pos - lo as f64)
}

/// Runs one workload on fresh caches: prefill and one warm-up pass untimed,
/// then `rounds` timed passes with the caches' order rotated every round.
pub fn measure(
    workload: &Workload<'_>,
    entrants: &[Entrant],
    value: &[u8],
    rounds: usize,
) -> Result<Vec<Measured>, String> {
    let mut caches = Vec::with_capacity(entrants.len());
    for entrant in entrants {
        let mut cache = (entrant.build)()?;
        cache.load(&workload.prefill, value);
        cache.replay(&workload.ops, value);
        caches.push(cache);
    }
    let ops = workload.ops.len().max(1) as f64;
    let mut samples = vec![Vec::with_capacity(rounds); caches.len()];
    let mut hits = vec![0u64; caches.len()];
    let n = caches.len();
    for round in 0..rounds {
        for i in (0..n).map(|k| (k + round) % n) {
            if let (Some(cache), Some(times), Some(h)) =
                (caches.get_mut(i), samples.get_mut(i), hits.get_mut(i))
            {
                let (elapsed, round_hits) = cache.replay(&workload.ops, value);
                times.push(elapsed.as_nanos() as f64 / ops);
                *h += round_hits;
            }
        }
    }
    let reads = workload.reads() as u64 * rounds as u64;
    Ok(caches
        .iter()
        .zip(samples)
        .zip(hits)
        .map(|((cache, mut ns_per_op), hits)| {
            ns_per_op.sort_by(f64::total_cmp);
            Measured {
                ns_per_op,
                hit_ratio: (reads > 0).then(|| hits as f64 / reads as f64),
                len_after: cache.len(),
            }
        })
        .collect())
}

/// Results of one workload, in entrant order.
pub struct Row {
    pub workload: &'static str,
    pub measured: Vec<Measured>,
}

/// The summary: median ns/op per cache, then ours/peer for every pair.
pub fn markdown_table(entrants: &[Entrant], rows: &[Row]) -> String {
    let ours: Vec<(usize, &Entrant)> = entrants
        .iter()
        .enumerate()
        .filter(|(_, e)| e.ours)
        .collect();
    let peers: Vec<(usize, &Entrant)> = entrants
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.ours)
        .collect();
    let mut header = vec!["workload".to_string()];
    header.extend(entrants.iter().map(|e| format!("{} ns/op", e.name)));
    for (_, o) in &ours {
        header.extend(
            peers
                .iter()
                .map(|(_, p)| format!("{} / {}", o.name, p.name)),
        );
    }
    let mut out = line(&header);
    out.push_str(&line(&vec!["---".to_string(); header.len()]));
    for row in rows {
        let median = |i: usize| row.measured.get(i).map_or(0.0, Measured::median);
        let mut cells = vec![row.workload.to_string()];
        cells.extend((0..entrants.len()).map(|i| format!("{:.1}", median(i))));
        for (o, _) in &ours {
            for (p, _) in &peers {
                let ratio = median(*o) / median(*p);
                cells.push(format!("{ratio:.2}×"));
            }
        }
        out.push_str(&line(&cells));
    }
    out
}

/// Hit ratios, entries held at the end, and round-to-round spread.
pub fn details_table(entrants: &[Entrant], rows: &[Row]) -> String {
    let mut header = vec!["workload".to_string()];
    header.extend(
        entrants
            .iter()
            .map(|e| format!("{} hit% / len / IQR", e.name)),
    );
    let mut out = line(&header);
    out.push_str(&line(&vec!["---".to_string(); header.len()]));
    for row in rows {
        let mut cells = vec![row.workload.to_string()];
        cells.extend(row.measured.iter().map(|m| {
            let hit = m
                .hit_ratio
                .map_or("-".to_string(), |h| format!("{:.1}", h * 100.0));
            format!("{hit} / {} / {:.0}%", m.len_after, m.spread() * 100.0)
        }));
        out.push_str(&line(&cells));
    }
    out
}

fn line(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// Test-mode check of the statistics.
pub fn self_check() -> Result<(), String> {
    let m = Measured {
        ns_per_op: vec![1.0, 2.0, 3.0, 4.0, 100.0],
        hit_ratio: None,
        len_after: 0,
    };
    if m.median() != 3.0 || quantile(&[], 0.5) != 0.0 || quantile(&[1.0, 2.0], 0.5) != 1.5 {
        return Err("median/quantile are wrong".into());
    }
    if m.spread() != (4.0 - 2.0) / 3.0 {
        return Err("spread is wrong".into());
    }
    Ok(())
}
