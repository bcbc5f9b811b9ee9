//! Requests against a loopback server answering as PostgREST documents: rows decoded into models,
//! counts from Content-Range, write statuses, typed errors, retries and timeouts.

mod common;

use athanor_core::model::Model;
use athanor_core::query::{col, select, text};
use athanor_core::{DbErrorKind, Decimal, Engine, Error, Table};
use athanor_supabase::SupabaseExt;
use common::model::Candle;
use common::server::{Mock, Reply};
use futures_util::StreamExt;

const KEY: &str = "sekrit-anon-key-4242";

fn engine_for(mock: &Mock, extra: &str) -> Engine {
    common::engine(&mock.url(KEY, extra))
}

const CANDLES: &str = r#"[
 {"id":1,"symbol":"BTC","ts":"2024-01-01T00:00:00","close":42000.123456789012345678,"uid":"67e55044-10b1-426f-9247-bb680e5fe0c8","note":null},
 {"id":2,"symbol":"BTC","ts":"2024-01-01T00:01:00.5","close":"42001.5","uid":"67e55044-10b1-426f-9247-bb680e5fe0c9","note":"x"}
]"#;

#[tokio::test]
async fn rows_decode_into_models_exactly() {
    let mock = Mock::start(vec![Reply::json(200, CANDLES).range("0-1/*")]).await;
    let e = engine_for(&mock, "");
    let rows: Vec<Candle> = Candle::select().filter(col("symbol").eq("BTC")).order_by(col("ts").desc()).limit(10).all(&e).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].close, "42000.123456789012345678".parse::<Decimal>().unwrap());
    assert_eq!(rows[1].close, "42001.5".parse::<Decimal>().unwrap());
    assert_eq!(rows[1].ts.to_string(), "2024-01-01 00:01:00.500");
    assert_eq!(rows[0].note, None);
    assert_eq!(rows[1].note.as_deref(), Some("x"));
    let seen = &mock.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.uri, "/rest/v1/ohlcv_1m?select=id%2Csymbol%2Cts%2Cclose%2Cuid%2Cnote&symbol=eq.BTC&order=ts.desc&limit=10");
    assert_eq!(seen.header("apikey"), Some(KEY));
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
}

