//! Shared by the PgBouncer tests: the PgBouncer URL, two seeded tables, and a concurrent
//! point-select load that checks every row it gets.
//!
//! PgBouncer runs in transaction mode on 127.0.0.1:6432 with 4 server sessions per database
//! (`scripts/pgbouncer/up`, started by `scripts/test`); `ATHANOR_PGBOUNCER_URL` overrides it.
#![allow(dead_code)]

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, Engine, Value};
use athanor_postgres::PgBackend;
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

#[path = "../common/mod.rs"]
pub mod common;

/// Rows in each seeded table.
pub const ROWS: i64 = 200;

/// PgBouncer's URL for database `test`, with `query` appended (`key=value&…`, may be empty).
pub fn pgbouncer_url(query: &str) -> String {
    let base = std::env::var("ATHANOR_PGBOUNCER_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:6432/test".into());
    match (query.is_empty(), base.contains('?')) {
        (true, _) => base,
        (false, true) => format!("{base}&{query}"),
        (false, false) => format!("{base}?{query}"),
    }
}

/// An engine through PgBouncer; fails the test with a hint when PgBouncer is not running.
pub async fn through_pgbouncer(query: &str) -> Engine {
    let e = common::engine_at(&pgbouncer_url(query));
    // The simple protocol (no statement at all), so that the named-statement control gets here.
    if let Err(err) = text("DO $$BEGIN END$$").execute(&e).await {
        panic!("PgBouncer is not answering at {} ({err}); start it with scripts/pgbouncer/up", pgbouncer_url(""));
    }
    e
}

/// True when the engine sends unnamed statements pinned in transactions (pooler mode).
pub fn behind_pooler(e: &Engine) -> bool {
    e.backend().as_any().downcast_ref::<PgBackend>().expect("a PostgreSQL engine").behind_pooler()
}

/// Two tables with different columns, seeded directly on PostgreSQL (not through PgBouncer).
pub struct Seeded {
    pub a: Table,
    pub b: Table,
}

fn day(id: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().checked_add_days(Days::new(id as u64)).unwrap()
}

fn amount(id: i64) -> Decimal {
    Decimal::new(id * 10_001, 4)
}

fn score(id: i64) -> f64 {
    id as f64 * 0.5
}

impl Seeded {
    /// The two tables' definitions under these names (made by [`Seeded::create`]).
    pub fn named(a: &str, b: &str) -> Seeded {
        let a = Table::new(a.to_owned())
            .column(ColumnDef::new("id", ColumnType::I64))
            .column(ColumnDef::new("name", ColumnType::String { max_len: None }))
            .column(ColumnDef::new("score", ColumnType::F64))
            .column(ColumnDef::new("tag", ColumnType::Uuid))
            .primary_key(["id"]);
        let b = Table::new(b.to_owned())
            .column(ColumnDef::new("id", ColumnType::I64))
            .column(ColumnDef::new("label", ColumnType::String { max_len: None }))
            .column(ColumnDef::new("day", ColumnType::Date))
            .column(ColumnDef::new("amount", ColumnType::Decimal { precision: Some(20), scale: Some(4) }))
            .primary_key(["id"]);
        Seeded { a, b }
    }

    pub async fn create() -> Seeded {
        let direct = common::engine();
        let Seeded { a, b } = Seeded::named(&common::unique("pgb_a"), &common::unique("pgb_b"));
        direct.create_all(&[&a, &b]).await.unwrap();
        let mut qa = insert_into(&a).columns(["id", "name", "score", "tag"]);
        let mut qb = insert_into(&b).columns(["id", "label", "day", "amount"]);
        for id in 1..=ROWS {
            qa = qa.values(vec![
                Value::I64(id),
                Value::from(format!("a{id}")),
                Value::F64(score(id)),
                Value::Uuid(Uuid::from_u128(id as u128)),
            ]);
            qb = qb.values(vec![Value::I64(id), Value::from(format!("b{id}")), Value::Date(day(id)), Value::Decimal(amount(id))]);
        }
        qa.execute(&direct).await.unwrap();
        qb.execute(&direct).await.unwrap();
        direct.dispose().await;
        Seeded { a, b }
    }

