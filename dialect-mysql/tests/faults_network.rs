//! Network faults between the engine and the (shared, untouched) server, through testkit's fault
//! proxy: every wait is bounded, errors are typed, pool slots are released, and the engine serves
//! again once the network heals. Each test has its own proxy, so they may run in parallel.

mod common;

use athanor_core::{text, DbErrorKind, Engine, Error};
use athanor_testkit::faults::{bounded, reset_while_waiting};
use athanor_testkit::{FaultProxy, Mode};
use std::time::Duration;

/// A proxy in front of the shared server, and an engine through it with `query` appended.
fn through_proxy(query: &str) -> (FaultProxy, Engine) {
    let proxy = FaultProxy::start("127.0.0.1:3306".parse().unwrap());
    let e = common::engine_at(&format!("mysql://root@{}/test?{query}", proxy.addr()));
    (proxy, e)
}

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

/// Issue 11 defect 1: with the network frozen, a query under `read_timeout` fails typed within
/// about the limit, its slot is released, and the engine serves once the network heals.
#[tokio::test]
async fn a_frozen_network_times_out_a_query_and_the_engine_recovers() {
    let (proxy, e) = through_proxy("maxsize=1&read_timeout=1&pool_timeout=5");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("a query on a frozen network", one(&e)).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    proxy.set_mode(Mode::Pass);
    let (r, _) = bounded("the first query after healing", one(&e)).await;
    assert_eq!(r.unwrap(), 1);
}

/// `statement_timeout` alone (no `read_timeout`): the client-side backstop ends the wait when the
/// server cannot answer.
#[tokio::test]
async fn statement_timeout_has_a_client_side_backstop() {
    let (proxy, e) = through_proxy("maxsize=1&statement_timeout=1&pool_timeout=5");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("a query on a frozen network", one(&e)).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    proxy.set_mode(Mode::Pass);
    assert_eq!(bounded("after healing", one(&e)).await.0.unwrap(), 1);
}

/// Issue 11 defect 1: the liveness ping of an idle connection is bounded (by `connect_timeout`
/// here) and a checkout whose ping and reconnect cannot finish ends with a pool timeout; the slot
/// is released and the engine serves after healing.
#[tokio::test]
async fn a_pre_ping_on_a_frozen_network_is_bounded() {
    let (proxy, e) = through_proxy("maxsize=1&pool_pre_ping_after=0&connect_timeout=1");
    assert_eq!(one(&e).await.unwrap(), 1);
    proxy.set_mode(Mode::Pause);
    let (r, took) = bounded("a checkout on a frozen network", one(&e)).await;
    match r {
        Err(Error::PoolTimeout { waited, .. }) => assert_eq!(waited, Duration::from_secs(1)),
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    assert!(took < Duration::from_secs(2), "{took:?}");
    proxy.set_mode(Mode::Pass);
    assert_eq!(bounded("after healing", one(&e)).await.0.unwrap(), 1);
}

/// Issue 11 defect 9: a COMMIT whose connection dies may or may not have committed: the error is
/// `CommitOutcomeUnknown`, not retryable; the connection is discarded and the engine serves on.
/// The same for a write outside a transaction.
#[tokio::test]
async fn a_commit_on_a_reset_connection_has_an_unknown_outcome() {
    let t = common::unique("fault_commit");
    let (proxy, e) = through_proxy("maxsize=1&pool_timeout=5");
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY)")).await;
    let mut tx = e.begin().await.unwrap();
    text(format!("INSERT INTO `{t}` VALUES (1)")).execute(&mut tx).await.unwrap();
    let err = reset_while_waiting(&proxy, tx.commit()).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    assert!(!err.is_retryable());
    // A fresh connection in the pool first, so that the write is what meets the reset.
    assert_eq!(bounded("after healing", one(&e)).await.0.unwrap(), 1);
    let write = text(format!("INSERT INTO `{t}` VALUES (2)"));
    let err = reset_while_waiting(&proxy, write.execute(&e)).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    // The only slot is free again; its connection is new and outside any transaction.
    let (r, _) = bounded("after healing", text("SELECT @@in_transaction AS t").fetch_one(&e)).await;
    assert_eq!(r.unwrap().get::<i64>("t").unwrap(), 0);
    common::exec(&common::engine(), &format!("DROP TABLE `{t}`")).await;
}

/// Issue 11 defect 3: every idle connection reset by the network; the next ten queries (inside
/// `pool_pre_ping_after`) fail at most once, typed and retryable, and then all succeed.
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

/// Issue 11 defect 2 at the proxy: 30 waiters on a pool of 2 behind a black hole never hold more
/// than 2 connections open at once (before: 32) and give up within about their timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_hole_never_gets_more_than_maxsize_connections() {
    let (proxy, e) = through_proxy("maxsize=2&pool_timeout=0.5");
    proxy.set_mode(Mode::BlackHole);
    let waiters: Vec<_> = (0..30)
        .map(|_| {
            let e = e.clone();
            tokio::spawn(async move { one(&e).await })
        })
        .collect();
    let mut peak = 0;
    let watch = async {
        loop {
            peak = peak.max(proxy.open());
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    let all = futures_util::future::join_all(waiters);
    let (results, took) = bounded("30 waiters", async {
        tokio::select! {
            r = all => r,
            _ = watch => unreachable!(),
        }
    })
    .await;
    for r in results {
        assert!(matches!(r.unwrap(), Err(Error::PoolTimeout { .. })));
    }
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(peak <= 2, "{peak} connections open at once at the proxy");
    // A waiter that gets a slot freed just before its own deadline may try once more; never 30.
    assert!(proxy.accepted() <= 4, "{} connections at the proxy", proxy.accepted());
}
