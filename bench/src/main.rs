//! `athanor-bench`: the peer workloads W1–W5 (../shared/bench/WORKLOADS.md) for Athanor, raw sqlx
//! and ten bare connections, interleaved in one process.
//!
//! ```text
//! cargo run --release -p athanor-bench -- --url mysql://root@127.0.0.1:3306/athanor_bench \
//!     [--workloads W1,W3] [--reps 5] [--warmup 1] [--impls athanor,sqlx,bareconn,athanor-noping] [--diag]
//! cargo run --release -p athanor-bench -- --url postgresql://postgres@127.0.0.1:5432/athanor_bench
//! cargo run --release -p athanor-bench -- --url sqlite://        # W1, W3, W4: Athanor and sqlx-sqlite
//! ```
//!
//! For each workload: the warm-up rounds, then `reps` rounds; in each round every implementation
//! runs once (untimed set-up first), in an order that rotates from round to round. Prints one
//! JSON line per (implementation, workload) with the median, then a Markdown table of ratios.

mod athanor_impl;
mod bareconn_impl;
mod data;
mod diag;
mod models;
mod mysql_setup;
mod pg_impl;
mod pg_setup;
mod report;
mod sqlite_impl;
mod sqlx_impl;
mod workload;

use athanor::{Engine, EngineOptions};
use data::POOL_SIZE;
use report::Measurement;
use std::sync::Arc;
use std::time::Instant;
use workload::{input_for, Impl, Res, Workload};

/// Command-line arguments.
struct Args {
    url: String,
    workloads: Vec<Workload>,
    impls: Option<Vec<Impl>>,
    reps: usize,
    warmup: usize,
    diag: bool,
}

const USAGE: &str = "usage: athanor-bench --url <mysql://…|postgresql://…|sqlite://…> [--workloads W1,W3] [--reps N] [--warmup N] [--impls athanor,sqlx,bareconn,athanor-noping] [--diag]";

fn parse_args() -> Res<Args> {
    let mut a = Args { url: String::new(), workloads: Workload::ALL.to_vec(), impls: None, reps: 5, warmup: 1, diag: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--url" => a.url = value()?,
            "--workloads" => a.workloads = value()?.split(',').map(Workload::parse).collect::<Res<_>>()?,
            "--impls" => a.impls = Some(value()?.split(',').map(Impl::parse).collect::<Res<_>>()?),
            "--reps" => a.reps = value()?.parse::<usize>()?.max(1),
            "--warmup" => a.warmup = value()?.parse()?,
            "--diag" => a.diag = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}").into()),
        }
    }
    if a.url.is_empty() {
        return Err(USAGE.into());
    }
    Ok(a)
}

/// Everything the implementations run on.
enum Db {
    MySql {
        setup: tokio::sync::Mutex<sqlx::MySqlConnection>,
        pool: sqlx::MySqlPool,
        bare: Option<Arc<bareconn_impl::BarePool<sqlx::MySqlConnection>>>,
        noping: Option<Engine>,
    },
    Postgres {
        setup: tokio::sync::Mutex<sqlx::PgConnection>,
        pool: sqlx::PgPool,
        bare: Option<Arc<bareconn_impl::BarePool<sqlx::PgConnection>>>,
        noping: Option<Engine>,
    },
    Sqlite {
        pool: sqlx::SqlitePool,
    },
}

struct Ctx {
    engine: Engine,
    db: Db,
}

fn pool_options() -> EngineOptions {
    EngineOptions::new().max_connections(POOL_SIZE).min_connections(POOL_SIZE)
}

