//! A bulk insert that SQLite runs as several statements (chunks under the parameter limit) is all
//! or nothing: a failing last chunk, or a future dropped at any point, leaves zero rows, and the
//! engine works afterwards. Inside a user's transaction it joins that transaction.

use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{create_engine, insert_into, select, text, DbErrorKind, Engine, Value};
use std::path::PathBuf;
use std::time::Instant;

/// 50,000 two-column rows: four statements at SQLite's 32,766 parameters.
const ROWS: usize = 50_000;

fn items() -> Table {
    Table::new("items")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(64) }).unique())
        .column(ColumnDef::new("n", ColumnType::I64))
        .primary_key(["id"])
}

fn bulk(rows: usize, duplicate_last: bool) -> athanor::query::Insert {
    let mut q = insert_into(&items()).columns(["name", "n"]);
    for i in 0..rows {
        let name = if duplicate_last && i == rows - 1 { "r0".to_string() } else { format!("r{i}") };
        q = q.values([Value::from(name), Value::from(i as i64)]);
    }
    q
}

fn temp_db(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("athanor-sqlitetx-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:///{}", dir.join("bulk.db").display());
    (dir, url)
}

async fn engine(url: &str) -> Engine {
    let e = create_engine(url).unwrap();
    e.create_all(&[&items()]).await.unwrap();
    e
}

async fn count(e: &Engine) -> u64 {
    select(&items()).count(e).await.unwrap()
}

#[tokio::test]
async fn a_duplicate_in_the_last_chunk_leaves_no_rows() {
    let (dir, url) = temp_db("dup");
    let e = engine(&url).await;
    let err = bulk(ROWS, true).execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation), "{err}");
    assert_eq!(count(&e).await, 0);
    // The same on a checked-out connection outside a transaction.
    let mut c = e.connect().await.unwrap();
    let err = bulk(ROWS, true).execute(&mut c).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation), "{err}");
    drop(c);
    assert_eq!(count(&e).await, 0);
    // And the engine is clean: a plain bulk insert commits for everyone.
    assert_eq!(bulk(ROWS, false).execute(&e).await.unwrap().rows_affected, ROWS as u64);
    let other = create_engine(&url).unwrap();
    assert_eq!(count(&other).await, ROWS as u64);
    other.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Drops the insert's future after a delay, at points spread over its whole run: every time the
/// table holds zero rows or all of them, and the engine goes on working.
async fn cancel_at_many_points(url: &str) {
    let e = engine(url).await;
    let started = Instant::now();
    bulk(ROWS, false).execute(&e).await.unwrap();
    let full = started.elapsed();
    let mut outcomes = Vec::new();
    for step in 0..12u32 {
        text("DELETE FROM items").execute(&e).await.unwrap();
        let delay = full * step / 10;
        let q = bulk(ROWS, false);
        let done = tokio::time::timeout(delay, q.execute(&e)).await.is_ok();
        let n = count(&e).await;
        assert!(n == 0 || n == ROWS as u64, "cancelled after {delay:?} (finished: {done}): {n} rows");
        outcomes.push((delay, done, n));
        // Still usable, inside and outside transactions.
        let mut tx = e.begin().await.unwrap();
        insert_into(&items()).columns(["name", "n"]).values([Value::from("probe"), Value::from(0)]).execute(&mut tx).await.unwrap();
        tx.rollback().await.unwrap();
    }
    println!("{url}: full run {full:?}; (delay, finished, rows): {outcomes:?}");
    e.dispose().await;
}

#[tokio::test]
async fn cancelled_bulk_insert_on_a_file_database_is_all_or_nothing() {
    let (dir, url) = temp_db("cancel");
    cancel_at_many_points(&format!("{url}?maxsize=2")).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn cancelled_bulk_insert_in_memory_is_all_or_nothing() {
    cancel_at_many_points("sqlite://").await;
}

#[tokio::test]
async fn inside_a_transaction_the_bulk_insert_joins_it() {
    let (dir, url) = temp_db("tx");
    let e = engine(&url).await;
    // Rolled back with the transaction.
    let mut tx = e.begin().await.unwrap();
    bulk(ROWS, false).execute(&mut tx).await.unwrap();
    assert_eq!(select(&items()).count(&mut tx).await.unwrap(), ROWS as u64);
    tx.rollback().await.unwrap();
    assert_eq!(count(&e).await, 0);
    // A failing bulk insert undoes only its own rows; the transaction goes on and commits.
    let mut tx = e.begin().await.unwrap();
    insert_into(&items()).columns(["name", "n"]).values([Value::from("kept"), Value::from(1)]).execute(&mut tx).await.unwrap();
    let err = bulk(ROWS, true).execute(&mut tx).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation), "{err}");
    assert_eq!(select(&items()).count(&mut tx).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(count(&e).await, 1);
    // Committed with the transaction.
    let mut tx = e.begin().await.unwrap();
    text("DELETE FROM items").execute(&mut tx).await.unwrap();
    bulk(ROWS, false).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let other = create_engine(&url).unwrap();
    assert_eq!(count(&other).await, ROWS as u64);
    other.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}
