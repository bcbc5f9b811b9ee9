//! Connection options end to end: unix socket, TLS modes, connect_timeout.

mod common;

use athanor_core::{text, DbErrorKind, Error};
use std::time::{Duration, Instant};

#[tokio::test]
async fn unix_socket_connects() {
    let socket: String = text("SELECT @@socket AS s").fetch_one(&common::engine()).await.unwrap().get("s").unwrap();
    assert!(std::path::Path::new(&socket).exists(), "the test server's socket {socket} is missing");
    let e = common::engine_at(&format!("mysql+aiomysql://root@/test?unix_socket={socket}"));
    match text("SELECT @@socket AS s, DATABASE() AS d").fetch_one(&e).await {
        Ok(r) => {
            assert_eq!(r.get::<String>("d").unwrap(), "test");
            assert_eq!(r.get::<String>("s").unwrap(), socket);
        }
        // A fresh Debian server lets root@localhost in through unix_socket auth only (OS user
        // root); being refused as 'root'@'localhost' still shows the socket was used, since TCP
        // to 127.0.0.1 logs in as root@127.0.0.1.
        Err(err) => {
            assert_eq!(err.db_kind(), Some(DbErrorKind::AccessDenied), "{err}");
            assert!(err.to_string().contains("'root'@'localhost'"), "{err}");
        }
    }
}

#[tokio::test]
async fn ssl_mode_disabled_and_preferred_work_without_server_tls() {
    for mode in ["disabled", "preferred", "DISABLED"] {
        let e = common::engine_at(&format!("{}?ssl_mode={mode}", common::URL));
        let r = text("SELECT 1 AS one").fetch_one(&e).await.unwrap();
        assert_eq!(r.get::<i64>("one").unwrap(), 1, "{mode}");
    }
}

#[tokio::test]
async fn ssl_mode_required_fails_typed_when_the_server_has_no_tls() {
    // The test server runs with have_ssl=DISABLED.
    let e = common::engine_at("mysql://root:Tls_pw_9x@127.0.0.1:3306/test?ssl_mode=required&pool_timeout=3");
    let err = text("SELECT 1").execute(&e).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("Tls_pw_9x"), "{shown}");
    match &err {
        Error::Database(d) => assert_eq!(d.kind, DbErrorKind::ConnectFailed, "{err}"),
        Error::PoolTimeout { last_error: Some(last), .. } => assert!(last.contains("ConnectFailed"), "{last}"),
        other => panic!("expected a connect failure, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_timeout_bounds_the_wait() {
    let e = common::engine_at("mysql://root@127.0.0.1:1/test?connect_timeout=1");
    let started = Instant::now();
    let err = text("SELECT 1").execute(&e).await.unwrap_err();
    match err {
        Error::PoolTimeout { waited, .. } => assert_eq!(waited, Duration::from_secs(1)),
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}

#[tokio::test]
async fn double_pipe_keeps_the_servers_meaning() {
    // As with aiomysql/asyncmy: no PIPES_AS_CONCAT unless the server's sql_mode has it.
    let e = common::engine();
    let r = text("SELECT 1 || 0 AS v, @@session.sql_mode AS m").fetch_one(&e).await.unwrap();
    let mode = r.get::<String>("m").unwrap();
    assert!(!mode.contains("PIPES_AS_CONCAT"), "{mode}");
    assert_eq!(r.get::<i64>("v").unwrap(), 1);
}

fn pool_of(e: &athanor_core::Engine) -> &athanor_mysql::pool::ConnPool {
    e.backend().as_any().downcast_ref::<athanor_mysql::MySqlBackend>().expect("a MySQL backend").pool()
}

#[tokio::test]
async fn pool_options_take_effect() {
    // Defaults: pre-ping after 1 s idle, 30 min lifetime, 30 s acquire timeout, 10 connections.
    let e = common::engine();
    let o = pool_of(&e).config().clone();
    assert_eq!(o.ping_after_idle, Some(Duration::from_secs(1)));
    assert_eq!(o.max_lifetime, Some(Duration::from_secs(1800)));
    assert_eq!(o.acquire_timeout, Duration::from_secs(30));
    assert_eq!((o.min, o.max), (0, 10));

    // SQLAlchemy spellings.
    let e = common::engine_at(&format!("{}?pool_size=2&max_overflow=1&pool_recycle=600&pool_pre_ping=false&pool_timeout=7", common::URL));
    let o = pool_of(&e).config().clone();
    assert_eq!(o.max, 3);
    assert_eq!(o.max_lifetime, Some(Duration::from_secs(600)));
    assert_eq!(o.ping_after_idle, None);
    assert_eq!(o.acquire_timeout, Duration::from_secs(7));
    let e = common::engine_at(&format!("{}?pool_pre_ping_after=0", common::URL));
    assert_eq!(pool_of(&e).config().ping_after_idle, Some(Duration::ZERO));

    // aiomysql spellings: the pool keeps minsize connections open once in use.
    let e = common::engine_at(&format!("{}?minsize=3&maxsize=4", common::URL));
    text("SELECT 1").execute(&e).await.unwrap();
    let p = pool_of(&e);
    let deadline = Instant::now() + Duration::from_secs(5);
    while p.size() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(p.size() >= 3, "pool size {}", p.size());
    assert_eq!(p.config().max, 4);
}
