//! Rows affected by upserts, as the README's dialect table states them: MySQL/MariaDB report
//! found rows (an updated row counts 2, a row `on_conflict_do_nothing` skipped counts 1, as PyMySQL
//! and sqlx report them); SQLite and PostgreSQL count the rows written.

use athanor::prelude::*;

mod common_mysql;
mod pg_scratch;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "upsert_counts")]
struct U {
    #[athanor(primary_key)]
    id: i64,
    v: i64,
}

/// (one updated + one inserted, one skipped + one inserted) on `e`.
async fn counts(e: &Engine) -> (u64, u64) {
    e.create_all(&[U::table()]).await.unwrap();
    U { id: 1, v: 1 }.insert().execute(e).await.unwrap();
    let upsert = U::insert_many(&[U { id: 1, v: 2 }, U { id: 2, v: 2 }]).on_conflict_update_all().execute(e).await.unwrap();
    let skip = U::insert_many(&[U { id: 1, v: 3 }, U { id: 3, v: 3 }]).on_conflict_do_nothing().execute(e).await.unwrap();
    let rows: Vec<(i64, i64)> = U::select().order_by(U::ID).all(e).await.unwrap().into_iter().map(|u| (u.id, u.v)).collect();
    assert_eq!(rows, [(1, 2), (2, 2), (3, 3)]);
    e.drop_all(&[U::table()]).await.unwrap();
    (upsert, skip)
}

#[tokio::test]
async fn sqlite_counts_rows_written() {
    assert_eq!(counts(&create_engine("sqlite://").unwrap()).await, (2, 1));
}

#[tokio::test]
async fn postgres_counts_rows_written() {
    let url = pg_scratch::server_url();
    pg_scratch::on_scratch_db(&url, &url, |e| async move { assert_eq!(counts(&e).await, (2, 1)) }).await;
}

#[tokio::test]
async fn mariadb_counts_found_rows() {
    common_mysql::with_scratch_db("upsert_counts", "", |e, _| async move { assert_eq!(counts(&e).await, (3, 2)) }).await;
}
