//! Time limits on the server's answers (`statement_timeout`, `read_timeout`) and the
//! "commit outcome unknown" error, on the shared server (frozen-server cases: `faults_*.rs`).

mod common;

use athanor_core::{text, DbErrorKind, Engine};
use std::time::{Duration, Instant};

async fn connection_id(e: &Engine) -> u64 {
    text("SELECT CONNECTION_ID() AS id").fetch_one(e).await.unwrap().get("id").unwrap()
}

/// `statement_timeout` sets the server's own limit: the statement fails typed `Timeout` with the
/// server's code, in bounded time, and the connection is kept.
#[tokio::test]
async fn statement_timeout_is_enforced_by_the_server() {
    let e = common::engine_at(&format!("{}?maxsize=1&statement_timeout=0.3", common::URL));
    let id = connection_id(&e).await;
    let started = Instant::now();
    let err = text("SELECT SLEEP(3) AS s").fetch_one(&e).await.unwrap_err();
    // SLEEP(3) would take 3 s: the limit ended it (the margin absorbs a loaded machine).
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    let v: i64 = text("SELECT 1 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
    assert_eq!(v, 1);
    assert_eq!(connection_id(&e).await, id, "a server-side timeout keeps the connection");
}

/// `read_timeout` bounds each wait on the client: a statement whose answer does not come in
/// time fails typed `Timeout`, its connection is discarded, and the engine serves on.
#[tokio::test]
async fn read_timeout_discards_the_connection() {
    let e = common::engine_at(&format!("{}?maxsize=1&read_timeout=0.3", common::URL));
    let id = connection_id(&e).await;
    let started = Instant::now();
    let err = text("SELECT SLEEP(3) AS s").fetch_one(&e).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "SLEEP(3) ran to its end: {:?}", started.elapsed());
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(!err.is_retryable() || err.db_kind() == Some(DbErrorKind::Timeout));
    let v: i64 = text("SELECT 2 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
    assert_eq!(v, 2);
    assert_ne!(connection_id(&e).await, id, "the timed-out connection was reused");
}

/// Set in code, the limits win over the URL.
#[tokio::test]
async fn limits_set_in_code() {
    let opts = athanor_core::EngineOptions::new().max_connections(1).read_timeout(Duration::from_millis(300));
    let e = Engine::from_registry(&common::registry(), &format!("{}?read_timeout=30", common::URL), opts).unwrap();
    let started = Instant::now();
    let err = text("SELECT SLEEP(3) AS s").fetch_one(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "SLEEP(3) ran to its end: {:?}", started.elapsed());
}

/// Issue 11 defect 9: a write outside a transaction whose connection is lost (or times out)
/// mid-statement may have committed: it is `CommitOutcomeUnknown`, never retryable. Inside a
/// transaction the same loss is a plain (retryable) `ConnectionLost`: the server rolled it back.
#[tokio::test]
async fn a_lost_autocommit_write_has_an_unknown_outcome() {
    let t = common::unique("outcome");
    let e = common::engine_at(&format!("{}?maxsize=2&read_timeout=0.3", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY, v INT)")).await;
    common::exec(&e, &format!("INSERT INTO `{t}` VALUES (1, 0), (2, 0), (3, 0)")).await;
    let err = text(format!("UPDATE `{t}` SET v = SLEEP(1) + 1 WHERE id = 1")).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown), "{err}");
    assert!(!err.is_retryable(), "{err}");
    // Through the query builder too, and on KILL rather than a time limit.
    let killer = common::engine();
    let mut c = e.connect().await.unwrap();
    let id: u64 = text("SELECT CONNECTION_ID() AS id").fetch_one(&mut c).await.unwrap().get("id").unwrap();
    let kill = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        text(format!("KILL {id}")).execute(&killer).await.unwrap();
    };
    let later = athanor_core::insert_into(&athanor_core::Table::new(t.clone()))
        .columns(["id", "v"])
        .values([athanor_core::Value::from(4i64), athanor_core::Value::from(0i64)]);
    let upd = text(format!("UPDATE `{t}` SET v = SLEEP(0.25) WHERE id = 2"));
    let (r, _) = tokio::join!(upd.execute(&mut c), kill);
    let err = r.unwrap_err();
    assert!(!err.is_retryable() && err.db_kind() != Some(DbErrorKind::ConnectionLost), "{err}");
    drop(c);
    // The engine serves on.
    later.execute(&e).await.unwrap();
    // Inside a transaction: the transaction is gone, definitely.
    let mut tx = e.begin().await.unwrap();
    let err = text(format!("UPDATE `{t}` SET v = SLEEP(1) WHERE id = 3")).execute(&mut tx).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Timeout), "{err}");
    let err = text("SELECT 1").execute(&mut tx).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err}");
    assert!(err.is_retryable());
    tx.rollback().await.unwrap();
    common::exec(&common::engine(), &format!("DROP TABLE `{t}`")).await;
}
