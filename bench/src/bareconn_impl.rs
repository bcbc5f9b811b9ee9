//! The floor: ten bare sqlx connections behind a semaphore, no liveness check on checkout or
//! return (the peer baseline's `rust-sqlx-bareconn`), for every workload. [`BarePool`] serves
//! MySQL here and PostgreSQL in `pg_impl`.

use crate::data::{w2_id, w5_id, w5_values, BATCH, N_ROWS, W5_TX};
use crate::sqlx_impl::{insert_query, insert_target, Ohlcv, SELECT_ALL, SELECT_ONE, UPDATE_ONE};
use crate::workload::{run_w2, Input, Res, Workload};
use sqlx::mysql::MySqlConnection;
use sqlx::Connection;
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The smallest pool there is: a semaphore over a stack of connections.
pub struct BarePool<C> {
    conns: Mutex<Vec<C>>,
    permits: Semaphore,
}

impl<C: Connection> BarePool<C> {
    /// Opens `n` connections.
    pub async fn connect(opts: &C::Options, n: usize) -> Res<Self> {
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            conns.push(C::connect_with(opts).await?);
        }
        Ok(BarePool { conns: Mutex::new(conns), permits: Semaphore::new(n) })
    }

    /// Checks a connection out (waits for a permit).
    pub async fn take(&self) -> (SemaphorePermit<'_>, C) {
        let permit = self.permits.acquire().await.expect("semaphore open");
        let conn = self.conns.lock().unwrap().pop().expect("a connection per permit");
        (permit, conn)
    }

    /// Returns a connection.
    pub fn give(&self, conn: C) {
        self.conns.lock().unwrap().push(conn);
    }

    /// Closes every connection.
    pub async fn close(&self) {
        let conns: Vec<_> = std::mem::take(&mut *self.conns.lock().unwrap());
        for c in conns {
            let _ = c.close().await;
        }
    }
}

/// Runs one timed repetition of `w`.
pub async fn run(bare: &Arc<BarePool<MySqlConnection>>, w: Workload, rep: usize, imp: usize, input: &Input) -> Res<usize> {
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
            run_w2(bare.clone(), |bare: Arc<BarePool<MySqlConnection>>, k| async move {
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
                insert_query(table, chunk, upsert).build().execute(&mut conn).await?;
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
