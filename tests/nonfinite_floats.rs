//! A NaN or infinite float anywhere in a query (a filter, an IN list, an expression) is
//! `Error::InvalidQuery` before any I/O on every dialect. Sent as is, PostgreSQL holds `NaN = NaN`
//! true, SQLite turns NaN into NULL and MySQL refuses it: three answers to one query. Stored
//! values were already refused (`tests/values_exact.rs`); this covers the rest of a statement.

mod common_mysql;
mod pg_scratch;

use athanor::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "nonfinite_floats")]
struct Reading {
    #[athanor(primary_key)]
    id: i64,
    x: f64,
}

fn refused<T: std::fmt::Debug>(r: athanor::Result<T>, what: &str) {
    assert!(matches!(&r, Err(athanor::Error::InvalidQuery(m)) if m.contains("finite")), "{what}: {r:?}");
}

async fn check(engine: &Engine, sql: bool) {
    Reading::insert_many(&[Reading { id: 1, x: 1.5 }, Reading { id: 2, x: -2.0 }]).execute(engine).await.expect("insert");
    // A finite float first, so the statement shape is cached when the bad one comes.
    assert_eq!(Reading::select().filter(Reading::X.eq(1.5)).count(engine).await.expect("count"), 1);
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        refused(Reading::select().filter(Reading::X.eq(bad)).all(engine).await, "eq");
        refused(Reading::select().filter(Reading::X.lt(bad)).count(engine).await, "lt");
        refused(Reading::select().filter(Reading::X.in_list([1.5, bad])).all(engine).await, "in_list");
        refused(Reading::delete().filter(Reading::X.ne(bad)).execute(engine).await, "delete");
        if sql {
            refused(Reading::select().filter((Reading::X + bad).gt(0.0)).all(engine).await, "arithmetic");
            refused(Reading::update().set(Reading::X, Reading::X * bad).filter(Reading::ID.eq(1)).execute(engine).await, "set");
        }
    }
    assert_eq!(Reading::select().count(engine).await.expect("count"), 2, "nothing deleted");
    assert_eq!(Reading::get_by_key(1i64).one(engine).await.expect("row").x, 1.5, "nothing changed");
}

#[tokio::test]
async fn nonfinite_floats_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").expect("engine");
    engine.create_all(&[Reading::table()]).await.expect("create");
    check(&engine, true).await;
}

#[tokio::test]
async fn nonfinite_floats_on_mariadb() {
    common_mysql::with_scratch_db("nonfinite", "", |engine, _| async move {
        engine.create_all(&[Reading::table()]).await.expect("create");
        check(&engine, true).await;
    })
    .await;
}

#[tokio::test]
async fn nonfinite_floats_on_postgres() {
    pg_scratch::on_postgres(vec![Reading::table()], |engine| async move { check(&engine, true).await }).await;
}

#[tokio::test]
async fn nonfinite_floats_on_supabase() {
    pg_scratch::on_supabase_standin("nonfinite-key", &[Reading::table()], |engine| async move { check(&engine, false).await }).await;
}
