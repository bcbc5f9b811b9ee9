//! Cancellation and pool exhaustion on the shared MariaDB (unique table names): a bulk insert and a
//! transaction cancelled at many of their await points are all-or-nothing (checked by counting rows),
//! and a pool held at its limit answers `PoolTimeout` in bounded time and recovers.
//!
//! The cancelling engines talk through a fault proxy adding 1 ms per chunk, so that every round trip is an
//! await point whatever the load of the machine (on a busy machine a local reply can otherwise be there
//! before the read, and the sweep would skip points).

mod fault_support;

use std::time::{Duration, Instant};

use athanor::prelude::*;
use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{insert_into, select, Error, Value};
use athanor_testkit::{FaultProxy, Mode};
use fault_support::{cancel_at_pending, serial, unique, within, SHARED_MYSQL};

/// An engine on the shared server through a proxy adding 1 ms to each chunk; keep the proxy alive.
fn slowed_engine() -> (FaultProxy, Engine) {
    let proxy = FaultProxy::start("127.0.0.1:3306".parse().unwrap());
    proxy.set_mode(Mode::Latency(Duration::from_millis(1)));
    let e = create_engine(&format!("mysql://root@{}/test?maxsize=3", proxy.addr())).unwrap();
    (proxy, e)
}

fn table(prefix: &str) -> Table {
    Table::new(unique(prefix))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("trial", ColumnType::I64))
        .column(ColumnDef::new("note", ColumnType::String { max_len: Some(16) }))
        .primary_key(["id"])
}

async fn rows_of(e: &Engine, t: &Table, trial: i64) -> u64 {
    within(15, "count", select(t).filter(col("trial").eq(trial)).count(e)).await.unwrap()
}

/// The await points swept: every one up to 12, then a widening step.
fn points() -> impl Iterator<Item = usize> {
    (0..12).chain((1..).map(|k| 12 + k * k * 3))
}

#[tokio::test]
async fn bulk_insert_cancelled_at_many_points_is_all_or_nothing() {
    let _serial = serial().await;
    let (_proxy, e) = slowed_engine();
    let t = table("fault_bulk");
    within(30, "create", e.create_all(&[&t])).await.unwrap();
    // 3 columns: 21,845 rows per statement, so 50,000 rows take three chunks.
    const ROWS: i64 = 50_000;
    let (mut cancelled, mut trial, mut outcomes) = (0, 0, Vec::new());
    for n in points() {
        trial += 1;
        let mut q = insert_into(&t).columns(["id", "trial", "note"]);
        for i in 0..ROWS {
            q = q.values([Value::I64(trial * ROWS + i), Value::I64(trial), Value::from("bulk")]);
        }
        let r = within(60, "bulk insert", cancel_at_pending(n, q.execute(&e))).await;
        let stored = rows_of(&e, &t, trial).await;
        match r {
            None => {
                cancelled += 1;
                // All, when the COMMIT was already sent: that is the outcome-unknown case, still atomic.
                assert!(stored == 0 || stored == ROWS as u64, "bulk insert cancelled at await point {n} left {stored} rows");
                outcomes.push(trial);
            }
            Some(done) => {
                assert_eq!(done.unwrap().rows_affected, ROWS as u64);
                assert_eq!(stored, ROWS as u64);
                break;
            }
        }
        assert!(trial < 60, "the bulk insert never finished");
    }
    // A COMMIT sent just before the cancel may land a moment later: still all or nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut committed_anyway = 0;
    for trial in outcomes {
        let stored = rows_of(&e, &t, trial).await;
        assert!(stored == 0 || stored == ROWS as u64, "trial {trial}: {stored} rows");
        committed_anyway += usize::from(stored > 0);
    }
    assert!(committed_anyway <= 1, "only a cancel after COMMIT was sent may commit: {committed_anyway}");
    assert!(cancelled >= 12, "{cancelled}");
    eprintln!(
        "bulk insert of {ROWS} rows (3 statements) cancelled at {cancelled} await points: all or nothing each time \
         ({committed_anyway} cancelled after COMMIT was sent and committed); the uncancelled run stored all"
    );
    within(30, "drop", e.drop_all(&[&t])).await.unwrap();
}

