//! Connections the server closed are detected and replaced, not handed out again (issue 11
//! defect 3): by the error that killed them, and by pinging the idle ones once any is found dead.

mod common;

use athanor_core::{text, Engine};
use std::time::Duration;

async fn connection_id<'e>(e: impl athanor_core::Executor<'e>) -> u64 {
    text("SELECT CONNECTION_ID() AS id").fetch_one(e).await.unwrap().get("id").unwrap()
}

/// A statement over `max_allowed_packet` that only the server can tell (its text value is under
/// the limit, its 1,000 integers push it over) draws error 1153 and the server drops the
/// connection — often while the client is still writing, which then sees a reset instead. Either
/// way the error is typed, nothing is stored, and the next statement runs on a new connection.
#[tokio::test]
async fn a_packet_over_max_allowed_packet_costs_only_its_statement() {
    let t = common::unique("packet");
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY, b LONGBLOB)")).await;
    let max: i64 = text("SELECT @@max_allowed_packet AS m").fetch_one(&e).await.unwrap().get("m").unwrap();
    let list: Vec<String> = (0..1000).map(|i| format!(":p{i}")).collect();
    let sql = format!("INSERT INTO `{t}` (id, b) SELECT 1, :b FROM DUAL WHERE 1 IN ({})", list.join(", "));
    let mut q = text(sql).bind("b", vec![b'x'; max as usize - 4096]);
    for i in 0..1000i64 {
        q = q.bind(&format!("p{i}"), i);
    }
    let err = q.execute(&e).await.unwrap_err();
    use athanor_core::DbErrorKind::*;
    match err.db_kind() {
        Some(Other) => assert!(err.to_string().contains("1153"), "{err}"),
        Some(ConnectionLost | CommitOutcomeUnknown) => {}
        _ => panic!("{err}"),
    }
    for i in 0..3i64 {
        let v: i64 = text("SELECT :i AS v").bind("i", i).fetch_one(&e).await.unwrap().get("v").unwrap();
        assert_eq!(v, i);
    }
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{t}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 0);
    common::exec(&e, &format!("DROP TABLE `{t}`")).await;
}

/// A statement whose bound values alone pass `max_allowed_packet` is refused before it is sent,
/// with the server's error number: deterministic (no race between the server's 1153 and its
/// close of the socket mid-write), typed, and on a connection that stays in service — inside a
/// transaction too, which goes on.
#[tokio::test]
async fn a_statement_surely_over_max_allowed_packet_is_refused_before_it_is_sent() {
    let t = common::unique("packet_tx");
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY, b LONGBLOB)")).await;
    let max: i64 = text("SELECT @@max_allowed_packet AS m").fetch_one(&e).await.unwrap().get("m").unwrap();
    for round in 0..5 {
        let mut tx = e.begin().await.unwrap();
        let id = connection_id(&mut tx).await;
        text(format!("INSERT INTO `{t}` VALUES (:i, 'ok')")).bind("i", round).execute(&mut tx).await.unwrap();
        let big = vec![b'x'; max as usize + 1];
        let err = text(format!("INSERT INTO `{t}` VALUES (1000, :b)")).bind("b", big).execute(&mut tx).await.unwrap_err();
        assert_eq!(err.db_kind(), Some(athanor_core::DbErrorKind::Other), "{err}");
        assert!(err.to_string().contains("1153") && err.to_string().contains("max_allowed_packet"), "{err}");
        assert_eq!(connection_id(&mut tx).await, id, "the refusal cost the connection");
        tx.commit().await.unwrap();
    }
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{t}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 5);
    common::exec(&e, &format!("DROP TABLE `{t}`")).await;
}

/// Opens `n` connections at once and returns them to the pool; their server ids.
async fn fill_pool(e: &Engine, n: usize) -> Vec<u64> {
    let mut held = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..n {
        let mut c = e.connect().await.unwrap();
        ids.push(text("SELECT CONNECTION_ID() AS id").fetch_one(&mut c).await.unwrap().get::<u64>("id").unwrap());
        held.push(c);
    }
    ids
}