#[tokio::test]
async fn core_rows_and_streams() {
    let mock = Mock::start(vec![Reply::json(200, r#"[{"b":"2","a":1.5,"j":{"k":[1]}}]"#), Reply::json(200, CANDLES)]).await;
    let e = engine_for(&mock, "");
    let rows = select(&Table::new("t")).all(&e).await.unwrap();
    assert_eq!(rows[0].columns(), ["b", "a", "j"]);
    assert_eq!(rows[0].get::<f64>("a").unwrap(), 1.5);
    assert_eq!(rows[0].get::<i64>("b").unwrap(), 2);
    assert_eq!(rows[0].get::<serde_json::Value>("j").unwrap(), serde_json::json!({"k": [1]}));
    let streamed: Vec<Candle> = Candle::select().stream(&e).map(|r| r.unwrap()).collect().await;
    assert_eq!(streamed.len(), 2);
}

#[tokio::test]
async fn count_and_exists_read_content_range() {
    let mock = Mock::start(vec![
        Reply::empty(206).range("0-9/100"),
        Reply::empty(200).range("*/0"),
        Reply::empty(200).range("0-0/*"),
        Reply::empty(200).range("*/*"),
    ])
    .await;
    let e = engine_for(&mock, "");
    assert_eq!(Candle::select().filter(col("symbol").eq("BTC")).offset(95).limit(10).count(&e).await.unwrap(), 5);
    assert_eq!(Candle::select().count(&e).await.unwrap(), 0);
    assert!(Candle::select().exists(&e).await.unwrap());
    assert!(!Candle::select().exists(&e).await.unwrap());
    let seen = mock.seen();
    assert_eq!(seen[0].method, "HEAD");
    assert_eq!(seen[0].uri, "/rest/v1/ohlcv_1m?select=*&symbol=eq.BTC");
    assert_eq!(seen[0].header("prefer"), Some("count=exact"));
    assert_eq!(seen[2].uri, "/rest/v1/ohlcv_1m?select=*&limit=1");
}

#[tokio::test]
async fn one_and_first_send_limits() {
    let two = r#"[{"id":1},{"id":2}]"#;
    let mock = Mock::start(vec![
        Reply::json(200, two),
        Reply::json(200, "[]"),
        Reply::json(200, r#"[{"id":1}]"#),
        Reply::error(406, "PGRST116", "Cannot coerce the result to a single JSON object"),
    ])
    .await;
    let e = engine_for(&mock, "");
    let q = || select(&Table::new("t")).columns([col("id")]);
    assert!(matches!(q().one(&e).await, Err(Error::MultipleRows)));
    assert!(matches!(q().one(&e).await, Err(Error::NotFound)));
    assert_eq!(q().first(&e).await.unwrap().unwrap().get::<i64>("id").unwrap(), 1);
    assert!(matches!(q().all(&e).await, Err(Error::MultipleRows)), "PGRST116 with details other than 0 rows");
    let seen = mock.seen();
    assert!(seen[0].uri.ends_with("limit=2") && seen[2].uri.ends_with("limit=1"), "{seen:?}");
}

#[tokio::test]
async fn writes_report_rows_affected_and_returning_rows() {
    let stored =
        r#"[{"id":7,"symbol":"BTC","ts":"2024-01-01T00:00:00","close":"1.10","uid":"67e55044-10b1-426f-9247-bb680e5fe0c8","note":null}]"#;
    let mock = Mock::start(vec![
        Reply::empty(201).range("*/2"),
        Reply::json(201, stored).range("*/1"),
        Reply::empty(204).range("0-2/3"),
        Reply::empty(204).range("*/1"),
    ])
    .await;
    let e = engine_for(&mock, "");
    let c = Candle {
        id: 0,
        symbol: "BTC".into(),
        ts: "2024-01-01T00:00:00".parse().unwrap(),
        close: "1.10".parse().unwrap(),
        uid: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
        note: None,
    };
    assert_eq!(Candle::insert_many(&[c.clone(), c.clone()]).execute(&e).await.unwrap(), 2);
    let saved = c.insert().execute(&e).await.unwrap();
    assert_eq!(saved.id, 7);
    assert_eq!(
        Candle::update()
            .set(athanor_core::Column::<Candle, Option<String>>::new("note"), Some("n".to_owned()))
            .filter(col("id").lt(4))
            .execute(&e)
            .await
            .unwrap(),
        3
    );
    assert_eq!(Candle::delete().filter(col("id").eq(7)).execute(&e).await.unwrap(), 1);
    let seen = mock.seen();
    assert_eq!(seen[0].method, "POST");
    assert!(seen[0].uri.contains("columns=%22symbol%22%2C%22ts%22%2C%22close%22%2C%22uid%22%2C%22note%22"), "{}", seen[0].uri);
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    // Sent exact, at the column's scale (DECIMAL(20, 8) by default), as the server stores it.
    assert_eq!(body[0]["close"], "1.10000000");
    assert_eq!(seen[1].header("prefer"), Some("count=exact, return=representation"));
    assert_eq!((seen[2].method.as_str(), seen[3].method.as_str()), ("PATCH", "DELETE"));
}

fn db_err(r: Result<impl std::fmt::Debug, Error>) -> athanor_core::DatabaseError {
    match r {
        Err(Error::Database(d)) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_bodies_become_typed_errors_without_secrets() {
    let mock = Mock::start(vec![
        Reply::error(409, "23505", "duplicate key value violates unique constraint \"ohlcv_pkey\""),
        Reply::error(409, "23503", "insert or update violates foreign key constraint"),
        Reply::error(400, "23502", "null value in column violates not-null constraint"),
        Reply::error(404, "PGRST205", "Could not find the table 'public.nope' in the schema cache"),
        Reply::error(404, "42P01", "relation \"nope\" does not exist"),
        Reply::error(401, "PGRST301", &format!("JWT invalid: {KEY}")).range("*/*"),
        Reply::error(403, "42501", "permission denied for table t"),
        Reply::empty(401),
    ])
    .await;
    let e = engine_for(&mock, "");
    let q = || select(&Table::new("t"));
    let d = db_err(q().all(&e).await);
    assert_eq!(
        (d.kind, d.status, d.code.as_deref(), d.details.as_deref()),
        (DbErrorKind::UniqueViolation, Some(409), Some("23505"), Some("some details"))
    );
    assert_eq!(db_err(q().all(&e).await).kind, DbErrorKind::ForeignKeyViolation);
    assert_eq!(db_err(q().all(&e).await).kind, DbErrorKind::NotNullViolation);
    assert_eq!(db_err(q().all(&e).await).kind, DbErrorKind::TableNotFound);
    assert_eq!(db_err(q().all(&e).await).kind, DbErrorKind::TableNotFound);
    let d = db_err(q().all(&e).await);
    assert_eq!(d.kind, DbErrorKind::AccessDenied);
    assert!(!format!("{d} {d:?}").contains(KEY), "{d}");
    assert_eq!(db_err(q().all(&e).await).kind, DbErrorKind::AccessDenied);
    let d = db_err(q().all(&e).await);
    assert_eq!((d.kind, d.status), (DbErrorKind::AccessDenied, Some(401)));
}

#[tokio::test]
async fn reads_retry_503_and_520_writes_do_not() {
    let busy = || Reply::error(503, "PGRST001", "Database client error. Retrying the connection.");
    let mock = Mock::start(vec![busy(), Reply::empty(520), Reply::json(200, "[]"), busy(), busy(), busy(), busy()]).await;
    let e = engine_for(&mock, "");
    assert!(select(&Table::new("t")).all(&e).await.unwrap().is_empty());
    assert_eq!(mock.seen().len(), 3);
    let d = db_err(select(&Table::new("t")).all(&e).await);
    assert_eq!(d.kind, DbErrorKind::Unavailable);
    assert!(d.is_retryable());
    assert_eq!(mock.seen().len(), 6, "three tries, then the error");
    let d = db_err(athanor_core::query::delete_from(&Table::new("t")).filter(col("a").eq(1)).execute(&e).await);
    assert_eq!(d.status, Some(503));
    assert_eq!(mock.seen().len(), 7, "a write is sent once");
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_typed() {
    let mock = Mock::start(vec![Reply::json(200, "[]").delay(std::time::Duration::from_secs(3))]).await;
    let e = engine_for(&mock, "?timeout=0.3");
    let d = db_err(select(&Table::new("t")).all(&e).await);
    assert_eq!(d.kind, DbErrorKind::Timeout);
    assert!(!d.message.contains(KEY));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed = common::engine(&format!("supabase+http://anon:{KEY}@127.0.0.1:{port}"));
    let d = db_err(select(&Table::new("t")).all(&closed).await);
    assert_eq!(d.kind, DbErrorKind::ConnectFailed);
    assert!(!format!("{d:?}").contains(KEY));
}

#[tokio::test]
async fn unsupported_features_send_nothing() {
    let mock = Mock::start(vec![]).await;
    let e = engine_for(&mock, "");
    let unsupported = |r: Result<(), Error>| assert!(matches!(r, Err(Error::Unsupported { dialect: "supabase", .. })), "{r:?}");
    unsupported(text("SELECT 1").fetch_all(&e).await.map(|_| ()));
    unsupported(text("DELETE FROM t").execute(&e).await.map(|_| ()));
    unsupported(e.begin().await.map(|_| ()));
    unsupported(e.create_all(&[Candle::table()]).await);
    unsupported(e.drop_all(&[Candle::table()]).await);
    unsupported(select(&Table::new("t")).columns([col("a")]).group_by([col("a")]).all(&e).await.map(|_| ()));
    unsupported(select(&Table::new("t")).columns([col("b"), col("a")]).group_by([col("b")]).all(&e).await.map(|_| ()));
    assert_eq!(mock.seen().len(), 0);
}

#[tokio::test]
async fn bearer_and_rpc() {
    let mock = Mock::start(vec![
        Reply::json(200, "[]"),
        Reply::json(200, r#"[{"ts":"2024-01-01T00:00:00","vwap":1.5}]"#),
        Reply::json(200, "42"),
        Reply::empty(204),
        Reply::json(200, CANDLES),
    ])
    .await;
    let e = engine_for(&mock, "?schema=analytics");
    let user = e.with_bearer("user.jwt.token").unwrap();
    select(&Table::new("t")).all(&user).await.unwrap();
    let rows = user.rpc("vwap", serde_json::json!({"p_symbol": "BTC"})).fetch_all().await.unwrap();
    assert_eq!(rows[0].get::<f64>("vwap").unwrap(), 1.5);
    let scalar = e.rpc("answer", serde_json::json!({"n": 1})).get().fetch_all().await.unwrap();
    assert_eq!(scalar[0].get::<i64>("answer").unwrap(), 42);
    assert!(e.rpc("refresh", serde_json::Value::Null).fetch_all().await.unwrap().is_empty());
    let candles: Vec<Candle> = e.rpc("latest_candles", serde_json::json!({"n": 2})).fetch_as().await.unwrap();
    assert_eq!(candles[1].close, "42001.5".parse::<Decimal>().unwrap());
    let seen = mock.seen();
    assert_eq!(seen[0].header("authorization"), Some("Bearer user.jwt.token"));
    assert_eq!(seen[0].header("apikey"), Some(KEY));
    assert_eq!(
        (seen[1].method.as_str(), seen[1].uri.as_str(), seen[1].body.as_str()),
        ("POST", "/rest/v1/rpc/vwap", r#"{"p_symbol":"BTC"}"#)
    );
    assert_eq!(seen[1].header("content-profile"), Some("analytics"));
    assert_eq!((seen[2].method.as_str(), seen[2].uri.as_str()), ("GET", "/rest/v1/rpc/answer?n=1"));
    assert_eq!(seen[2].header("accept-profile"), Some("analytics"));
    assert_eq!(seen[2].header("authorization"), Some(format!("Bearer {KEY}").as_str()));
}

#[tokio::test]
async fn streams_large_results_row_by_row_and_report_errors() {
    let rows: Vec<String> = (0..5000).map(|i| format!(r#"{{"id":{i},"name":"row \"{i}\", [x]"}}"#)).collect();
    let body = format!("[{}]", rows.join(",\n"));
    let mock =
        Mock::start(vec![Reply::empty(503), Reply::json(200, &body), Reply::error(404, "PGRST205", "no table"), Reply::json(200, "[1,2]")])
            .await;
    let e = engine_for(&mock, "");
    let q = || select(&Table::new("t")).columns([col("id"), col("name")]);
    let got: Vec<athanor_core::Row> = q().stream(&e).map(|r| r.unwrap()).collect().await;
    assert_eq!(got.len(), 5000);
    assert_eq!(got[4999].get::<i64>("id").unwrap(), 4999);
    assert_eq!(got[7].get::<String>("name").unwrap(), "row \"7\", [x]");
    let first: Vec<_> = q().stream(&e).collect().await;
    assert!(matches!(&first[..], [Err(Error::Database(d))] if d.kind == DbErrorKind::TableNotFound), "{first:?}");
    let bad: Vec<_> = q().stream(&e).collect().await;
    assert!(matches!(&bad[..], [Err(Error::Decode { .. })]), "{bad:?}");
    assert_eq!(mock.seen().len(), 4, "the 503 was retried");
}

#[tokio::test]
async fn a_result_cut_at_max_rows_is_an_error_not_a_short_answer() {
    let two = r#"[{"id":1},{"id":2}]"#;
    let mock = Mock::start(vec![
        Reply::json(200, two),
        Reply::empty(200).range("0-0/*"),
        Reply::json(200, two),
        Reply::empty(200).range("*/*"),
        Reply::json(200, two),
        Reply::json(200, two),
        Reply::empty(200).range("0-0/*"),
    ])
    .await;
    let e = engine_for(&mock, "?max_rows=2");
    let q = || select(&Table::new("t")).columns([col("id")]);
    let err = q().all(&e).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(ref m) if m.contains("max-rows")), "{err}");
    assert_eq!(q().all(&e).await.unwrap().len(), 2, "exactly two rows, nothing more");
    assert_eq!(q().limit(2).all(&e).await.unwrap().len(), 2, "a limit within the cap needs no check");
    let streamed: Vec<_> = q().stream(&e).collect().await;
    assert!(matches!(streamed.last(), Some(Err(Error::InvalidQuery(_)))), "{streamed:?}");
    let seen = mock.seen();
    assert_eq!((seen[1].method.as_str(), seen[1].uri.as_str()), ("HEAD", "/rest/v1/t?select=*&offset=2&limit=1"));
    assert_eq!(seen.len(), 7);
}
