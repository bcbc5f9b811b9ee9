//! Network faults between the engine and the shared PostgreSQL (never touched: every fault is in
//! testkit's proxy in front of it). Each operation under a time limit ends within about twice the
//! limit with a typed error, the slot is released, and the engine serves again once the network
//! heals. Each test has its own proxy, so they may run in parallel.

mod common;

use athanor_core::ast::{Raw, Statement};
use athanor_core::{text, DbErrorKind, Engine, Error};
use athanor_testkit::faults::{bounded, reset_while_waiting};
use athanor_testkit::{FaultProxy, Mode};
use futures_util::StreamExt;
use std::time::Duration;

/// A proxy in front of the shared server, and an engine through it with `query` appended.
fn through_proxy(query: &str) -> (FaultProxy, Engine) {
    let proxy = FaultProxy::start("127.0.0.1:5432".parse().unwrap());
    let e = common::engine_at(&format!("postgresql://postgres@{}/test?{query}", proxy.addr()));
    (proxy, e)
}

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1::int8 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

/// After healing, the engine answers again.
async fn serves_again(proxy: &FaultProxy, e: &Engine) {
    proxy.set_mode(Mode::Pass);
    assert_eq!(bounded("the first query after healing", one(e)).await.0.unwrap(), 1);
}

fn timed_out(r: athanor_core::Result<impl std::fmt::Debug>, took: Duration, limit: Duration) {
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(took < 2 * limit, "took {took:?} for a limit of {limit:?}");
}

/// A query on a stalled network under `read_timeout`.
#[tokio::test]
async fn a_query_on_a_stalled_network_times_out_and_the_engine_recovers() {
    let (proxy, e) = through_proxy("maxsize=1&read_timeout=1&pool_timeout=5");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("a query on a stalled network", one(&e)).await;
    timed_out(r, took, Duration::from_secs(1));
    serves_again(&proxy, &e).await;
}

/// `statement_timeout` alone: the server cannot answer, the client-side backstop ends the wait.
#[tokio::test]
async fn statement_timeout_has_a_client_side_backstop() {
    let (proxy, e) = through_proxy("maxsize=1&statement_timeout=1&pool_timeout=5");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::BlackHole);
    let (r, took) = bounded("a query into a black hole", one(&e)).await;
    timed_out(r, took, Duration::from_secs(1));
    serves_again(&proxy, &e).await;
}

/// The server's own `statement_timeout` (SQLSTATE 57014) keeps the connection.
#[tokio::test]
async fn the_server_side_statement_timeout_is_typed_and_keeps_the_connection() {
    let (proxy, e) = through_proxy("maxsize=1&statement_timeout=0.3");
    let (r, _) = bounded("pg_sleep", text("SELECT pg_sleep(3)").execute(&e)).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(matches!(&err, Error::Database(d) if d.code.as_deref() == Some("57014")), "{err:?}");
    assert_eq!(one(&e).await.unwrap(), 1);
    assert_eq!(proxy.accepted(), 1, "the connection was kept");
}

/// BEGIN, COMMIT and a stream on a stalled network under `read_timeout`.
#[tokio::test]
async fn begin_commit_and_a_stream_on_a_stalled_network_are_bounded() {
    let (proxy, e) = through_proxy("maxsize=1&read_timeout=1&pool_timeout=5");
    let limit = Duration::from_secs(1);
    assert_eq!(one(&e).await.unwrap(), 1);
    // BEGIN.
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("BEGIN on a stalled network", e.begin()).await;
    timed_out(r.map(|_| ()), took, limit);
    serves_again(&proxy, &e).await;
    // COMMIT: lost in flight, its outcome is unknown.
    let mut tx = e.begin().await.unwrap();
    text("SELECT 1").execute(&mut tx).await.unwrap();
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("COMMIT on a stalled network", tx.commit()).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    assert!(!err.is_retryable());
    assert!(took < 2 * limit, "{took:?}");
    serves_again(&proxy, &e).await;
    // A stream.
    proxy.set_mode(Mode::Pause);
    let stmt = Statement::Raw(Raw { sql: "SELECT generate_series(1, 3) AS v".into(), binds: vec![] });
    let (r, took) = bounded("a stream on a stalled network", async { e.backend().stream(stmt).next().await.unwrap() }).await;
    timed_out(r, took, limit);
    serves_again(&proxy, &e).await;
}

/// The liveness ping of an idle connection is bounded by `connect_timeout`; the checkout ends in a
/// pool timeout carrying the last connect error; the engine serves after healing.
#[tokio::test]
async fn a_pre_ping_on_a_black_hole_is_bounded() {
    let (proxy, e) = through_proxy("maxsize=1&pool_pre_ping_after=0&connect_timeout=1&pool_timeout=2");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::BlackHole);
    let (r, took) = bounded("a checkout into a black hole", one(&e)).await;
    match r {
        Err(Error::PoolTimeout { .. }) => {}
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    assert!(took < Duration::from_secs(4), "{took:?}");
    serves_again(&proxy, &e).await;
}

