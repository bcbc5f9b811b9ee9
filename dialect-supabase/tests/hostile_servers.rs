//! Servers that misbehave (issue 11, defects 6 and 8): redirects to another origin, empty or
//! garbage bodies, lying `Content-Range`, HTML error pages, truncated bodies, silence. Each
//! gives a typed error — never a panic, a silent empty result, or a key sent elsewhere.

mod common;

use athanor_core::query::{col, select};
use athanor_core::{DbErrorKind, Engine, Error, Table};
use athanor_supabase::SupabaseExt;
use common::server::{Mock, Reply};
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "service-role-key-not-for-strangers-9931";

fn engine_for(mock: &Mock, extra: &str) -> Engine {
    common::engine(&mock.url(KEY, extra))
}

fn redirect_to(status: u16, target: &Mock) -> Reply {
    let mut r = Reply::empty(status);
    r.headers.push(("location", format!("http://{}/rest/v1/t?select=*", target.addr)));
    r
}

#[tokio::test]
async fn redirects_to_another_origin_never_carry_credentials() {
    for status in [301, 302, 303, 307, 308] {
        let stranger = Mock::start(vec![]).await;
        let mock = Mock::start(vec![redirect_to(status, &stranger); 4]).await;
        let e = engine_for(&mock, "");
        let err = select(&Table::new("t")).all(&e).await.unwrap_err();
        match &err {
            Error::Database(d) => assert_eq!((d.kind, d.status), (DbErrorKind::Other, Some(status)), "{err}"),
            other => panic!("{status}: expected a typed redirect error, got {other:?}"),
        }
        assert!(err.to_string().contains("redirect"), "{err}");
        assert!(!err.to_string().contains(KEY), "{err}");
        // A write (the key goes with the body) and an rpc call are not followed either.
        let write = athanor_core::query::insert_into(&Table::new("t")).columns(["a"]).values([1]).execute(&e).await;
        assert!(write.is_err());
        assert!(e.rpc("f", serde_json::json!({"a": 1})).fetch_all().await.is_err());
        let leaked: Vec<_> =
            stranger.seen().into_iter().filter(|s| s.header("apikey").is_some() || s.header("authorization").is_some()).collect();
        assert!(leaked.is_empty(), "{status}: the other origin received credentials: {leaked:?}");
        assert!(stranger.seen().is_empty(), "{status}: redirects are not followed at all");
    }
}

fn decode_err(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(e @ Error::Decode { .. }) => e.to_string(),
        other => panic!("expected a typed decode (protocol) error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_200_body_is_a_protocol_error_not_zero_rows() {
    let mock = Mock::start(vec![Reply::empty(200), Reply::empty(200).range("0-1/*"), Reply::empty(201), Reply::json(200, "  \n")]).await;
    let e = engine_for(&mock, "");
    let msg = decode_err(select(&Table::new("t")).all(&e).await);
    assert!(msg.contains("empty body"), "{msg}");
    decode_err(select(&Table::new("t")).all(&e).await);
    // A write asked to return rows gets nothing back.
    let ins = athanor_core::query::insert_into(&Table::new("t")).columns(["a"]).values([1]).returning(["a"]).fetch_all(&e).await;
    decode_err(ins);
    // A stream of an empty body.
    let streamed: Vec<_> = select(&Table::new("t")).stream(&e).collect().await;
    assert!(matches!(streamed.as_slice(), [Err(Error::Decode { .. })]), "{streamed:?}");
}

#[tokio::test]
async fn garbage_bodies_and_headers_are_typed_errors() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let mut html502 = Reply::empty(502);
    html502.headers.push(("content-type", "text/html".into()));
    html502.body = html.into();
    let mock = Mock::start(vec![
        Reply::json(200, "not json at all"),
        Reply::json(200, r#"{"id":1}"#),
        Reply::json(200, r#"[1,2,3]"#),
        Reply::json(200, r#"[{"id":1}"#),
        html502,
        Reply::empty(200).range("garbage"),
        Reply::empty(200).range("5-2/10"),
        Reply::empty(200).range("0-9/3"),
        Reply::empty(200),
    ])
    .await;
    let e = engine_for(&mock, "");
    let t = Table::new("t");
    decode_err(select(&t).all(&e).await);
    decode_err(select(&t).all(&e).await);
    decode_err(select(&t).all(&e).await);
    decode_err(select(&t).all(&e).await);
    match select(&t).all(&e).await {
        Err(Error::Database(d)) => assert_eq!((d.kind, d.status), (DbErrorKind::Unavailable, Some(502))),
        other => panic!("{other:?}"),
    }
    decode_err(select(&t).count(&e).await);
    decode_err(select(&t).count(&e).await);
    decode_err(select(&t).exists(&e).await);
    decode_err(select(&t).exists(&e).await);
}

/// A raw TCP server: answers every connection with `answer` (then closes), or never answers.
async fn raw_server(answer: Option<&'static str>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                match answer {
                    Some(a) => {
                        let _ = sock.write_all(a.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn truncated_bodies_and_silent_servers() {
    let cut = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n[{\"id\":1},{\"id\":";
    let addr = raw_server(Some(cut)).await;
    let e = common::engine(&format!("supabase+http://anon:{KEY}@{addr}"));
    match select(&Table::new("t")).all(&e).await {
        Err(Error::Database(d)) => assert_eq!(d.kind, DbErrorKind::ConnectionLost, "{d}"),
        other => panic!("{other:?}"),
    }
    let streamed: Vec<_> = select(&Table::new("t")).stream(&e).collect().await;
    assert!(matches!(streamed.last(), Some(Err(_))), "{streamed:?}");

    let addr = raw_server(None).await;
    let e = common::engine(&format!("supabase+http://anon:{KEY}@{addr}?timeout=0.5"));
    let started = Instant::now();
    match select(&Table::new("t")).filter(col("a").eq(1)).all(&e).await {
        Err(Error::Database(d)) => assert_eq!(d.kind, DbErrorKind::Timeout, "{d}"),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "the timeout applies ({:?})", started.elapsed());
}
