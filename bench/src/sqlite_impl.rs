//! SQLite: W1/W3/W4 in raw sqlx-sqlite, and the set-up of both SQLite databases (Athanor's and
//! sqlx's: an in-memory database is private to its pool, so each implementation gets its own,
//! with the same tables — the DDL Athanor's `create_all` emits — and the same 50,000 rows).

use crate::data::{gen_rows, NewOhlcv, BATCH, N_ROWS, T_MAIN, T_W3, T_W4, W4_PRESEED};
use crate::models::{Candle, CandleW3, CandleW4};
use crate::sqlx_impl::{insert_target, Ohlcv, SELECT_ALL};
use crate::workload::{Input, Res, Workload};
use athanor::prelude::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, QueryBuilder, Row, Sqlite};
use std::str::FromStr;
use std::time::Duration;

fn decimal(r: &SqliteRow, i: usize) -> Result<Decimal, sqlx::Error> {
    // NUMERIC affinity stores these values as REAL; same conversion as Athanor's SQLite decoder.
    let f: f64 = r.try_get_unchecked(i)?;
    Decimal::from_str(&f.to_string()).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for Ohlcv {
    fn from_row(r: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(Ohlcv {
            id: r.try_get(0)?,
            symbol: r.try_get(1)?,
            ts: r.try_get_unchecked(2)?,
            open: decimal(r, 3)?,
            high: decimal(r, 4)?,
            low: decimal(r, 5)?,
            close: decimal(r, 6)?,
            volume: decimal(r, 7)?,
        })
    }
}

/// The sqlx pool for `url` (`sqlite://` = in-memory, one connection; a file URL gets a sibling
/// file `<path>.sqlx` with WAL and a pool of `size`).
pub async fn pool(url: &str, size: u32) -> Res<SqlitePool> {
    let path = url.split_once("://").map(|(_, p)| p).unwrap_or("");
    let path = path.split('?').next().unwrap_or("").strip_prefix('/').unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?;
        return Ok(SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?);
    }
    let opts = SqliteConnectOptions::new()
        .filename(format!("{path}.sqlx"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    Ok(SqlitePoolOptions::new().max_connections(size).min_connections(size).connect_with(opts).await?)
}

fn insert_query(table: &str, rows: &[NewOhlcv], upsert: bool) -> QueryBuilder<Sqlite> {
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!("INSERT INTO {table} (symbol, ts, open, high, low, close, volume) "));
    qb.push_values(rows, |mut b, r| {
        b.push_bind(&r.symbol)
            .push_bind(r.ts)
            .push_bind(r.open.normalize().to_string())
            .push_bind(r.high.normalize().to_string())
            .push_bind(r.low.normalize().to_string())
            .push_bind(r.close.normalize().to_string())
            .push_bind(r.volume.normalize().to_string());
    });
    if upsert {
        qb.push(
            " ON CONFLICT (symbol, ts) DO UPDATE SET open=excluded.open, high=excluded.high, low=excluded.low, \
             close=excluded.close, volume=excluded.volume",
        );
    }
    qb
}

/// Creates Athanor's tables from the models and seeds `ohlcv_1m`; returns the DDL it ran, which
/// the sqlx database then copies.
pub async fn prepare_athanor(engine: &Engine) -> Res<Vec<String>> {
    let tables = [Candle::table(), CandleW3::table(), CandleW4::table()];
    engine.drop_all(&tables).await?;
    engine.create_all(&tables).await?;
    let rows: Vec<Candle> = gen_rows(0..N_ROWS, 0).into_iter().map(Into::into).collect();
    for chunk in rows.chunks(BATCH) {
        Candle::insert_many(chunk).execute(engine).await?;
    }
    assert_eq!(Candle::select().count(engine).await?, N_ROWS as u64);
    let mut ddl = Vec::new();
    for t in tables {
        let stmt = athanor::ast::Statement::CreateTable(std::sync::Arc::new(t.clone()));
        match engine.compile(&stmt)? {
            athanor::Compiled::Sql(q) => ddl.push(q.sql),
            athanor::Compiled::Script(qs) => ddl.extend(qs.into_iter().map(|q| q.sql)),
            other => return Err(format!("unexpected DDL {other}").into()),
        }
    }
    Ok(ddl)
}

/// Creates the sqlx database's tables with `ddl` and seeds `ohlcv_1m`.
pub async fn prepare_sqlx(pool: &SqlitePool, ddl: &[String]) -> Res<()> {
    for t in [T_MAIN, T_W3, T_W4] {
        sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE IF EXISTS {t}"))).execute(pool).await?;
    }
    for sql in ddl {
        // A raw sqlx connection has none of the functions and collations Athanor registers;
        // the raw side only stores and reads the decimal text back.
        let sql = sql.replace(" COLLATE \"athanor_decimal\"", "");
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(pool).await?;
    }
    let rows = gen_rows(0..N_ROWS, 0);
    for chunk in rows.chunks(BATCH) {
        insert_query(T_MAIN, chunk, false).build().execute(pool).await?;
    }
    Ok(())
}

/// Before each Athanor repetition: empty W3's table; empty and pre-fill W4's.
pub async fn before_rep_athanor(engine: &Engine, w: Workload) -> Res<()> {
    match w {
        Workload::W3 => {
            CandleW3::delete().all_rows().execute(engine).await?;
        }
        Workload::W4 => {
            CandleW4::delete().all_rows().execute(engine).await?;
            let rows: Vec<CandleW4> = gen_rows(0..W4_PRESEED, 0).into_iter().map(Into::into).collect();
            CandleW4::insert_many(&rows).execute(engine).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Before each sqlx repetition: the same, in raw SQL.
pub async fn before_rep_sqlx(pool: &SqlitePool, w: Workload) -> Res<()> {
    match w {
        Workload::W3 => {
            sqlx::raw_sql(AssertSqlSafe(format!("DELETE FROM {T_W3}"))).execute(pool).await?;
        }
        Workload::W4 => {
            sqlx::raw_sql(AssertSqlSafe(format!("DELETE FROM {T_W4}"))).execute(pool).await?;
            let rows = gen_rows(0..W4_PRESEED, 0);
            for chunk in rows.chunks(BATCH) {
                insert_query(T_W4, chunk, false).build().execute(pool).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Runs one timed repetition of W1, W3 or W4 in raw sqlx-sqlite.
pub async fn run(pool: &SqlitePool, w: Workload, input: &Input) -> Res<usize> {
    match w {
        Workload::W1 => {
            let rows: Vec<Ohlcv> = sqlx::query_as(SELECT_ALL).fetch_all(pool).await?;
            assert_eq!(rows.len(), N_ROWS);
            std::hint::black_box(&rows);
            Ok(rows.len())
        }
        Workload::W3 | Workload::W4 => {
            let Input::Raw(rows) = input else { unreachable!("raw input") };
            let (table, upsert) = insert_target(w);
            for chunk in rows.chunks(BATCH) {
                insert_query(table, chunk, upsert).build().execute(pool).await?;
            }
            Ok(rows.len())
        }
        other => Err(format!("{} is not run on SQLite", other.name()).into()),
    }
}