/// Begin, three statements, commit: cancelled anywhere, either all three rows or none remain.
#[tokio::test]
async fn transaction_cancelled_at_every_point_is_all_or_nothing() {
    let _serial = serial().await;
    let (_proxy, e) = slowed_engine();
    let t = table("fault_txcancel");
    within(30, "create", e.create_all(&[&t])).await.unwrap();
    let work = |trial: i64| {
        let (e, t) = (e.clone(), t.clone());
        async move {
            let mut tx = e.begin().await?;
            for k in 0..3 {
                let row = [Value::I64(trial * 10 + k), Value::I64(trial), Value::from("tx")];
                insert_into(&t).columns(["id", "trial", "note"]).values(row).execute(&mut tx).await?;
            }
            text(format!("UPDATE `{}` SET note = 'done' WHERE trial = :t", t.name)).bind("t", trial).execute(&mut tx).await?;
            tx.commit().await
        }
    };
    let (mut outcomes, mut trial) = (Vec::new(), 0);
    for n in 0.. {
        trial += 1;
        let r = within(30, "transaction", cancel_at_pending(n, work(trial))).await;
        let stored = rows_of(&e, &t, trial).await;
        assert!(stored == 0 || stored == 3, "transaction cancelled at await point {n} left {stored} of 3 rows");
        outcomes.push((trial, r.is_some()));
        if let Some(done) = r {
            done.unwrap();
            assert_eq!(stored, 3);
            break;
        }
        assert!(n < 500, "the transaction never finished");
    }
    // A COMMIT already sent when the future was dropped may land a moment later: still all or nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut committed_anyway = 0;
    for &(trial, finished) in &outcomes {
        let stored = rows_of(&e, &t, trial).await;
        assert!(stored == 0 || stored == 3, "trial {trial}: {stored} of 3 rows");
        if finished {
            assert_eq!(stored, 3);
        } else if stored == 3 {
            committed_anyway += 1;
        }
        let done = within(15, "notes", select(&t).filter(col("trial").eq(trial).and(col("note").eq("done"))).count(&e)).await.unwrap();
        assert_eq!(done, stored, "trial {trial}: a row without the transaction's last update");
    }
    assert!(committed_anyway <= 1, "only a cancel after COMMIT was sent may commit: {committed_anyway}");
    eprintln!(
        "transaction cancelled at each of its {} await points: all or nothing every time ({committed_anyway} cancelled after COMMIT was sent and committed)",
        outcomes.len() - 1
    );
    // The engine still works, outside any transaction.
    let in_tx: i64 = within(10, "after", text("SELECT @@in_transaction AS t").fetch_one(&e)).await.unwrap().get("t").unwrap();
    assert_eq!(in_tx, 0);
    within(30, "drop", e.drop_all(&[&t])).await.unwrap();
}

#[tokio::test]
async fn pool_exhaustion_is_a_bounded_pool_timeout() {
    let _serial = serial().await;
    let e = create_engine(&format!("{SHARED_MYSQL}?maxsize=2&pool_timeout=1")).unwrap();
    let held = within(10, "two checkouts", futures_util::future::try_join_all([e.connect(), e.connect()])).await.unwrap();
    let waiters: Vec<_> = (0..10)
        .map(|_| {
            let e = e.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                (within(10, "waiter", text("SELECT 1 AS one").fetch_one(&e)).await, t.elapsed())
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for w in waiters {
        let (r, took) = within(15, "join", w).await.unwrap();
        match r {
            Err(Error::PoolTimeout { host, waited, .. }) => {
                assert_eq!(host, "127.0.0.1:3306");
                assert!(waited >= Duration::from_millis(900), "{waited:?}");
            }
            other => panic!("expected PoolTimeout, got {other:?}"),
        }
        // Generous: three times the configured timeout.
        assert!(took < Duration::from_secs(3), "a waiter took {took:?} for pool_timeout=1");
        slowest = slowest.max(took);
    }
    drop(held);
    // The slots come back: two at once work, and a third waits its turn.
    let again =
        within(10, "three after release", futures_util::future::try_join_all((0..3).map(|_| text("SELECT 1 AS one").fetch_one(&e))))
            .await
            .unwrap();
    assert_eq!(again.len(), 3);
    eprintln!("pool of 2 held, 10 waiters with pool_timeout=1: all PoolTimeout, slowest after {slowest:?}; usable at once after release");
}
