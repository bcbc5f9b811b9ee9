//! Joins and row locks: the exact SQL per dialect, refusals before I/O (SQLite and Supabase
//! locks, Supabase joins, combinations a server refuses), and behaviour on the real servers
//! (SQLite embedded, MariaDB, PostgreSQL): joined rows decode into `(Order, Fill)` and
//! `(Order, Option<Fill>)`, `SKIP LOCKED` hands each job to one worker, `NOWAIT` fails typed.
//! MariaDB and PostgreSQL runs use a scratch database each (other test runs share the servers).

#[path = "joins_locks/queue.rs"]
mod queue;
#[path = "joins_locks/rows.rs"]
mod rows;
#[path = "joins_locks/sql.rs"]
mod sql;

use athanor::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "jl_orders")]
pub struct Order {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
    pub parent_id: Option<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "jl_fills")]
pub struct Fill {
    #[athanor(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub qty: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "jl_jobs")]
pub struct Job {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 8)]
    pub status: String,
    pub worker: Option<i64>,
}

pub const MYSQL: &str = "mysql://root@127.0.0.1:3306/test";
pub const PG: &str = "postgresql://postgres@127.0.0.1:5432/test";

/// A scratch database on the server at `url` (`mysql` or `postgresql`), dropped by [`Scratch::drop_db`].
struct Scratch {
    admin: Engine,
    engine: Engine,
    db: String,
    pg: bool,
}

impl Scratch {
    async fn new(url: &str, tag: &str) -> Scratch {
        let pg = url.starts_with("postgresql");
        let env = if pg { "ATHANOR_PG_URL" } else { "ATHANOR_MYSQL_URL" };
        let url = std::env::var(env).unwrap_or_else(|_| url.to_owned());
        let admin = athanor::create_engine(&url).expect("engine");
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let db = format!("athanor_jl_{tag}_{}_{nanos}", std::process::id());
        let q = if pg { format!("CREATE DATABASE \"{db}\"") } else { format!("CREATE DATABASE `{db}`") };
        athanor::text(q).execute(&admin).await.expect("create the scratch database");
        let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), format!("?{q}"))).unwrap_or((url.clone(), String::new()));
        let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
        let authority = rest.split('/').next().unwrap_or(rest);
        let engine = athanor::create_engine(&format!("{scheme}://{authority}/{db}{query}")).expect("engine on the scratch database");
        engine.create_all(&[Order::table(), Fill::table(), Job::table()]).await.expect("create_all");
        Scratch { admin, engine, db, pg }
    }

    async fn drop_db(self) {
        self.engine.dispose().await;
        let q = if self.pg {
            format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.db)
        } else {
            format!("DROP DATABASE IF EXISTS `{}`", self.db)
        };
        athanor::text(q).execute(&self.admin).await.expect("drop the scratch database");
        self.admin.dispose().await;
    }
}

/// An in-memory SQLite engine with the tables.
pub async fn sqlite() -> Engine {
    let engine = athanor::create_engine("sqlite://").unwrap();
    engine.create_all(&[Order::table(), Fill::table(), Job::table()]).await.expect("create_all");
    engine
}

#[tokio::test]
async fn joins_on_sqlite() {
    rows::joins(&sqlite().await).await;
}

/// Runs `body` on a scratch database, dropped afterwards whether or not `body` panics.
async fn on_scratch<Fut: std::future::Future<Output = ()> + Send + 'static>(url: &str, tag: &str, body: impl FnOnce(Engine) -> Fut) {
    let s = Scratch::new(url, tag).await;
    let outcome = tokio::spawn(body(s.engine.clone())).await;
    s.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn queue_steps(engine: Engine) {
    queue::skip_locked_and_nowait(&engine).await;
    queue::workers_take_each_job_once(&engine).await;
}

#[tokio::test]
async fn joins_on_mariadb() {
    on_scratch(MYSQL, "join", |e| async move { rows::joins(&e).await }).await;
}

#[tokio::test]
async fn joins_on_postgres() {
    on_scratch(PG, "join", |e| async move { rows::joins(&e).await }).await;
}

#[tokio::test]
async fn job_queue_on_mariadb() {
    on_scratch(MYSQL, "queue", queue_steps).await;
}

#[tokio::test]
async fn job_queue_on_postgres() {
    on_scratch(PG, "queue", queue_steps).await;
}
