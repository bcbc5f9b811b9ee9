//! The shared model suite (`tests/model_suite`) on PostgreSQL, in a fresh database per run
//! (dropped afterwards). The server URL comes from `ATHANOR_PG_URL`, default
//! `postgresql://postgres@127.0.0.1:5432/test`.

mod model_suite;

fn server_url() -> String {
    std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into())
}

/// `server_url()` with its database replaced by `db`.
fn url_for(db: &str) -> String {
    let url = server_url();
    let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), format!("?{q}"))).unwrap_or((url.clone(), String::new()));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}{query}")
}

#[tokio::test]
async fn model_suite_on_postgres() {
    let admin = athanor::create_engine(&server_url()).expect("engine");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let db = format!("athanor_models_{}_{nanos}", std::process::id());
    athanor::text(format!("CREATE DATABASE \"{db}\"")).execute(&admin).await.expect("create the scratch database");

    let engine = athanor::create_engine(&url_for(&db)).expect("engine on the scratch database");
    let suite = {
        let engine = engine.clone();
        tokio::spawn(async move { model_suite::run(&engine).await })
    };
    let outcome = suite.await;
    engine.dispose().await;
    athanor::text(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).execute(&admin).await.expect("drop the scratch database");
    admin.dispose().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