/// Connecting into a black hole: a pool timeout that says why the connects failed.
#[tokio::test]
async fn a_connect_into_a_black_hole_reports_the_last_connect_error() {
    let (proxy, e) = through_proxy("maxsize=1&connect_timeout=0.5&pool_timeout=2");
    proxy.set_mode(Mode::BlackHole);
    let (r, took) = bounded("a connect into a black hole", one(&e)).await;
    match r {
        Err(Error::PoolTimeout { last_error: Some(why), .. }) => assert!(why.contains("timed out"), "{why}"),
        other => panic!("expected PoolTimeout with the last connect error, got {other:?}"),
    }
    assert!(took < Duration::from_secs(4), "{took:?}");
    serves_again(&proxy, &e).await;
}

/// A URL's `connect_timeout` also bounds the wait for a slot (as on MySQL): a dead server is
/// reported after it, not after the default 30 s `pool_timeout`.
#[tokio::test]
async fn connect_timeout_bounds_the_wait_for_a_slot() {
    let (proxy, e) = through_proxy("maxsize=1&connect_timeout=1");
    proxy.set_mode(Mode::BlackHole);
    let (r, took) = bounded("a connect into a black hole", one(&e)).await;
    assert!(matches!(r, Err(Error::PoolTimeout { .. })), "{r:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    serves_again(&proxy, &e).await;
}

/// A COMMIT (or a write outside a transaction) whose connection is reset may or may not have
/// committed: `CommitOutcomeUnknown`; the connection is discarded and the engine serves on.
#[tokio::test]
async fn a_commit_on_a_reset_connection_has_an_unknown_outcome() {
    let t = common::unique("fault_commit");
    let (proxy, e) = through_proxy("maxsize=1&pool_timeout=5");
    text(format!("CREATE TABLE \"{t}\" (id INT PRIMARY KEY)")).execute(&e).await.unwrap();
    let mut tx = e.begin().await.unwrap();
    text(format!("INSERT INTO \"{t}\" VALUES (1)")).execute(&mut tx).await.unwrap();
    let err = reset_while_waiting(&proxy, tx.commit()).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(bounded("after healing", one(&e)).await.0.unwrap(), 1);
    let write = text(format!("INSERT INTO \"{t}\" VALUES (2)"));
    let err = reset_while_waiting(&proxy, write.execute(&e)).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    // The only slot is free again, on a new connection outside any transaction.
    // SAVEPOINT outside a transaction block is refused (25P01).
    let (r, _) = bounded("after healing", text("SAVEPOINT probe").execute(&e)).await;
    let err = r.unwrap_err();
    assert!(matches!(&err, Error::Database(d) if d.code.as_deref() == Some("25P01")), "a transaction was left open: {err:?}");
    text(format!("DROP TABLE \"{t}\"")).execute(&common::engine()).await.unwrap();
}

/// Every idle connection reset: the next queries fail at most once, typed and retryable.
#[tokio::test]
async fn after_every_idle_connection_is_reset_the_pool_recovers() {
    let (proxy, e) = through_proxy("maxsize=4&pool_pre_ping_after=30");
    let held: Vec<_> = futures_util::future::join_all((0..4).map(|_| e.connect())).await;
    drop(held);
    proxy.reset_open();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut failures = 0;
    for _ in 0..10 {
        match bounded("a query after the reset", one(&e)).await.0 {
            Ok(v) => assert_eq!(v, 1),
            Err(err) => {
                assert!(err.is_retryable(), "{err}");
                failures += 1;
            }
        }
    }
    assert!(failures <= 1, "{failures} of 10 queries failed after the reset");
}

/// Inside a transaction: a statement that times out breaks the session; the transaction is gone
/// (its next statement and its COMMIT fail with `ConnectionLost`, the server rolled it back), the
/// caller's ROLLBACK succeeds, and a ROLLBACK on a stalled network is bounded too.
#[tokio::test]
async fn a_timeout_inside_a_transaction_ends_it_and_rollback_is_bounded() {
    let (proxy, e) = through_proxy("maxsize=1&read_timeout=1&pool_timeout=5");
    let limit = Duration::from_secs(1);
    let mut c = e.connect().await.unwrap();
    let mut tx = c.begin().await.unwrap();
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("a statement in a transaction on a stalled network", text("SELECT 1").execute(&mut tx)).await;
    timed_out(r, took, limit);
    proxy.set_mode(Mode::Pass);
    let err = bounded("the next statement", text("SELECT 1").execute(&mut tx)).await.0.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err}");
    bounded("ROLLBACK of the lost transaction", tx.rollback()).await.0.unwrap();
    // The handle works again, outside any transaction.
    let err = bounded("SAVEPOINT outside a transaction", text("SAVEPOINT probe").execute(&mut c)).await.0.unwrap_err();
    assert!(matches!(&err, Error::Database(d) if d.code.as_deref() == Some("25P01")), "{err:?}");
    // ROLLBACK on a stalled network.
    let tx = c.begin().await.unwrap();
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("ROLLBACK on a stalled network", tx.rollback()).await;
    timed_out(r, took, limit);
    drop(c);
    serves_again(&proxy, &e).await;
}
