//! Several hosts in one URL (`?host=A:5432&host=B:5432&target_session_attrs=...`), tried in
//! order as libpq does: a down or black-holed host is skipped within `connect_timeout`, and
//! `target_session_attrs` picks the primary or a REAL streaming standby (a private primary and a
//! `pg_basebackup -R` standby from testkit; the shared server is only read from).

mod common;

use athanor_core::{text, DbErrorKind, Engine, Error};
use athanor_testkit::faults::bounded;
use athanor_testkit::{FaultProxy, Mode, PrivatePostgres};
use std::time::Duration;

/// A loopback port nothing listens on (bound, then closed).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The shared server's `host:port` (only read from).
fn shared() -> String {
    let url = athanor_core::DbUrl::parse(&common::url()).unwrap();
    format!("{}:{}", url.host().unwrap_or("127.0.0.1"), url.port().unwrap_or(5432))
}

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1::int8 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

/// The port of the server the engine's session landed on, and whether it is in recovery.
async fn landed(e: &Engine) -> athanor_core::Result<(i64, bool)> {
    let row = text("SELECT inet_server_port()::int8 AS port, pg_is_in_recovery() AS standby").fetch_one(e).await?;
    Ok((row.get("port").unwrap(), row.get("standby").unwrap()))
}

fn engine(hosts: &[String], query: &str) -> Engine {
    let hosts: Vec<String> = hosts.iter().map(|h| format!("host={h}")).collect();
    common::engine_at(&format!("postgresql+asyncpg://postgres:s3cret@/test?{}&{query}", hosts.join("&")))
}

#[tokio::test]
async fn a_down_first_host_is_skipped() {
    let url = format!("postgresql+asyncpg://postgres@/test?host=127.0.0.1:{}&host={}&connect_timeout=2", closed_port(), shared());
    let e = common::engine_at(&url);
    assert_eq!(bounded("connect past a down host", one(&e)).await.0.unwrap(), 1);
    // The psycopg spelling: one `host` list and one `port` list.
    let (port, shared_port) = (closed_port(), shared().rsplit_once(':').unwrap().1.to_owned());
    let e = common::engine_at(&format!("postgresql+psycopg://postgres@/test?host=127.0.0.1,127.0.0.1&port={port},{shared_port}"));
    assert_eq!(bounded("connect past a down host", one(&e)).await.0.unwrap(), 1);
    for target in ["read-write", "primary", "prefer-standby", "any"] {
        let e = engine(&[format!("127.0.0.1:{}", closed_port()), shared()], &format!("target_session_attrs={target}&connect_timeout=2"));
        let (_, standby) = bounded("connect past a down host", landed(&e)).await.0.unwrap();
        assert!(!standby, "{target}");
    }
}

#[tokio::test]
async fn a_black_holed_first_host_costs_one_connect_timeout() {
    let hole = FaultProxy::start(shared().parse().unwrap());
    hole.set_mode(Mode::BlackHole);
    let limit = Duration::from_secs(1);
    let e = engine(&[hole.addr().to_string(), shared()], "target_session_attrs=read-write&connect_timeout=1");
    let (r, took) = bounded("connect past a black hole", one(&e)).await;
    assert_eq!(r.unwrap(), 1);
    // Without the limit the connect would wait for the whole pool_timeout (30 s).
    assert!(took >= limit && took < 3 * limit, "took {took:?} for connect_timeout {limit:?}");
    assert_eq!(hole.accepted(), 1);

    // Nothing answers: a typed error after about one connect_timeout per host, naming each host
    // and why (the first round's error; a down host is worth retrying until the deadline).
    let down = format!("127.0.0.1:{}", closed_port());
    let e = engine(&[hole.addr().to_string(), down.clone()], "connect_timeout=1");
    let (r, took) = bounded("connect to a black hole and a down host", one(&e)).await;
    match r {
        Err(Error::PoolTimeout { last_error: Some(why), .. }) => {
            assert!(why.starts_with("no host could be connected to"), "{why}");
            assert!(why.contains(&hole.addr().to_string()) && why.contains("did not answer within"), "{why}");
            assert!(why.contains(&down) && why.contains("connection refused"), "{why}");
            assert!(!why.contains("s3cret"), "{why}");
        }
        other => panic!("expected a PoolTimeout naming both hosts, got {other:?}"),
    }
    assert!(took < 2 * 2 * limit, "took {took:?}");
}

