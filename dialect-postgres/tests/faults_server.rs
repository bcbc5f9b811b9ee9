//! A private PostgreSQL (testkit; never the shared server) frozen with SIGSTOP, killed and
//! restarted: every operation under a time limit ends within about twice the limit with a typed
//! error, a COMMIT lost in flight is `CommitOutcomeUnknown`, and the engine serves again once the
//! server is back. One test, so the private server is never shared between tests.

mod common;

use athanor_core::{text, DbErrorKind, Engine, Error};
use athanor_testkit::faults::bounded;
use athanor_testkit::PrivatePostgres;
use std::time::Duration;

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1::int8 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

fn timed_out<T: std::fmt::Debug>(what: &str, r: athanor_core::Result<T>, took: Duration, limit: Duration) {
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{what}: {err}");
    assert!(took < 2 * limit, "{what}: took {took:?} for a limit of {limit:?}");
}

/// Until the first success, every failure is typed (at most `max` of them).
async fn recovers(e: &Engine, max: usize) {
    for _ in 0..=max {
        match bounded("a query after recovery", one(e)).await.0 {
            Ok(v) => return assert_eq!(v, 1),
            Err(err) => assert!(err.is_retryable() || matches!(err, Error::PoolTimeout { .. }), "{err:?}"),
        }
    }
    panic!("no success in {} tries", max + 1);
}

#[tokio::test]
async fn a_frozen_killed_and_restarted_server_is_survived() {
    let db = bounded("start a private PostgreSQL", PrivatePostgres::start()).await.0.expect("a private PostgreSQL");
    let limit = Duration::from_secs(1);
    // Queries and transaction control under read_timeout.
    let q = common::engine_at(&format!("{}?maxsize=1&read_timeout=1&pool_timeout=3&pool_pre_ping=false", db.url()));
    // Statement limit only: the client-side backstop (1.5 s).
    let s = common::engine_at(&format!("{}?maxsize=1&statement_timeout=1&pool_timeout=3&pool_pre_ping=false", db.url()));
    // A pre-ping at every checkout, bounded by connect_timeout.
    let p = common::engine_at(&format!("{}?maxsize=1&pool_pre_ping_after=0&connect_timeout=1&pool_timeout=1.5", db.url()));
    for e in [&q, &s, &p] {
        assert_eq!(one(e).await.unwrap(), 1);
    }
    text("CREATE TABLE t (id INT PRIMARY KEY)").execute(&q).await.unwrap();
    let mut tx = q.begin().await.unwrap();
    text("INSERT INTO t VALUES (1)").execute(&mut tx).await.unwrap();

    db.freeze();
    let (r, took) = bounded("COMMIT on a frozen server", tx.commit()).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    assert!(took < 2 * limit, "COMMIT: {took:?}");
    let (r, took) = bounded("a query on a frozen server", one(&q)).await;
    // The COMMIT's connection was discarded: this one is a new connect, which cannot finish.
    assert!(r.is_err(), "{r:?}");
    assert!(took < Duration::from_secs(6), "query after the lost COMMIT: {took:?}");
    let (r, took) = bounded("a query under statement_timeout on a frozen server", one(&s)).await;
    timed_out("backstop", r, took, limit);
    let (r, took) = bounded("a pre-ping on a frozen server", one(&p)).await;
    assert!(matches!(r, Err(Error::PoolTimeout { .. })), "{r:?}");
    assert!(took < Duration::from_secs(3), "pre-ping: {took:?}");
    let fresh = common::engine_at(&format!("{}?maxsize=1&connect_timeout=0.5&pool_timeout=1", db.url()));
    let (r, took) = bounded("a connect to a frozen server", one(&fresh)).await;
    match r {
        Err(Error::PoolTimeout { last_error: Some(why), .. }) => assert!(why.contains("timed out"), "{why}"),
        other => panic!("expected PoolTimeout with the last connect error, got {other:?}"),
    }
    assert!(took < Duration::from_secs(2), "connect: {took:?}");
    db.thaw();
    for e in [&q, &s, &p, &fresh] {
        recovers(e, 2).await;
    }
    // BEGIN on a frozen server.
    assert_eq!(one(&q).await.unwrap(), 1);
    db.freeze();
    let (r, took) = bounded("BEGIN on a frozen server", q.begin()).await;
    timed_out("BEGIN", r.map(|_| ()), took, limit);
    db.thaw();
    recovers(&q, 2).await;

    // Killed mid-transaction: typed errors, then the engine serves once the server is back.
    let mut tx = q.begin().await.unwrap();
    text("INSERT INTO t VALUES (2)").execute(&mut tx).await.unwrap();
    db.kill();
    let (r, _) = bounded("COMMIT on a killed server", tx.commit()).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    let (r, _) = bounded("a query on a killed server", one(&q)).await;
    assert!(r.is_err());
    bounded("start again", db.start_again()).await.0.unwrap();
    recovers(&q, 2).await;
    let rows = text("SELECT id FROM t ORDER BY id").fetch_all(&q).await.unwrap();
    let ids: Vec<i32> = rows.iter().map(|r| r.get("id").unwrap()).collect();
    assert!(!ids.contains(&2), "the killed transaction was not committed: {ids:?}");

    // A graceful restart with idle connections in every pool.
    bounded("restart", db.restart()).await.0.unwrap();
    for e in [&q, &s, &p] {
        recovers(e, 2).await;
    }
}
