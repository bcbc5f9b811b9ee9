//! The supabase-py set-up: `create_client(SUPABASE_URL, SUPABASE_KEY)` and `supabase://env`,
//! with the key kept out of Debug/Display/errors, and a query through the stand-in.

mod common;

use athanor_core::query::{col, insert_into, select};
use athanor_core::{ColumnDef, ColumnType, DbUrl, Dialect, Engine, EngineOptions, Error, Table, Value};
use athanor_supabase::{create_client, create_client_from_env, SupabaseDialect};
use postgrest_standin::{pg_url, StandIn};

const KEY: &str = "eyJhbGciOi.project-anon-key.9981";

fn request_of(engine: &Engine) -> athanor_core::HttpRequest {
    engine.compile(&select(&Table::new("ohlcv_1m")).columns([col("id")])).unwrap().http().unwrap().clone()
}

fn no_key_in(what: &str) {
    assert!(!what.contains(KEY) && !what.contains("project-anon-key"), "the key leaked: {what}");
}

#[test]
fn project_url_and_key_make_the_usual_engine() {
    for (project, base) in [
        ("https://xyz.supabase.co", "https://xyz.supabase.co/rest/v1/ohlcv_1m?"),
        ("https://xyz.supabase.co/", "https://xyz.supabase.co/rest/v1/ohlcv_1m?"),
        (" HTTPS://xyz.supabase.co ", "https://xyz.supabase.co/rest/v1/ohlcv_1m?"),
        ("http://localhost:54321", "http://localhost:54321/rest/v1/ohlcv_1m?"),
    ] {
        let engine = create_client(project, KEY).expect(project);
        let req = request_of(&engine);
        assert!(req.url.starts_with(base), "{project}: {}", req.url);
        assert_eq!(req.header("apikey"), Some(KEY));
        assert_eq!(req.header("Authorization").map(str::to_owned), Some(format!("Bearer {KEY}")));
        no_key_in(&format!("{engine:?} {} {} {:?}", engine.url(), engine.url(), engine.backend()));
        no_key_in(&format!("{req} {req:?}"));
        // The same engine as the one-URL form.
        let one_url = common::engine(&format!("supabase://anon:{KEY}@xyz.supabase.co"));
        if project.contains("xyz") {
            assert_eq!(request_of(&one_url).url, req.url);
        }
    }
}

#[test]
fn bad_project_urls_and_keys_are_refused_without_showing_the_key() {
    for project in [
        "xyz.supabase.co",
        "ftp://xyz.supabase.co",
        "postgres://xyz.supabase.co",
        "https://xyz.supabase.co/rest/v1",
        "https://xyz.supabase.co?key=1",
        "https://anon:pw@xyz.supabase.co",
        "https://",
    ] {
        let err = create_client(project, KEY).expect_err(project);
        assert!(matches!(err, Error::Url(_)), "{project}: {err:?}");
        no_key_in(&format!("{err} {err:?}"));
    }
    let err = create_client("https://xyz.supabase.co", "").unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }), "{err}");
    let err = create_client("https://xyz.supabase.co", "bad\nkey").unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }), "{err}");
    assert!(!format!("{err} {err:?}").contains("bad\nkey"));
}

/// Every environment step in one test: the process environment is shared by the test threads.
#[test]
fn supabase_env_reads_url_and_key_from_the_environment() {
    let env_engine = |url: &str| -> athanor_core::Result<Engine> {
        let url = DbUrl::parse(url).unwrap();
        let backend = SupabaseDialect.backend(&url, &EngineOptions::default())?;
        Ok(Engine::from_backend(url, backend))
    };
    std::env::remove_var("SUPABASE_URL");
    std::env::remove_var("SUPABASE_KEY");
    let err = env_engine("supabase://env").unwrap_err();
    assert!(matches!(err, Error::InvalidOption { ref key, .. } if key == "SUPABASE_URL"), "{err}");
    std::env::set_var("SUPABASE_URL", "https://abc.supabase.co");
    let err = create_client_from_env().unwrap_err();
    assert!(matches!(err, Error::InvalidOption { ref key, .. } if key == "SUPABASE_KEY"), "{err}");
    std::env::set_var("SUPABASE_KEY", KEY);

    let engine = env_engine("supabase://env?schema=analytics").expect("supabase://env");
    let req = request_of(&engine);
    assert!(req.url.starts_with("https://abc.supabase.co/rest/v1/ohlcv_1m?"), "{}", req.url);
    assert_eq!(req.header("apikey"), Some(KEY));
    assert_eq!(req.header("Accept-Profile"), Some("analytics"));
    no_key_in(&format!("{engine:?} {}", engine.url()));
    let engine = create_client_from_env().expect("create_client_from_env");
    assert_eq!(request_of(&engine).header("apikey"), Some(KEY));
    no_key_in(&format!("{engine:?} {}", engine.url()));
    // A key in the URL as well is ambiguous.
    assert!(matches!(env_engine("supabase://env?key=other"), Err(Error::InvalidOption { .. })));

    std::env::set_var("SUPABASE_URL", "https://abc.supabase.co/rest/v1");
    let err = env_engine("supabase://env").unwrap_err();
    assert!(matches!(err, Error::Url(_)), "{err}");
    no_key_in(&format!("{err} {err:?}"));
    std::env::remove_var("SUPABASE_URL");
    std::env::remove_var("SUPABASE_KEY");
}

#[tokio::test]
async fn create_client_queries_the_standin() {
    let standin = StandIn::start(&pg_url(), KEY).await.expect("stand-in");
    let t = Table::new("proj_t").column(ColumnDef::new("id", ColumnType::I64)).primary_key(["id"]);
    standin.create_tables(&[&t]).await.expect("table");
    let addr = standin.url().split('@').nth(1).unwrap().split('?').next().unwrap().to_owned();
    let engine = create_client(&format!("http://{addr}"), KEY).expect("create_client");
    insert_into(&t).columns(["id"]).values([Value::I64(5)]).execute(&engine).await.expect("insert");
    let rows = select(&t).all(&engine).await.expect("select");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<i64>("id").unwrap(), 5);
    let wrong = create_client(&format!("http://{addr}"), "wrong-key").unwrap();
    let err = select(&t).all(&wrong).await.expect_err("the stand-in checks the key");
    no_key_in(&format!("{err} {err:?}"));
    standin.close().await;
}
