//! Athanor's own pool: no round trip on release, a ping on checkout only after idling, queued
//! rollbacks sent before a connection is reused, cancelled statements never pooled.

mod common;

use athanor_core::text;
use std::time::Duration;

/// Pings (COM_PING counts as an admin command) seen by the session of the pool's only connection.
async fn admin_commands(e: &athanor_core::Engine) -> i64 {
    let r = text("SHOW SESSION STATUS LIKE 'Com_admin_commands'").fetch_one(e).await.unwrap();
    r.get::<String>("Value").unwrap().parse().unwrap()
}

#[tokio::test]
async fn recently_used_connections_are_not_pinged() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    let before = admin_commands(&e).await;
    for i in 0..20i64 {
        let r = text("SELECT :i AS i").bind("i", i).fetch_one(&e).await.unwrap();
        assert_eq!(r.get::<i64>("i").unwrap(), i);
    }
    assert_eq!(admin_commands(&e).await - before, 0, "no ping on acquire or release");
}

#[tokio::test]
async fn pre_ping_after_zero_pings_every_checkout() {
    let e = common::engine_at(&format!("{}?maxsize=1&pool_pre_ping_after=0", common::URL));
    let before = admin_commands(&e).await;
    for _ in 0..5 {
        text("SELECT 1").execute(&e).await.unwrap();
    }
    // Five checkouts plus the one that reads the counter.
    assert_eq!(admin_commands(&e).await - before, 6);
}

#[tokio::test]
async fn idle_connections_are_pinged_and_dead_ones_replaced() {
    let e = common::engine_at(&format!("{}?maxsize=1&pool_pre_ping_after=0.05", common::URL));
    let id: u64 = text("SELECT CONNECTION_ID() AS id").fetch_one(&e).await.unwrap().get("id").unwrap();
    text(format!("KILL {id}")).execute(&common::engine()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let again: u64 = text("SELECT CONNECTION_ID() AS id").fetch_one(&e).await.unwrap().get("id").unwrap();
    assert_ne!(again, id);
}

#[tokio::test]
async fn a_dropped_transaction_releases_its_locks_without_another_checkout() {
    let t = common::unique("pool_locks");
    let e = common::engine_at(&format!("{}?maxsize=2", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY, v INT) ENGINE=InnoDB")).await;
    common::exec(&e, &format!("INSERT INTO `{t}` VALUES (1, 0)")).await;
    {
        let mut tx = e.begin().await.unwrap();
        text(format!("UPDATE `{t}` SET v = 1 WHERE id = 1")).execute(&mut tx).await.unwrap();
        // Dropped here: the ROLLBACK is queued and must reach the server promptly.
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Another engine (so not the same pooled connection) must get the row lock at once.
    let other = common::engine();
    let mut c = other.connect().await.unwrap();
    text("SET SESSION innodb_lock_wait_timeout = 1").execute(&mut c).await.unwrap();
    text(format!("UPDATE `{t}` SET v = 2 WHERE id = 1")).execute(&mut c).await.unwrap();
    let v: i64 = text(format!("SELECT v FROM `{t}` WHERE id = 1")).fetch_one(&mut c).await.unwrap().get("v").unwrap();
    assert_eq!(v, 2);
    drop(c);
    common::exec(&other, &format!("DROP TABLE `{t}`")).await;
}

#[tokio::test]
async fn a_cancelled_statement_does_not_poison_the_pool() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    let slow = text("SELECT SLEEP(6) AS s");
    // Cancel mid-statement.
    let r = tokio::time::timeout(Duration::from_millis(100), slow.fetch_all(&e)).await;
    assert!(r.is_err(), "the statement should still be running");
    let started = std::time::Instant::now();
    let v: i64 = text("SELECT 7 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
    assert_eq!(v, 7);
    // Well under the 6 s the cancelled statement still had to run (a loaded machine may take a
    // second to connect).
    assert!(started.elapsed() < Duration::from_secs(4), "the next query waited for the cancelled one: {:?}", started.elapsed());
}

#[tokio::test]
async fn one_that_finds_several_rows_leaves_the_connection_usable() {
    use athanor_core::schema::{ColumnDef, ColumnType, Table};
    let t = common::unique("pool_one");
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY, v INT)")).await;
    common::exec(&e, &format!("INSERT INTO `{t}` VALUES (1, 7), (2, 7), (3, 7), (4, 8)")).await;
    let table = Table::new(t.clone()).column(ColumnDef::new("id", ColumnType::I32)).column(ColumnDef::new("v", ColumnType::I32));
    let err = athanor_core::select(&table).filter(athanor_core::col("v").eq(7)).one(&e).await.unwrap_err();
    assert!(matches!(err, athanor_core::Error::MultipleRows), "{err:?}");
    // The same (only) connection still answers correctly: the unread rows were drained.
    let row = athanor_core::select(&table).filter(athanor_core::col("v").eq(8)).one(&e).await.unwrap();
    assert_eq!(row.get::<i32>("id").unwrap(), 4);
    common::exec(&e, &format!("DROP TABLE `{t}`")).await;
}

/// Statements compile before a connection is checked out: with the only connection held, one
/// MySQL cannot express fails at once with `Unsupported`, not with a pool timeout.
#[tokio::test]
async fn statements_compile_before_checkout() {
    use athanor_core::query::insert_into;
    let e = common::engine_at(&format!("{}?maxsize=1&pool_timeout=5", common::URL));
    text("SELECT 1").execute(&e).await.unwrap(); // identifies the server
    let held = e.connect().await.unwrap();
    let stmt = insert_into(&athanor_core::Table::new("t")).columns(["a"]).values([1i64]).on_conflict(["a"]).on_conflict_do_nothing();
    let err = tokio::time::timeout(Duration::from_secs(2), stmt.execute(&e)).await.expect("no wait for the held connection").unwrap_err();
    assert!(matches!(err, athanor_core::Error::Unsupported { dialect: "mysql", .. }), "{err}");
    drop(held);
}

/// A checkout's future stays small: the connect and ping paths are boxed rather than inlined into
/// every statement's future (it was 4.4 KB with the connect future inside).
#[tokio::test]
async fn a_checkout_future_does_not_carry_the_connect_future() {
    use athanor_mysql::pool::{new_pool, InitFn, PoolConfig};
    let opts: sqlx::mysql::MySqlConnectOptions = common::URL.parse().unwrap();
    let init: InitFn = std::sync::Arc::new(|_| Box::pin(async { Ok(()) }));
    let config = PoolConfig {
        max: 1,
        min: 0,
        acquire_timeout: Duration::from_secs(1),
        idle_timeout: None,
        max_lifetime: None,
        ping_after_idle: None,
        ping_timeout: Duration::from_secs(1),
    };
    let pool = new_pool(opts, init, config);
    let checkout = pool.acquire();
    assert!(std::mem::size_of_val(&checkout) < 1024, "{} bytes", std::mem::size_of_val(&checkout));
}
