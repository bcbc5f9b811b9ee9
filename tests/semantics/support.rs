//! Engines for the semantics tests: in-memory SQLite and a scratch database on MariaDB
//! (`ATHANOR_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`).

use athanor::prelude::*;
use athanor::Table;

/// One engine under test, with the name printed in assertion messages.
pub struct Db {
    pub name: &'static str,
    pub engine: Engine,
    scratch: Option<(Engine, String)>,
}

fn server_url() -> String {
    std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// `server_url()` with its database replaced by `db` and `extra` query pairs appended.
pub fn mysql_url_for(db: &str, extra: &str) -> String {
    let url = server_url();
    let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), q.to_owned())).unwrap_or((url.clone(), String::new()));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    let query: Vec<&str> = [query.as_str(), extra].into_iter().filter(|q| !q.is_empty()).collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("{scheme}://{authority}/{db}{query}")
}

/// A fresh MariaDB database; `extra` is added to the URL query (e.g. `sql_mode=...`).
pub async fn mysql(extra: &str) -> Db {
    let admin = create_engine(&server_url()).expect("admin engine");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let name = format!("athanor_sem_{}_{nanos}", std::process::id());
    text(format!("CREATE DATABASE `{name}`")).execute(&admin).await.expect("create the scratch database");
    let engine = create_engine(&mysql_url_for(&name, extra)).expect("engine on the scratch database");
    Db { name: "mariadb", engine, scratch: Some((admin, name)) }
}

/// In-memory SQLite.
pub fn sqlite() -> Db {
    Db { name: "sqlite", engine: create_engine("sqlite://").expect("sqlite engine"), scratch: None }
}

/// SQLite and MariaDB, each with `tables` created.
pub async fn both(tables: &[&'static Table]) -> Vec<Db> {
    let dbs = vec![sqlite(), mysql("").await];
    for db in &dbs {
        db.engine.create_all(tables).await.unwrap_or_else(|e| panic!("{}: create_all: {e}", db.name));
    }
    dbs
}

impl Db {
    /// Drops the scratch database, if any.
    pub async fn finish(self) {
        self.engine.dispose().await;
        if let Some((admin, name)) = self.scratch {
            text(format!("DROP DATABASE IF EXISTS `{name}`")).execute(&admin).await.expect("drop the scratch database");
            admin.dispose().await;
        }
    }
}