#[tokio::test]
async fn standby_with_only_a_primary_is_a_typed_error_at_once() {
    for target in ["standby", "read-only"] {
        let e = engine(&[shared()], &format!("target_session_attrs={target}&pool_timeout=20"));
        let (r, took) = bounded("standby on a primary", one(&e)).await;
        let err = r.unwrap_err();
        assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectFailed), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&shared()) && msg.contains(&format!("target_session_attrs={target}")), "{msg}");
        assert!(!format!("{msg} {err:?}").contains("s3cret"), "{msg}");
        // Every host answered: no retrying until pool_timeout.
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}

/// A private primary and a real streaming standby of it. One test, so the servers are never
/// shared between tests.
#[tokio::test]
async fn target_session_attrs_picks_primary_or_standby_and_follows_a_failover() {
    let primary = bounded("start a private PostgreSQL", PrivatePostgres::start()).await.0.expect("a private PostgreSQL");
    let standby = bounded("start a streaming standby", primary.start_standby()).await.0.expect("a streaming standby");
    let (p, s) = (primary.addr().to_string(), standby.addr().to_string());
    let (p_port, s_port) = (i64::from(primary.port()), i64::from(standby.port()));
    let cases = [
        (vec![p.clone(), s.clone()], "standby", s_port),
        (vec![p.clone(), s.clone()], "read-only", s_port),
        (vec![p.clone(), s.clone()], "prefer-standby", s_port),
        (vec![s.clone(), p.clone()], "primary", p_port),
        (vec![s.clone(), p.clone()], "read-write", p_port),
        (vec![s.clone(), p.clone()], "any", s_port),
        (vec![p.clone()], "prefer-standby", p_port),
    ];
    for (hosts, target, want) in cases {
        let e = engine(&hosts, &format!("target_session_attrs={target}&connect_timeout=5"));
        let (port, in_recovery) = bounded("a query", landed(&e)).await.0.unwrap();
        assert_eq!((port, in_recovery), (want, want == s_port), "{target} over {hosts:?}");
    }
    // A write through a read-write engine reaches the standby by replication.
    let rw = engine(&[s.clone(), p.clone()], "target_session_attrs=read-write&connect_timeout=5&maxsize=1&pool_timeout=2");
    text("CREATE TABLE replicated (id INT PRIMARY KEY)").execute(&rw).await.unwrap();
    text("INSERT INTO replicated VALUES (7)").execute(&rw).await.unwrap();
    let ro = engine(&[p.clone(), s.clone()], "target_session_attrs=standby&connect_timeout=5");
    let mut seen = false;
    for _ in 0..100 {
        if text("SELECT id FROM replicated").fetch_all(&ro).await.is_ok_and(|rows| rows.len() == 1) {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "the standby never showed the row");
    let err = text("INSERT INTO replicated VALUES (8)").execute(&ro).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::Other), "a standby refuses writes: {err}");

    // Failover: the primary dies; until the standby is promoted no host fits read-write (and
    // the pool never hands out a session on the standby); then the pool's next session lands on
    // the promoted standby.
    primary.kill();
    let mut refused = None;
    for _ in 0..3 {
        match bounded("read-write with the primary down", landed(&rw)).await.0 {
            Err(Error::PoolTimeout { last_error: Some(why), .. }) => {
                refused = Some(why);
                break;
            }
            Err(err) => assert!(err.is_retryable(), "{err:?}"),
            Ok(v) => panic!("a read-write session with the primary down: {v:?}"),
        }
    }
    let why = refused.expect("a PoolTimeout naming the hosts");
    assert!(why.contains(&format!("{s} accepts no writes")) && why.contains(&format!("{p} failed")), "{why}");
    let promote = common::engine_at(&format!("postgresql://postgres@{s}/test?connect_timeout=5"));
    text("SELECT pg_promote()").fetch_one(&promote).await.unwrap();
    let mut after = None;
    for _ in 0..5 {
        match bounded("a query after failover", landed(&rw)).await.0 {
            Ok(v) => {
                after = Some(v);
                break;
            }
            Err(err) => assert!(err.is_retryable() || matches!(err, Error::PoolTimeout { .. }), "{err:?}"),
        }
    }
    assert_eq!(after, Some((s_port, false)), "the read-write engine follows the promoted standby");
    text("INSERT INTO replicated VALUES (9)").execute(&rw).await.unwrap();
}
