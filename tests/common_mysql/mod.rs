//! A scratch MariaDB/MySQL database per test: `ATHANOR_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306/test`) with its database replaced, dropped afterwards.

use athanor::Engine;
use std::future::Future;

/// The server URL.
pub fn server_url() -> String {
    std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// `server_url()` with its database replaced by `db` and `extra` (`k=v&…`) added to its query.
pub fn url_for(db: &str, extra: &str) -> String {
    let url = server_url();
    let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), q.to_owned())).unwrap_or((url.clone(), String::new()));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    let query: Vec<&str> = [query.as_str(), extra].into_iter().filter(|q| !q.is_empty()).collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("{scheme}://{authority}/{db}{query}")
}

/// Runs `f` on an engine over a fresh database (URL query `extra`), then drops the database;
/// a panic in `f` is re-raised after the cleanup.
pub async fn with_scratch_db<F, Fut>(tag: &str, extra: &str, f: F)
where
    F: FnOnce(Engine, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = athanor::create_engine(&server_url()).expect("engine");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let db = format!("athanor_{tag}_{}_{nanos}", std::process::id());
    athanor::text(format!("CREATE DATABASE `{db}`")).execute(&admin).await.expect("create the scratch database");
    let engine = athanor::create_engine(&url_for(&db, extra)).expect("engine on the scratch database");
    let outcome = tokio::spawn(f(engine.clone(), db.clone())).await;
    engine.dispose().await;
    athanor::text(format!("DROP DATABASE IF EXISTS `{db}`")).execute(&admin).await.expect("drop the scratch database");
    admin.dispose().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