async fn open(args: &Args, impls: &[Impl]) -> Res<Ctx> {
    if args.url.starts_with("sqlite") {
        let engine = athanor::create_engine_with(&args.url, pool_options())?;
        let ddl = sqlite_impl::prepare_athanor(&engine).await?;
        eprintln!("SQLite tables from the models (create_all):\n  {}", ddl.join("\n  "));
        let pool = sqlite_impl::pool(&args.url, POOL_SIZE).await?;
        sqlite_impl::prepare_sqlx(&pool, &ddl).await?;
        return Ok(Ctx { engine, db: Db::Sqlite { pool } });
    }
    if args.url.starts_with("postgres") {
        return open_pg(args, impls).await;
    }
    let t = mysql_setup::target(&args.url)?;
    let setup = mysql_setup::prepare(&t).await?;
    let engine = athanor::create_engine_with(&t.athanor_url, pool_options())?;
    show_model_ddl(&engine);
    let pool =
        sqlx::mysql::MySqlPoolOptions::new().max_connections(POOL_SIZE).min_connections(POOL_SIZE).connect_with(t.opts.clone()).await?;
    let bare = match impls.contains(&Impl::BareConn) {
        true => Some(Arc::new(bareconn_impl::BarePool::connect(&t.opts, POOL_SIZE as usize).await?)),
        false => None,
    };
    let noping = match impls.contains(&Impl::AthanorNoPing) {
        true => Some(athanor::create_engine_with(&t.athanor_url, pool_options().pre_ping(false))?),
        false => None,
    };
    Ok(Ctx { engine, db: Db::MySql { setup: tokio::sync::Mutex::new(setup), pool, bare, noping } })
}

async fn open_pg(args: &Args, impls: &[Impl]) -> Res<Ctx> {
    let t = pg_setup::target(&args.url)?;
    let setup = pg_setup::prepare(&t).await?;
    let engine = athanor::create_engine_with(&t.athanor_url, pool_options())?;
    let pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(POOL_SIZE).min_connections(POOL_SIZE).connect_with(t.opts.clone()).await?;
    let bare = match impls.contains(&Impl::BareConn) {
        true => Some(Arc::new(bareconn_impl::BarePool::connect(&t.opts, POOL_SIZE as usize).await?)),
        false => None,
    };
    let noping = match impls.contains(&Impl::AthanorNoPing) {
        true => Some(athanor::create_engine_with(&t.athanor_url, pool_options().pre_ping(false))?),
        false => None,
    };
    Ok(Ctx { engine, db: Db::Postgres { setup: tokio::sync::Mutex::new(setup), pool, bare, noping } })
}

/// Prints what `create_all` would emit for the model, next to WORKLOADS.md's DDL (the tables are
/// created with the latter: see the report for the differences).
fn show_model_ddl(engine: &Engine) {
    use athanor::Model;
    let stmt = athanor::ast::Statement::CreateTable(Arc::new(models::Candle::table().clone()));
    match engine.compile(&stmt) {
        Ok(c) => eprintln!("create_all would emit:\n  {c}\ncreated instead (WORKLOADS.md):\n  {}", mysql_setup::create_sql(data::T_MAIN)),
        Err(e) => eprintln!("create_all DDL does not compile: {e}"),
    }
}

/// Untimed set-up before one repetition of `w` by `imp`.
async fn before_rep(ctx: &Ctx, imp: Impl, w: Workload) -> Res<()> {
    match &ctx.db {
        Db::MySql { setup, .. } => mysql_setup::before_rep(&mut *setup.lock().await, w).await,
        Db::Postgres { setup, .. } => pg_setup::before_rep(&mut *setup.lock().await, w).await,
        Db::Sqlite { pool } if imp == Impl::Sqlx => sqlite_impl::before_rep_sqlx(pool, w).await,
        Db::Sqlite { .. } => sqlite_impl::before_rep_athanor(&ctx.engine, w).await,
    }
}

/// One repetition of `w` by `imp`: set-up, input, then the timed part. Returns (rows, seconds).
async fn run_once(ctx: &Ctx, imp: Impl, w: Workload, rep: usize) -> Res<(usize, f64)> {
    before_rep(ctx, imp, w).await?;
    let input = input_for(w, rep, imp);
    let t0 = Instant::now();
    let rows = match (&ctx.db, imp) {
        (_, Impl::Athanor) => athanor_impl::run(&ctx.engine, w, rep, imp.index(), &input).await?,
        (Db::MySql { noping: Some(e), .. }, Impl::AthanorNoPing) => athanor_impl::run(e, w, rep, imp.index(), &input).await?,
        (Db::MySql { pool, .. }, Impl::Sqlx) => sqlx_impl::run(pool, w, rep, imp.index(), &input).await?,
        (Db::MySql { bare: Some(b), .. }, Impl::BareConn) => bareconn_impl::run(b, w, rep, imp.index(), &input).await?,
        (Db::Postgres { noping: Some(e), .. }, Impl::AthanorNoPing) => athanor_impl::run(e, w, rep, imp.index(), &input).await?,
        (Db::Postgres { pool, .. }, Impl::Sqlx) => pg_impl::run_pool(pool, w, rep, imp.index(), &input).await?,
        (Db::Postgres { bare: Some(b), .. }, Impl::BareConn) => pg_impl::run_bare(b, w, rep, imp.index(), &input).await?,
        (Db::Sqlite { pool }, Impl::Sqlx) => sqlite_impl::run(pool, w, &input).await?,
        (_, other) => return Err(format!("{} does not run on this database", other.name()).into()),
    };
    let secs = t0.elapsed().as_secs_f64();
    drop(input);
    Ok((rows, secs))
}

