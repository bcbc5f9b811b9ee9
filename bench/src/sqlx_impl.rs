//! W1–W5 in raw sqlx on its default `MySqlPool` (the peer baseline's `rust-sqlx`), plus the
//! record type and multi-row INSERT builder shared with the bare-connection implementation.

use crate::data::{w2_id, w5_id, w5_values, NewOhlcv, BATCH, N_ROWS, T_W3, T_W4, W5_TX};
use crate::workload::{run_w2, Input, Res, Workload};
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use sqlx::mysql::{MySqlPool, MySqlRow};
use sqlx::{MySql, QueryBuilder, Row};

/// The typed record W1/W2 decode into (what `#[derive(sqlx::FromRow)]` would generate: by name).
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Ohlcv {
    pub id: i64,
    pub symbol: String,
    pub ts: NaiveDateTime,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
}

impl<'r> sqlx::FromRow<'r, MySqlRow> for Ohlcv {
    fn from_row(r: &'r MySqlRow) -> Result<Self, sqlx::Error> {
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
pub const SELECT_ALL: &str = "SELECT * FROM ohlcv_1m LIMIT 50000";
/// W2's statement.
pub const SELECT_ONE: &str = "SELECT * FROM ohlcv_1m WHERE id = ?";
/// W5's statement.
pub const UPDATE_ONE: &str = "UPDATE ohlcv_1m SET close = ?, volume = ? WHERE id = ?";

/// `INSERT INTO table (…) VALUES (…), …` for `rows`, with W4's `ON DUPLICATE KEY UPDATE` if `upsert`.
pub fn insert_query(table: &str, rows: &[NewOhlcv], upsert: bool) -> QueryBuilder<MySql> {
    let mut qb: QueryBuilder<MySql> = QueryBuilder::new(format!("INSERT INTO {table} (symbol, ts, open, high, low, close, volume) "));
    qb.push_values(rows, |mut b, r| {
        b.push_bind(&r.symbol).push_bind(r.ts).push_bind(r.open).push_bind(r.high).push_bind(r.low).push_bind(r.close).push_bind(r.volume);
    });
    if upsert {
        qb.push(
            " ON DUPLICATE KEY UPDATE open=VALUES(open), high=VALUES(high), low=VALUES(low), close=VALUES(close), volume=VALUES(volume)",
        );
    }
    qb
}

/// The table and upsert flag of W3/W4.
pub fn insert_target(w: Workload) -> (&'static str, bool) {
    if w == Workload::W3 {
        (T_W3, false)
    } else {
        (T_W4, true)
    }
}

/// Runs one timed repetition of `w` on `pool`.
pub async fn run(pool: &MySqlPool, w: Workload, rep: usize, imp: usize, input: &Input) -> Res<usize> {
    match w {
        Workload::W1 => {
            let rows: Vec<Ohlcv> = sqlx::query_as(SELECT_ALL).fetch_all(pool).await?;
            assert_eq!(rows.len(), N_ROWS);
            std::hint::black_box(&rows);
            Ok(rows.len())
        }
        Workload::W2 => {
            run_w2(pool.clone(), |pool: MySqlPool, k| async move {
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
                insert_query(table, chunk, upsert).build().execute(pool).await?;
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