    pub async fn drop(self) {
        let direct = common::engine();
        direct.drop_all(&[&self.a, &self.b]).await.unwrap();
        direct.dispose().await;
    }

    /// Runs query shape `shape` for row `id` and returns (what came back, what should have).
    /// The shapes differ in tables, columns, column order and parameter types; several share
    /// their parameter types, so a statement bound on the wrong server session still binds.
    pub async fn point_select(&self, e: &Engine, shape: usize, id: i64) -> athanor_core::Result<(Vec<Vec<Value>>, Vec<Value>)> {
        let (a, b) = (&self.a, &self.b);
        let i = Value::I64(id);
        let (q, want) = match shape % 8 {
            0 => (select(a).columns([col("id"), col("name")]).filter(col("id").eq(id)), vec![i, Value::from(format!("a{id}"))]),
            1 => (select(b).columns([col("id"), col("label")]).filter(col("id").eq(id)), vec![i, Value::from(format!("b{id}"))]),
            2 => (select(a).columns([col("id")]).filter(col("name").eq(format!("a{id}"))), vec![i]),
            3 => (
                select(a).columns([col("id"), col("score")]).filter(col("id").eq(id).and(col("score").ge(score(id)))),
                vec![i, Value::F64(score(id))],
            ),
            4 => (select(b).columns([col("id"), col("amount")]).filter(col("day").eq(day(id))), vec![i, Value::Decimal(amount(id))]),
            5 => (
                select(a).columns([col("id"), col("name")]).filter(col("tag").eq(Uuid::from_u128(id as u128))),
                vec![i, Value::from(format!("a{id}"))],
            ),
            6 => {
                let rows = text("SELECT :x::bigint * 2 AS v, :y::text AS w").bind("x", id).bind("y", format!("r{id}")).fetch_all(e).await?;
                return Ok((rows.into_iter().map(|r| r.into_values()).collect(), vec![Value::I64(id * 2), Value::from(format!("r{id}"))]));
            }
            _ => (select(b).columns([col("label"), col("id")]).filter(col("id").eq(id)), vec![Value::from(format!("b{id}")), i]),
        };
        let rows = q.all(e).await?;
        Ok((rows.into_iter().map(|r| r.into_values()).collect(), want))
    }
}

/// What a load run saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub ok: usize,
    pub wrong: usize,
    pub errors: Vec<String>,
    /// A few wrong rows, for the failure message.
    pub wrong_examples: Vec<String>,
}

/// `tasks` concurrent tasks, task `t` on engine `t % engines.len()`, each running `per_task`
/// point selects over all shapes and ids; every row is checked.
pub async fn load(seeded: &std::sync::Arc<Seeded>, engines: &[Engine], tasks: usize, per_task: usize) -> Outcome {
    let mut handles = Vec::new();
    for t in 0..tasks {
        let e = engines[t % engines.len()].clone();
        let s = seeded.clone();
        handles.push(tokio::spawn(async move {
            let mut out = Outcome::default();
            for j in 0..per_task {
                let id = ((t * 31 + j * 17) as i64 % ROWS) + 1;
                match s.point_select(&e, t + j, id).await {
                    Ok((rows, want)) if rows.len() == 1 && rows[0] == want => out.ok += 1,
                    Ok((rows, want)) => {
                        out.wrong += 1;
                        if out.wrong_examples.len() < 3 {
                            out.wrong_examples.push(format!("shape {} id {id}: got {rows:?}, want [{want:?}]", (t + j) % 8));
                        }
                    }
                    Err(err) => out.errors.push(err.to_string()),
                }
            }
            out
        }));
    }
    let mut total = Outcome::default();
    for h in handles {
        let o = h.await.unwrap();
        total.ok += o.ok;
        total.wrong += o.wrong;
        total.errors.extend(o.errors);
        total.wrong_examples.extend(o.wrong_examples.into_iter().take(3usize.saturating_sub(total.wrong_examples.len())));
    }
    total
}