/// The implementation run `j`-th in round `round`: the order rotates each round and runs backwards
/// every other block of `n` rounds, so each implementation starts a round as often as the others
/// and follows each of them equally often (what ran just before changes the server's and CPU's
/// state; a plain rotation of three has one always following the same other).
fn run_order(n: usize, round: usize, j: usize) -> usize {
    let forward = (round / n).is_multiple_of(2);
    let pos = if forward { j } else { n - 1 - j };
    (pos + round) % n
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("athanor-bench: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Res<()> {
    let args = parse_args()?;
    let sqlite = args.url.starts_with("sqlite");
    let impls = args.impls.clone().unwrap_or_else(|| match sqlite {
        true => vec![Impl::Athanor, Impl::Sqlx],
        false => vec![Impl::Athanor, Impl::Sqlx, Impl::BareConn],
    });
    if sqlite && impls.iter().any(|i| !matches!(i, Impl::Athanor | Impl::Sqlx)) {
        return Err("SQLite runs athanor and sqlx only".into());
    }
    let ctx = open(&args, &impls).await?;
    if args.diag {
        return diag::run(&ctx.engine);
    }
    let mut all = Vec::new();
    for (wi, &w) in args.workloads.iter().enumerate() {
        if sqlite && matches!(w, Workload::W2 | Workload::W5) {
            eprintln!("{}: skipped on SQLite (W1, W3, W4 only)", w.name());
            continue;
        }
        let mut ms: Vec<Measurement> = impls.iter().map(|&imp| Measurement { imp, workload: w, rows: 0, samples: Vec::new() }).collect();
        for round in 0..args.warmup + args.reps {
            for j in 0..impls.len() {
                let k = run_order(impls.len(), round + wi, j);
                let (rows, secs) = run_once(&ctx, impls[k], w, round).await?;
                if round >= args.warmup {
                    ms[k].rows = rows;
                    ms[k].samples.push(secs);
                }
            }
        }
        for m in &ms {
            println!("{}", m.json_line());
        }
        all.extend(ms);
    }
    println!();
    print!("{}", report::table(&all, &impls, &args.workloads));
    ctx.engine.dispose().await;
    match &ctx.db {
        Db::MySql { pool, bare, noping, .. } => {
            pool.close().await;
            if let Some(b) = bare {
                b.close().await;
            }
            if let Some(e) = noping {
                e.dispose().await;
            }
        }
        Db::Postgres { pool, bare, noping, .. } => {
            pool.close().await;
            if let Some(b) = bare {
                b.close().await;
            }
            if let Some(e) = noping {
                e.dispose().await;
            }
        }
        Db::Sqlite { .. } => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::run_order;

    #[test]
    fn every_implementation_follows_every_other_equally_often() {
        let n = 3;
        let mut follows = [[0; 3]; 3];
        let mut first = [0; 3];
        for round in 0..2 * n {
            let order: Vec<usize> = (0..n).map(|j| run_order(n, round, j)).collect();
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2], "round {round} runs each implementation once");
            first[order[0]] += 1;
            for w in order.windows(2) {
                follows[w[1]][w[0]] += 1;
            }
        }
        assert_eq!(first, [2, 2, 2]);
        for (a, row) in follows.iter().enumerate() {
            for (b, &count) in row.iter().enumerate() {
                assert_eq!(count, if a == b { 0 } else { 2 }, "{a} after {b}");
            }
        }
    }
}
