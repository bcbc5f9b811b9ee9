//! Typed errors against the server, connection loss and recovery, pool timeouts, option
//! refusal, and no password in any error or `Debug` output.

mod common;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{insert_into, select, text, DbErrorKind, EngineOptions, Error, Value};
use std::time::Duration;

const SECRET: &str = "Zq9_sup3r-Secr3t-pw";

#[tokio::test]
async fn constraint_violations_are_typed() {
    let parent = Table::new(common::unique("parent"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("code", ColumnType::String { max_len: Some(8) }).unique())
        .primary_key(["id"]);
    let child = Table::new(common::unique("child"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("parent_id", ColumnType::I64).references(parent.name.clone(), "id"))
        .primary_key(["id"]);
    let e = common::engine();
    e.create_all(&[&child, &parent]).await.unwrap();
    insert_into(&parent).columns(["id", "code"]).values([Value::I64(1), Value::from("a")]).execute(&e).await.unwrap();

    let err = insert_into(&parent).columns(["id", "code"]).values([Value::I64(2), Value::from("a")]).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation), "{err}");
    let Error::Database(d) = &err else { panic!() };
    assert_eq!(d.code.as_deref(), Some("1062"));
    assert_eq!(d.dialect, "mysql");
    assert!(!err.is_retryable());

    let err = insert_into(&child).columns(["parent_id"]).values([Value::I64(99)]).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
    insert_into(&child).columns(["parent_id"]).values([Value::I64(1)]).execute(&e).await.unwrap();
    let err = text(format!("DELETE FROM `{}` WHERE id = 1", parent.name)).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
    let Error::Database(d) = &err else { panic!() };
    assert_eq!(d.code.as_deref(), Some("1451"));

    let err = insert_into(&parent).columns(["id", "code"]).values([Value::I64(3), Value::Null]).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::NotNullViolation), "{err}");

    e.drop_all(&[&child, &parent]).await.unwrap();
    let err = select(&parent).all(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::TableNotFound), "{err}");
    let err = text("SELEC 1").execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Syntax), "{err}");
}

#[tokio::test]
async fn access_denied_never_shows_the_password() {
    let url = format!("mysql+aiomysql://athanor_nobody:{SECRET}@127.0.0.1:3306/test?pool_timeout=5");
    let e = common::engine_at(&url);
    let dbg = format!("{e:?} {:?}", e.backend());
    assert!(!dbg.contains(SECRET), "{dbg}");
    let err = text("SELECT 1").execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::AccessDenied), "{err}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("athanor_nobody"), "the message should still say who was refused: {shown}");
    }
    // Also through a connection and a transaction.
    let err = e.connect().await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(SECRET));
    let err = e.begin().await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::AccessDenied));
}

#[tokio::test]
async fn pool_timeout_carries_host_and_last_connect_error() {
    // Nothing listens on port 1: sqlx retries until the acquire deadline.
    let e = common::engine_at(&format!("mysql://root:{SECRET}@127.0.0.1:1/test?pool_timeout=1"));
    let started = std::time::Instant::now();
    let err = text("SELECT 1").execute(&e).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    match &err {
        Error::PoolTimeout { host, waited, last_error } => {
            assert_eq!(host, "127.0.0.1:1");
            assert_eq!(*waited, Duration::from_secs(1));
            let last = last_error.as_deref().expect("the last connect error");
            assert!(last.contains("ConnectFailed") && last.contains("127.0.0.1:1"), "{last}");
        }
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[tokio::test]
async fn exhausted_pool_times_out() {
    let e = common::engine_at(&format!("{}?maxsize=1&pool_timeout=0.5", common::URL));
    let held = e.connect().await.unwrap();
    let err = e.connect().await.unwrap_err();
    match &err {
        // The server is fine: there is no connect error to report.
        Error::PoolTimeout { host, last_error, .. } => {
            assert_eq!(host, "127.0.0.1:3306");
            assert_eq!(last_error, &None);
        }
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    drop(held);
    text("SELECT 1").execute(&e).await.unwrap();
}

#[tokio::test]
async fn unknown_option_is_refused_with_the_accepted_list() {
    let err = athanor_core::Engine::from_registry(
        &common::registry(),
        &format!("{}?maxsize=3&sslmode=required", common::URL),
        EngineOptions::default(),
    )
    .unwrap_err();
    match &err {
        Error::UnknownOption { dialect, key, accepted } => {
            assert_eq!(dialect, "mysql");
            assert_eq!(key, "sslmode");
            for k in [
                "ssl_mode",
                "charset",
                "collation",
                "unix_socket",
                "connect_timeout",
                "init_command",
                "sql_mode",
                "minsize",
                "pool_recycle",
            ] {
                assert!(accepted.split(", ").any(|a| a == k), "{k} missing from {accepted}");
            }
        }
        other => panic!("expected UnknownOption, got {other:?}"),
    }
}

#[tokio::test]
async fn init_command_and_sql_mode_run_on_each_connection() {
    let e = common::engine_at(&format!("{}?init_command=SET+%40athanor_init%3D42&sql_mode=ANSI_QUOTES&maxsize=2", common::URL));
    for _ in 0..3 {
        let r = text("SELECT @athanor_init AS v, @@session.sql_mode AS m").fetch_one(&e).await.unwrap();
        assert_eq!(r.get::<i64>("v").unwrap(), 42);
        assert_eq!(r.get::<String>("m").unwrap(), "ANSI_QUOTES");
    }
    let e = common::engine_at(&format!("{}?charset=utf8mb4&collation=utf8mb4_bin", common::URL));
    let r = text("SELECT @@collation_connection AS c").fetch_one(&e).await.unwrap();
    assert_eq!(r.get::<String>("c").unwrap(), "utf8mb4_bin");
}

#[tokio::test]
async fn killed_connection_is_connection_lost_and_the_engine_keeps_serving() {
    // Pre-ping after 50 ms idle: the default (1 s) would make this test sleep.
    let e = common::engine_at(&format!("{}?maxsize=3&pool_pre_ping_after=0.05", common::URL));
    let killer = common::engine();
    let mut conn = e.connect().await.unwrap();
    let id: u64 = text("SELECT CONNECTION_ID() AS id").fetch_one(&mut conn).await.unwrap().get("id").unwrap();
    text(format!("KILL {id}")).execute(&killer).await.unwrap();
    let err = text("SELECT 1").execute(&mut conn).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err}");
    assert!(err.is_retryable());
    drop(conn);
    // Idle pooled connections killed behind the pool's back are replaced too (pre-ping).
    let mut ids = Vec::new();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut c = e.connect().await.unwrap();
        ids.push(text("SELECT CONNECTION_ID() AS id").fetch_one(&mut c).await.unwrap().get::<u64>("id").unwrap());
        held.push(c);
    }
    drop(held);
    for id in &ids {
        text(format!("KILL {id}")).execute(&killer).await.unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    for i in 0..20i64 {
        let r = text("SELECT :i AS i, CONNECTION_ID() AS id").bind("i", i).fetch_one(&e).await.unwrap();
        assert_eq!(r.get::<i64>("i").unwrap(), i);
        assert!(!ids.contains(&r.get::<u64>("id").unwrap()));
    }
}
