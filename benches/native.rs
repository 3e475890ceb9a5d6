//! Native side-by-side benchmark of the memory tier against `lru`,
//! `quick_cache`'s unsync cache and `moka`'s sync cache: get-hit, get-miss, set-with-eviction and a
//! Zipf(1.0) 90/10 mix at 100k entries, all caches in the same run.
//!
//! `cargo bench --bench native` prints two markdown tables: median ns/op and
//! ours/peer ratios, then hit ratios, final sizes and round-to-round spread.
//! Options (after `--`): `--rounds N`, `--only WORKLOAD`, `--subject NAME`
//! (repeatable; for profiling one cache, e.g. under callgrind).
//!
//! Without `--bench` (`cargo test --bench native`, `cargo test --all-targets`)
//! it runs a small smoke check instead: the same code at 2,000 entries with
//! hit ratios and sizes asserted, no timing judged.
//!
//! Why a hand-written harness rather than criterion or divan: the figures
//! wanted are ratios between caches from one run, on shared 2-core machines.
//! Both frameworks time one benchmark to completion before the next, so a
//! burst of load from a neighbour lands on one cache and skews its ratio;
//! here every round runs every cache, order rotated, and medians are taken.
//! It also keeps the dev-dependency tree to the two peers.

mod common;

use std::process::ExitCode;

use common::harness::{Entrant, Row, details_table, markdown_table, measure};
use common::subjects::{Lru, Moka, Ours, QuickCache};
use common::workload::{self, Keys, Scale, Workload};
use edgecache::EvictionPolicy;

const SEED: u64 = 0x00ed_6eca_c4e0;
const VALUE_BYTES: usize = 100;

struct Args {
    bench: bool,
    rounds: usize,
    only: Option<String>,
    subjects: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        bench: false,
        rounds: 15,
        only: None,
        subjects: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => args.bench = true,
            "--rounds" => {
                args.rounds = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--rounds needs a positive number")?;
            }
            "--only" => args.only = Some(it.next().ok_or("--only needs a workload name")?),
            "--subject" => args
                .subjects
                .push(it.next().ok_or("--subject needs a name")?),
            // libtest-style flags cargo may pass (e.g. --nocapture); not ours.
            _ => {}
        }
    }
    Ok(args)
}

fn entrants(capacity: usize) -> Vec<Entrant> {
    let ours = |name, policy| Entrant {
        name,
        ours: true,
        build: Box::new(move || Ours::new(capacity, policy).map(|c| Box::new(c) as _)),
    };
    vec![
        ours("edgecache-s3fifo", EvictionPolicy::S3Fifo),
        ours("edgecache-lru", EvictionPolicy::Lru),
        Entrant {
            name: "lru",
            ours: false,
            build: Box::new(move || Lru::new(capacity).map(|c| Box::new(c) as _)),
        },
        Entrant {
            name: "quick_cache",
            ours: false,
            build: Box::new(move || Ok(Box::new(QuickCache::new(capacity)) as _)),
        },
        Entrant {
            name: "moka",
            ours: false,
            build: Box::new(move || Ok(Box::new(Moka::new(capacity)) as _)),
        },
    ]
}

/// Sanity of one workload's results: fixed hit ratios hold, caches are full.
fn check(workload: &Workload<'_>, entrants: &[Entrant], row: &Row, capacity: usize) -> Vec<String> {
    let mut problems = Vec::new();
    for (entrant, m) in entrants.iter().zip(&row.measured) {
        if let (Some(want), Some(got)) = (workload.expected_hit_ratio, m.hit_ratio)
            && (want - got).abs() > 1e-9
        {
            problems.push(format!(
                "{} on {}: hit ratio {got:.4}, expected {want}",
                entrant.name, workload.name
            ));
        }
        if !workload.prefill.is_empty() && m.len_after != capacity {
            problems.push(format!(
                "{} on {}: holds {} entries, expected {capacity}",
                entrant.name, workload.name, m.len_after
            ));
        }
    }
    problems
}

fn run(args: &Args) -> Result<Vec<String>, String> {
    let scale = if args.bench {
        Scale {
            capacity: 100_000,
            ops: 200_000,
            zipf_universe_factor: 10,
        }
    } else {
        Scale {
            capacity: 2_000,
            ops: 4_000,
            zipf_universe_factor: 10,
        }
    };
    let rounds = if args.bench { args.rounds } else { 3 };
    let mut entrants = entrants(scale.capacity);
    if !args.subjects.is_empty() {
        entrants.retain(|e| args.subjects.iter().any(|s| s == e.name));
    }
    let keys = Keys::new(&scale);
    type Build = for<'k> fn(&'k Keys, &Scale, u64) -> Workload<'k>;
    let builders: [(&str, Build); 4] = [
        ("get-hit", workload::get_hit),
        ("get-miss", workload::get_miss),
        ("set-evict", workload::set_with_eviction),
        ("zipf-90/10", workload::zipf_mix),
    ];
    // Built only when selected: the Zipf trace alone is 1M operations, and
    // a profile of one workload should not include building the others.
    let workloads: Vec<Workload<'_>> = builders
        .iter()
        .zip(SEED..)
        .filter(|((name, _), _)| args.only.as_deref().is_none_or(|only| only == *name))
        .map(|((_, build), seed)| build(&keys, &scale, seed))
        .collect();
    if workloads.is_empty() {
        return Err(format!("no workload called {:?}", args.only));
    }
    let mut rng = common::rng::SplitMix64::new(SEED);
    let value: Vec<u8> = (0..VALUE_BYTES).map(|_| rng.next_u64() as u8).collect();

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for w in &workloads {
        eprintln!(
            "{}: {} ops × {rounds} rounds × {} caches",
            w.name,
            w.ops.len(),
            entrants.len()
        );
        let row = Row {
            workload: w.name,
            measured: measure(w, &entrants, &value, rounds)?,
        };
        problems.extend(check(w, &entrants, &row, scale.capacity));
        rows.push(row);
    }
    println!(
        "\n### Median ns/op over {rounds} rounds ({} entries, {VALUE_BYTES}-byte values)\n",
        scale.capacity
    );
    println!("{}", markdown_table(&entrants, &rows));
    println!("### Hit ratio of reads / entries held at the end / IQR of rounds\n");
    println!("{}", details_table(&entrants, &rows));
    Ok(problems)
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| {
        if !args.bench {
            common::rng::self_check()?;
            common::workload::self_check()?;
            common::harness::self_check()?;
        }
        let problems = run(&args)?;
        for p in &problems {
            eprintln!("problem: {p}");
        }
        // In test mode a problem fails the run; in bench mode it is reported
        // (a peer holding slightly fewer entries is a fact about the peer).
        if !args.bench && !problems.is_empty() {
            return Err(format!("{} problem(s)", problems.len()));
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("native bench: {e}");
            ExitCode::FAILURE
        }
    }
}
