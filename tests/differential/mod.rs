//! The cross-dialect differential test: random queries over the public API, run on every
//! dialect against the same data, answers compared under the rules of [`compare`].
//!
//! Environment: `ATHANOR_DIFF_SEED` (a number, or `random`; default fixed), `ATHANOR_DIFF_CASES`
//! (default 300), `ATHANOR_DIFF_CASE` (run only that case number), `ATHANOR_DIFF_STRICT=1`
//! (ignore [`construct::KNOWN_BROKEN`]), `ATHANOR_DIFF_VERBOSE=1` (print known discrepancies in
//! full too).

pub mod case;
pub mod compare;
pub mod construct;
pub mod data;
pub mod exprs;
pub mod filter;
pub mod gen;
pub mod join;
pub mod ops;
pub mod order;
pub mod rng;
pub mod runners;
pub mod typed;
pub mod write;

use case::Case;
use compare::{show, verdict, Outcome, Verdict};
use construct::{known_broken, DECIMAL_ONLY};
use runners::Runner;
use std::collections::BTreeMap;

const DEFAULT_SEED: u64 = 0x00A7_4A40_D1FF_2026;
const DEFAULT_CASES: u64 = 300;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn parse_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn seed() -> u64 {
    match env("ATHANOR_DIFF_SEED").as_deref() {
        None => DEFAULT_SEED,
        Some("random") => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64,
        Some(s) => parse_u64(s).unwrap_or_else(|| panic!("ATHANOR_DIFF_SEED={s:?} is not a number (decimal or 0x…) or `random`")),
    }
}

/// Why a differing case does not fail the run: the known defect, if it has one.
fn known(case: &Case, v: Verdict, strict: bool) -> Option<&'static str> {
    if v == Verdict::DecimalOnly {
        if let Some(why) = DECIMAL_ONLY.iter().filter(|c| case.used.contains(c)).find_map(|c| known_broken(*c, strict)) {
            return Some(why);
        }
    }
    // Decimal constructs excuse only differences in Decimals (above), never other ones.
    case.used.iter().filter(|c| !DECIMAL_ONLY.contains(c)).find_map(|c| known_broken(*c, strict))
}

/// `s` cut to `max` characters (in-lists of 1000+ values make long queries).
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({} more characters)", &s[..i], s.len() - i),
        None => s.to_owned(),
    }
}

/// The full report of one case: seed, number, query, and per dialect what it sent and got.
fn report(seed: u64, n: u64, case: &Case, runners: &[Runner], outcomes: &[Outcome]) -> String {
    let mut s = format!("seed {seed:#x} case {n} (replay: ATHANOR_DIFF_SEED={seed:#x} ATHANOR_DIFF_CASE={n})\n");
    s += &format!("  constructs: {:?}\n  query: {}\n", case.used, clip(&format!("{case:?}"), 1500));
    for (r, o) in runners.iter().zip(outcomes) {
        s += &format!(
            "  [{:?}] sent: {}\n    got: {}\n",
            r.dialect,
            clip(r.compiled(case).trim_end(), 1500).replace('\n', "\n          "),
            show(o, 12)
        );
    }
    s
}

/// Runs the configured cases and panics with the report of every unexplained difference.
pub async fn run() {
    let seed = seed();
    let strict = env("ATHANOR_DIFF_STRICT").is_some_and(|v| v != "0");
    let verbose = env("ATHANOR_DIFF_VERBOSE").is_some_and(|v| v != "0");
    let cases = env("ATHANOR_DIFF_CASES").map(|s| parse_u64(&s).expect("ATHANOR_DIFF_CASES is a number")).unwrap_or(DEFAULT_CASES);
    let numbers: Vec<u64> = match env("ATHANOR_DIFF_CASE") {
        Some(one) => vec![parse_u64(&one).expect("ATHANOR_DIFF_CASE is a number")],
        None => (0..cases).collect(),
    };
    eprintln!("differential: seed {seed:#x}, {} case(s), strict: {strict}", numbers.len());
    let runners = runners::start_all().await;
    let mut failures = Vec::new();
    let mut known_seen: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    let mut refused = 0usize;
    for &n in &numbers {
        // Odd cases leave the known-broken constructs out, so they are compared strictly.
        let avoid = if n % 2 == 1 { construct::avoidable(strict) } else { Vec::new() };
        let case = gen::case(seed, n, avoid);
        let mut outcomes = Vec::with_capacity(runners.len());
        for r in &runners {
            outcomes.push(r.run(&case).await);
        }
        let outcomes: Vec<Outcome> = outcomes.into_iter().map(|o| if case.ordered() { o } else { o.sorted() }).collect();
        refused += outcomes.iter().filter(|o| matches!(o, Outcome::Unsupported(_))).count();
        let v = verdict(&outcomes);
        if v == Verdict::Agree {
            continue;
        }
        match known(&case, v, strict) {
            Some(why) => {
                let e = known_seen.entry(why).or_insert((0, n));
                e.0 += 1;
                if verbose {
                    eprintln!("known ({why}): {}", report(seed, n, &case, &runners, &outcomes));
                }
            }
            None => {
                let full = report(seed, n, &case, &runners, &outcomes);
                eprintln!("DIFFER ({v:?}) {full}");
                failures.push(full)
            }
        }
    }
    for r in runners {
        r.close().await;
    }
    eprintln!(
        "differential: {} case(s), {refused} refusal(s) (Unsupported before I/O), {} unexplained difference(s)",
        numbers.len(),
        failures.len()
    );
    for (why, (count, first)) in &known_seen {
        eprintln!("  known broken {why}: {count} case(s) differ, e.g. ATHANOR_DIFF_SEED={seed:#x} ATHANOR_DIFF_CASE={first}");
    }
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(10).collect();
        panic!(
            "{} case(s) of seed {seed:#x} differ between dialects (first {} below)\n\n{}",
            failures.len(),
            shown.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
}