/// Every idle connection killed behind the pool's back, then queries at once (well inside
/// `pool_pre_ping_after`): at most the first fails, typed, and marks the rest for a ping; all
/// the following ones succeed on new connections.
#[tokio::test]
async fn after_every_idle_connection_is_killed_the_pool_recovers_at_once() {
    let e = common::engine_at(&format!("{}?maxsize=4&pool_pre_ping_after=30", common::URL));
    let killer = common::engine();
    let ids = fill_pool(&e, 4).await;
    for id in &ids {
        text(format!("KILL {id}")).execute(&killer).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut failures = 0;
    for i in 0..10i64 {
        match text("SELECT :i AS i, CONNECTION_ID() AS id").bind("i", i).fetch_one(&e).await {
            Ok(r) => {
                assert_eq!(r.get::<i64>("i").unwrap(), i);
                assert!(!ids.contains(&r.get::<u64>("id").unwrap()), "a killed connection answered");
            }
            Err(err) => {
                assert!(err.is_retryable(), "{err}");
                failures += 1;
            }
        }
    }
    assert!(failures <= 1, "{failures} of 10 queries failed after the pool was killed");
}

/// With `pool_pre_ping_after=0` every checkout pings: none fails.
#[tokio::test]
async fn with_ping_at_every_checkout_none_fails() {
    let e = common::engine_at(&format!("{}?maxsize=3&pool_pre_ping_after=0", common::URL));
    let killer = common::engine();
    let ids = fill_pool(&e, 3).await;
    for id in &ids {
        text(format!("KILL {id}")).execute(&killer).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..6 {
        let id = connection_id(&e).await;
        assert!(!ids.contains(&id));
    }
}

/// A bulk insert of several statements on a connection the caller holds, at depth 0, whose session
/// is killed while a later statement waits on a row lock: the insert fails typed, its own
/// transaction's ROLLBACK fails too (the session is gone), and the held connection then serves
/// the next statements on a new session. Before, the failed ROLLBACK left a phantom transaction
/// level, and every later statement was refused with `ConnectionLost` until a ROLLBACK the caller
/// had no reason to send.
#[tokio::test]
async fn a_held_connection_serves_again_after_its_bulk_insert_lost_the_session() {
    use athanor_core::schema::{ColumnDef, ColumnType, Table};
    use athanor_core::{insert_into, Value};
    let name = common::unique("held_bulk");
    let e = common::engine();
    common::exec(&e, &format!("CREATE TABLE `{name}` (id INT PRIMARY KEY, v INT)")).await;
    let table = Table::new(name.clone()).column(ColumnDef::new("id", ColumnType::I32)).column(ColumnDef::new("v", ColumnType::I32));
    // 40,000 rows of 2 values: two INSERTs (65,535 placeholders at most each); the second waits
    // on the key another session holds uncommitted.
    let mut blocker = e.begin().await.unwrap();
    text(format!("INSERT INTO `{name}` VALUES (39999, 0)")).execute(&mut blocker).await.unwrap();
    let mut c = e.connect().await.unwrap();
    let id = connection_id(&mut c).await;
    let mut q = insert_into(&table).columns(["id", "v"]);
    for i in 0..40_000i64 {
        q = q.values([Value::I64(i), Value::I64(i)]);
    }
    let insert = tokio::spawn(async move {
        let r = q.execute(&mut c).await;
        (r, c)
    });
    let waiting = format!("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE id = {id} AND info LIKE 'INSERT%'");
    for _ in 0..200 {
        let n: i64 = text(waiting.as_str()).fetch_one(&e).await.unwrap().get("n").unwrap();
        if n > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    text(format!("KILL {id}")).execute(&e).await.unwrap();
    let (r, mut c) = insert.await.unwrap();
    let err = r.expect_err("the killed insert fails");
    assert!(
        matches!(err.db_kind(), Some(athanor_core::DbErrorKind::ConnectionLost | athanor_core::DbErrorKind::CommitOutcomeUnknown)),
        "{err}"
    );
    blocker.rollback().await.unwrap();
    for i in 0..3i64 {
        let v: i64 = text("SELECT :i AS v").bind("i", i).fetch_one(&mut c).await.unwrap().get("v").unwrap();
        assert_eq!(v, i);
    }
    assert_ne!(connection_id(&mut c).await, id);
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{name}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 0, "nothing of the failed bulk insert stays");
    common::exec(&e, &format!("DROP TABLE `{name}`")).await;
}
