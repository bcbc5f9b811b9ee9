//! A fresh PostgreSQL database for one test run: made through a direct admin URL, dropped
//! afterwards (also when the test panics), used through any URL (direct, or PgBouncer); and the
//! Supabase dialect over a PostgREST stand-in on that server, closed afterwards.

use std::future::Future;

/// The PostgreSQL server the tests use: `ATHANOR_PG_URL`, default the local `test` database.
#[allow(dead_code)] // not every test binary that includes this module needs it
pub fn server_url() -> String {
    std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into())
}

/// [`on_scratch_db`] on [`server_url`], with `tables` created first.
#[allow(dead_code)]
pub async fn on_postgres<F, Fut>(tables: Vec<&'static athanor::Table>, body: F)
where
    F: FnOnce(athanor::Engine) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let url = server_url();
    on_scratch_db(&url, &url, move |engine| async move {
        engine.create_all(&tables).await.expect("create the tables");
        body(engine).await
    })
    .await;
}

/// Starts a PostgREST stand-in on the local PostgreSQL (API key `key`), creates `tables` in its
/// schema, runs `body` on a Supabase engine through it, closes the stand-in, then re-raises a
/// panic of `body`.
#[allow(dead_code)]
pub async fn on_supabase_standin<F, Fut>(key: &str, tables: &[&athanor::Table], body: F)
where
    F: FnOnce(athanor::Engine) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let standin = postgrest_standin::StandIn::start(&postgrest_standin::pg_url(), key).await.expect("start the stand-in");
    standin.create_tables(tables).await.expect("create the tables in PostgreSQL");
    let engine = athanor::create_engine(&standin.url()).expect("engine");
    let outcome = tokio::spawn(body(engine)).await;
    standin.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// `url` with its database replaced by `db`.
pub fn url_for(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), format!("?{q}"))).unwrap_or((url.to_owned(), String::new()));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}{query}")
}

/// Creates a database through `admin_url`, runs `body` on an engine at `engine_url` with that
/// database, disposes the engine and drops the database, then re-raises a panic of `body`.
pub async fn on_scratch_db<F, Fut>(admin_url: &str, engine_url: &str, body: F)
where
    F: FnOnce(athanor::Engine) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = athanor::create_engine(admin_url).expect("engine");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let db = format!("athanor_models_{}_{nanos}", std::process::id());
    athanor::text(format!("CREATE DATABASE \"{db}\"")).execute(&admin).await.expect("create the scratch database");

    let engine = athanor::create_engine(&url_for(engine_url, &db)).expect("engine on the scratch database");
    let outcome = tokio::spawn(body(engine.clone())).await;
    engine.dispose().await;
    athanor::text(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).execute(&admin).await.expect("drop the scratch database");
    admin.dispose().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
