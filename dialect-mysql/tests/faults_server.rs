//! A private MariaDB (testkit) frozen with SIGSTOP: a query and a pre-ping both return typed
//! errors within about their limits, their pool slots are released, and the engine serves again
//! once the server resumes. One test, so the private server is never shared between tests.

mod common;

use athanor_core::{text, DbErrorKind, Engine, Error};
use athanor_testkit::faults::bounded;
use athanor_testkit::PrivateMariaDb;
use std::time::Duration;

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

#[tokio::test]
async fn a_frozen_server_bounds_queries_and_pings_and_the_engine_recovers() {
    let db = PrivateMariaDb::start().await.expect("a private MariaDB");
    // A query under read_timeout.
    let q = common::engine_at(&format!("{}?maxsize=1&read_timeout=1&pool_timeout=3", db.url()));
    // A pre-ping at every checkout, bounded by connect_timeout.
    let p = common::engine_at(&format!("{}?maxsize=1&pool_pre_ping_after=0&connect_timeout=1", db.url()));
    assert_eq!(one(&q).await.unwrap(), 1);
    assert_eq!(one(&p).await.unwrap(), 1);
    db.freeze();
    let (r, took) = bounded("a query on a frozen server", one(&q)).await;
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(took < Duration::from_secs(2), "query: {took:?}");
    let (r, took) = bounded("a pre-ping on a frozen server", one(&p)).await;
    assert!(matches!(r, Err(Error::PoolTimeout { .. })), "{r:?}");
    assert!(took < Duration::from_secs(2), "pre-ping: {took:?}");
    db.thaw();
    assert_eq!(bounded("a query after thawing", one(&q)).await.0.unwrap(), 1);
    assert_eq!(bounded("a checkout after thawing", one(&p)).await.0.unwrap(), 1);
}
