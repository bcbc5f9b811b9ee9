//! One engine, several tokio runtimes: the pattern of a `static` engine shared by
//! `#[tokio::test]`s, or a program that builds a runtime per job. A connection's socket belongs
//! to the runtime that opened it; once that runtime is gone the socket is dead, and the pool must
//! drop such connections at checkout (with no I/O) instead of handing them out — every query on a
//! later runtime succeeds, on every dialect.

use athanor::{text, Engine};
use std::time::Duration;

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// Opens `n` connections at once on `rt` (so the pool holds several idle ones afterwards).
fn warm(rt: &tokio::runtime::Runtime, e: &Engine, n: usize) {
    rt.block_on(async {
        let all = futures_util::future::join_all((0..n).map(|_| e.connect()));
        let held = tokio::time::timeout(Duration::from_secs(10), all).await.expect("connect: no answer");
        for c in &held {
            assert!(c.is_ok(), "connect: {:?}", c.as_ref().err());
        }
    });
}

/// Every query on `rt` succeeds, sequential and concurrent, each within 10 s.
fn all_succeed(rt: &tokio::runtime::Runtime, e: &Engine, label: &str) {
    rt.block_on(async {
        for i in 0..8i64 {
            let q = text(format!("SELECT {i} AS v")).fetch_one(e);
            let row = tokio::time::timeout(Duration::from_secs(10), q).await.unwrap_or_else(|_| panic!("{label}: query {i}: no answer"));
            let row = row.unwrap_or_else(|err| panic!("{label}: query {i} failed: {err}"));
            assert_eq!(row.get::<i64>("v").unwrap(), i, "{label}");
        }
        let many = (0..4i64).map(|i| async move { text(format!("SELECT {i} AS v")).fetch_one(e).await });
        for (i, r) in futures_util::future::join_all(many).await.into_iter().enumerate() {
            let row = r.unwrap_or_else(|err| panic!("{label}: concurrent query {i} failed: {err}"));
            assert_eq!(row.get::<i64>("v").unwrap(), i as i64, "{label}");
        }
    });
}

/// The engine at `url` is used on a runtime that then ends, then on two more runtimes.
fn outlives_its_runtimes(url: &str) {
    let e = athanor::create_engine(url).expect("engine");
    let first = current_thread();
    warm(&first, &e, 3);
    all_succeed(&first, &e, "first runtime");
    drop(first);
    let second = current_thread();
    all_succeed(&second, &e, "second runtime (current-thread)");
    drop(second);
    let third = multi_thread();
    all_succeed(&third, &e, "third runtime (multi-thread)");
    // Two runtimes alive at once share the pool's connections as before.
    let fourth = current_thread();
    warm(&fourth, &e, 3);
    all_succeed(&third, &e, "third runtime, beside a live fourth");
    all_succeed(&fourth, &e, "fourth runtime");
    third.block_on(async { tokio::time::timeout(Duration::from_secs(10), e.dispose()).await.expect("dispose: no answer") });
}

#[test]
fn a_mysql_engine_outlives_the_runtime_that_opened_its_connections() {
    let url = std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    outlives_its_runtimes(&format!("{url}?maxsize=4"));
}

#[test]
fn a_postgres_engine_outlives_the_runtime_that_opened_its_connections() {
    let url = std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into());
    outlives_its_runtimes(&format!("{url}?maxsize=4"));
}

#[test]
fn a_pgbouncer_engine_outlives_the_runtime_that_opened_its_connections() {
    outlives_its_runtimes("postgresql://postgres@127.0.0.1:6432/test?pgbouncer=true&maxsize=4");
}
#[test]
fn a_sqlite_engine_outlives_the_runtime_that_opened_its_connections() {
    let dir = std::env::temp_dir().join(format!("athanor_runtimes_{}.db", std::process::id()));
    outlives_its_runtimes(&format!("sqlite:///{}", dir.display()));
    let _ = std::fs::remove_file(&dir);
}

/// An in-memory database lives on the engine's one connection: it survives the runtime that
/// created it.
#[test]
fn an_in_memory_sqlite_database_survives_the_runtime_that_created_it() {
    let e = athanor::create_engine("sqlite://").expect("engine");
    let first = current_thread();
    first.block_on(async {
        text("CREATE TABLE kept (v INTEGER)").execute(&e).await.unwrap();
        text("INSERT INTO kept (v) VALUES (42)").execute(&e).await.unwrap();
    });
    drop(first);
    let second = multi_thread();
    second.block_on(async {
        let row = tokio::time::timeout(Duration::from_secs(10), text("SELECT v FROM kept").fetch_one(&e)).await.expect("no answer");
        assert_eq!(row.unwrap().get::<i64>("v").unwrap(), 42);
    });
}

#[derive(athanor::Model, Debug, Clone, PartialEq)]
#[athanor(table = "runtime_items")]
struct Item {
    #[athanor(primary_key)]
    id: i64,
    name: String,
}

/// The Supabase dialect's HTTP client keeps connections alive between requests; those opened on a
/// runtime that shut down are not reused, and every request on a later runtime succeeds.
#[test]
fn a_supabase_engine_outlives_the_runtime_that_opened_its_connections() {
    use athanor::prelude::*;
    // The stand-in serves from a runtime of its own for the whole test.
    let server = multi_thread();
    let standin = server.block_on(postgrest_standin::StandIn::start(&postgrest_standin::pg_url(), "runtimes-key-7")).expect("stand-in");
    server.block_on(standin.create_tables(&[Item::table()])).expect("tables");
    let e = athanor::create_engine(&standin.url()).expect("engine");
    let first = current_thread();
    first.block_on(async {
        let rows: Vec<Item> = (1..=3).map(|id| Item { id, name: format!("n{id}") }).collect();
        Item::insert_many(&rows).execute(&e).await.unwrap();
        let all = futures_util::future::join_all((0..3).map(|_| Item::select().all(&e))).await;
        assert!(all.iter().all(|r| r.as_ref().is_ok_and(|v| v.len() == 3)), "{all:?}");
    });
    drop(first);
    for rt in [current_thread(), multi_thread()] {
        rt.block_on(async {
            for i in 0..5 {
                let q = tokio::time::timeout(Duration::from_secs(10), Item::select().order_by(Item::ID.asc()).all(&e));
                let rows = q.await.unwrap_or_else(|_| panic!("request {i}: no answer")).unwrap_or_else(|err| panic!("request {i}: {err}"));
                assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3]);
            }
        });
    }
    server.block_on(standin.close());
}
