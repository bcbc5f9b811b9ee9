//! W1–W5 in raw sqlx-postgres, on its default `PgPool` (`sqlx`) and on ten bare connections
//! (`bareconn`). Bulk writes bind one array per column through `unnest`, as sqlx's FAQ advises
//! for PostgreSQL (multi-row `VALUES` is PostgreSQL's slowest bulk path: see bench/README.md).

use crate::bareconn_impl::BarePool;
use crate::data::{w2_id, w5_id, w5_values, NewOhlcv, BATCH, N_ROWS, W5_TX};
use crate::sqlx_impl::{insert_target, Ohlcv};
use crate::workload::{run_w2, Input, Res, Workload};
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Connection, Postgres, Row};
use std::sync::Arc;

impl<'r> sqlx::FromRow<'r, PgRow> for Ohlcv {
    fn from_row(r: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(Ohlcv {
            id: r.try_get("id")?,
            symbol: r.try_get("symbol")?,
            ts: r.try_get("ts")?,
            open: r.try_get("open")?,
            high: r.try_get("high")?,
            low: r.try_get("low")?,
            close: r.try_get("close")?,
            volume: r.try_get("volume")?,
        })
    }
}

/// W1's statement.
const SELECT_ALL: &str = "SELECT * FROM ohlcv_1m LIMIT 50000";
/// W2's statement.
const SELECT_ONE: &str = "SELECT * FROM ohlcv_1m WHERE id = $1";
/// W5's statement.
const UPDATE_ONE: &str = "UPDATE ohlcv_1m SET close = $1, volume = $2 WHERE id = $3";

/// `INSERT … SELECT * FROM unnest($1::varchar[], …)` of `rows`, with W4's `ON CONFLICT (symbol, ts)
/// DO UPDATE` if `upsert`.
pub fn insert_query(table: &str, rows: &[NewOhlcv], upsert: bool) -> Query<'static, Postgres, PgArguments> {
    let mut sql = format!(
        "INSERT INTO {table} (symbol, ts, open, high, low, close, volume) SELECT * FROM unnest($1::varchar[], $2::timestamp[], \
         $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[])"
    );
    if upsert {
        sql.push_str(
            " ON CONFLICT (symbol, ts) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, \
             close = EXCLUDED.close, volume = EXCLUDED.volume",
        );
    }
    let col = |f: fn(&NewOhlcv) -> rust_decimal::Decimal| rows.iter().map(f).collect::<Vec<_>>();
    sqlx::query(AssertSqlSafe(sql))
        .bind(rows.iter().map(|r| r.symbol.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.ts).collect::<Vec<_>>())
        .bind(col(|r| r.open))
        .bind(col(|r| r.high))
        .bind(col(|r| r.low))
        .bind(col(|r| r.close))
        .bind(col(|r| r.volume))
}

/// Runs one timed repetition of `w` on sqlx's `PgPool`.
pub async fn run_pool(pool: &PgPool, w: Workload, rep: usize, imp: usize, input: &Input) -> Res<usize> {
    match w {
        Workload::W1 => {
            let rows: Vec<Ohlcv> = sqlx::query_as(SELECT_ALL).fetch_all(pool).await?;
            assert_eq!(rows.len(), N_ROWS);
            std::hint::black_box(&rows);
            Ok(rows.len())
        }
        Workload::W2 => {
            run_w2(pool.clone(), |pool: PgPool, k| async move {
                let r: Ohlcv = sqlx::query_as(SELECT_ONE).bind(w2_id(k)).fetch_one(&pool).await?;
                debug_assert_eq!(r.id, w2_id(k));
                std::hint::black_box(&r);
                Ok::<(), sqlx::Error>(())
            })
            .await
        }
        Workload::W3 | Workload::W4 => {
            let Input::Raw(rows) = input else { unreachable!("raw input") };
            let (table, upsert) = insert_target(w);
            for chunk in rows.chunks(BATCH) {
                insert_query(table, chunk, upsert).execute(pool).await?;
            }
            Ok(rows.len())
        }
        Workload::W5 => {
            for k in 0..W5_TX {
                let (c, v) = w5_values(k, rep, imp);
                let mut tx = pool.begin().await?;
                let n = sqlx::query(UPDATE_ONE).bind(c).bind(v).bind(w5_id(k)).execute(&mut *tx).await?.rows_affected();
                assert_eq!(n, 1);
                tx.commit().await?;
            }
            Ok(W5_TX)
        }
    }
}

/// Runs one timed repetition of `w` on ten bare connections.
pub async fn run_bare(bare: &Arc<BarePool<PgConnection>>, w: Workload, rep: usize, imp: usize, input: &Input) -> Res<usize> {
    match w {
        Workload::W1 => {
            let (permit, mut conn) = bare.take().await;
            let rows: Vec<Ohlcv> = sqlx::query_as(SELECT_ALL).fetch_all(&mut conn).await?;
            bare.give(conn);
            drop(permit);
            assert_eq!(rows.len(), N_ROWS);
            std::hint::black_box(&rows);
            Ok(rows.len())
        }
        Workload::W2 => {
            run_w2(bare.clone(), |bare: Arc<BarePool<PgConnection>>, k| async move {
                let (permit, mut conn) = bare.take().await;
                let r: Ohlcv = sqlx::query_as(SELECT_ONE).bind(w2_id(k)).fetch_one(&mut conn).await?;
                bare.give(conn);
                drop(permit);
                std::hint::black_box(&r);
                Ok::<(), sqlx::Error>(())
            })
            .await
        }
        Workload::W3 | Workload::W4 => {
            let Input::Raw(rows) = input else { unreachable!("raw input") };
            let (table, upsert) = insert_target(w);
            for chunk in rows.chunks(BATCH) {
                let (permit, mut conn) = bare.take().await;
                insert_query(table, chunk, upsert).execute(&mut conn).await?;
                bare.give(conn);
                drop(permit);
            }
            Ok(rows.len())
        }
        Workload::W5 => {
            for k in 0..W5_TX {
                let (c, v) = w5_values(k, rep, imp);
                let (permit, mut conn) = bare.take().await;
                {
                    let mut tx = conn.begin().await?;
                    let n = sqlx::query(UPDATE_ONE).bind(c).bind(v).bind(w5_id(k)).execute(&mut *tx).await?.rows_affected();
                    assert_eq!(n, 1);
                    tx.commit().await?;
                }
                bare.give(conn);
                drop(permit);
            }
            Ok(W5_TX)
        }
    }
}
