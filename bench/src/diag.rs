//! `--diag`: client-side cost of building and compiling each workload's statement through
//! Athanor's public API (`Model::select()/insert_many()/update()` + `engine.compile`), without I/O.
//! Tells how much of a workload's Athanor/sqlx gap is statement construction and SQL generation.

use crate::data::{gen_rows, w2_id, w5_id, w5_values, BATCH};
use crate::models::{Candle, CandleW3, CandleW4};
use crate::workload::Res;
use athanor::prelude::*;
use std::time::Instant;

/// Seconds per call of `f`, or NaN when it fails (a PostgreSQL upsert without a target needs the
/// catalog, which `compile` does not read).
fn per_call<T, F: FnMut(usize) -> athanor::Result<T>>(n: usize, f: F) -> Res<f64> {
    Ok(try_per_call(n, f).unwrap_or(f64::NAN))
}

fn try_per_call<T, F: FnMut(usize) -> athanor::Result<T>>(n: usize, mut f: F) -> athanor::Result<f64> {
    for i in 0..n.min(100) {
        std::hint::black_box(f(i)?);
    }
    let t0 = Instant::now();
    for i in 0..n {
        std::hint::black_box(f(i)?);
    }
    Ok(t0.elapsed().as_secs_f64() / n as f64)
}

/// Prints microseconds per statement built + compiled, and the total per workload repetition.
pub fn run(engine: &Engine) -> Res<()> {
    let w3: Vec<CandleW3> = gen_rows(0..BATCH, 0).into_iter().map(Into::into).collect();
    let w4: Vec<CandleW4> = gen_rows(0..BATCH, 1).into_iter().map(Into::into).collect();
    let rows: [(&str, usize, f64); 7] = [
        ("W3 insert_many 1,000, build only", 50, per_call(200, |_| Ok(CandleW3::insert_many(&w3)))?),
        ("W1 select 50k", 1, per_call(2_000, |_| engine.compile(&Candle::select().limit(50_000)))?),
        (
            "W1 tuple projection (ts, close) 50k",
            1,
            per_call(2_000, |_| engine.compile(&Candle::select().columns((Candle::TS, Candle::CLOSE)).limit(50_000)))?,
        ),
        ("W2 point select", 10_000, per_call(20_000, |k| engine.compile(&Candle::select().filter(Candle::ID.eq(w2_id(k))).limit(2)))?),
        ("W3 insert_many 1,000", 50, per_call(200, |_| engine.compile(&CandleW3::insert_many(&w3)))?),
        (
            "W4 upsert 1,000",
            10,
            per_call(200, |_| {
                let q = CandleW4::insert_many(&w4).on_conflict_update(["open", "high", "low", "close", "volume"]);
                engine.compile(&q)
            })?,
        ),
        (
            "W5 update",
            1_000,
            per_call(20_000, |k| {
                let (c, v) = w5_values(k, 0, 0);
                engine.compile(&Candle::update().set(Candle::CLOSE, c).set(Candle::VOLUME, v).filter(Candle::ID.eq(w5_id(k))))
            })?,
        ),
    ];
    println!("| statement | µs per build+compile | statements per rep | ms per rep |\n|---|---:|---:|---:|");
    for (name, n, secs) in rows {
        println!("| {name} | {:.1} | {n} | {:.2} |", secs * 1e6, secs * n as f64 * 1e3);
    }
    Ok(())
}
