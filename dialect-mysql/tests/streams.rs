//! Streams: a stream that ends (with or without rows) leaves its connection clean; only one
//! dropped before the statement's answer arrived costs the connection.

mod common;

use athanor_core::query::AsStatement;
use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, Executor, Value};
use futures_util::StreamExt;

fn table() -> Table {
    Table::new(common::unique("stream"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(64) }))
        .primary_key(["id"])
}

/// Issue 10 defect 1: an empty stream inside a transaction must not lose the transaction.
#[tokio::test]
async fn an_empty_stream_inside_a_transaction_keeps_it() {
    let t = table();
    let e = common::engine();
    e.create_all(&[&t]).await.unwrap();
    let mut tx = e.begin().await.unwrap();
    insert_into(&t).columns(["name"]).values([Value::from("kept")]).execute(&mut tx).await.unwrap();
    {
        let mut rows = select(&t).filter(col("name").eq("nobody")).stream(&mut tx);
        assert!(rows.next().await.is_none());
    }
    // Another statement, then commit: both work and the row is there.
    let n = select(&t).count(&mut tx).await.unwrap();
    assert_eq!(n, 1);
    tx.commit().await.unwrap();
    let rows = select(&t).all(&e).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<String>("name").unwrap(), "kept");
    e.drop_all(&[&t]).await.unwrap();
}

async fn connection_id(e: &athanor_core::Engine) -> u64 {
    text("SELECT CONNECTION_ID() AS id").fetch_one(e).await.unwrap().get("id").unwrap()
}

/// Through `&Engine`, an empty stream (and a fully read one) returns its connection to the pool.
#[tokio::test]
async fn an_empty_stream_through_the_engine_keeps_the_pooled_connection() {
    let t = table();
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    e.create_all(&[&t]).await.unwrap();
    let id = connection_id(&e).await;
    for _ in 0..3 {
        let mut rows = select(&t).stream(&e);
        assert!(rows.next().await.is_none());
    }
    insert_into(&t).columns(["name"]).values([Value::from("a")]).execute(&e).await.unwrap();
    let all: Vec<_> = select(&t).stream(&e).collect().await;
    assert_eq!(all.len(), 1);
    assert_eq!(connection_id(&e).await, id, "the pooled connection was closed and replaced");
    assert_eq!(e.backend().as_any().downcast_ref::<athanor_mysql::MySqlBackend>().unwrap().pool().size(), 1);
    e.drop_all(&[&t]).await.unwrap();
}

/// A stream dropped after its first row leaves the connection usable (the driver drains the
/// rest); the pooled connection is kept.
#[tokio::test]
async fn a_stream_dropped_after_its_first_row_keeps_the_connection() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    let id = connection_id(&e).await;
    {
        let mut rows = (&e).stream(text("SELECT seq FROM seq_1_to_1000").as_statement().unwrap());
        assert!(rows.next().await.unwrap().is_ok());
    }
    let v: i64 = text("SELECT 5 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
    assert_eq!(v, 5);
    assert_eq!(connection_id(&e).await, id);
}

/// A stream whose statement is still running when it is dropped costs its connection, which is
/// replaced; the next query works.
#[tokio::test]
async fn a_stream_dropped_mid_statement_is_replaced() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::URL));
    let id = connection_id(&e).await;
    {
        let mut rows = (&e).stream(text("SELECT SLEEP(2) AS s").as_statement().unwrap());
        assert!(tokio::time::timeout(std::time::Duration::from_millis(100), rows.next()).await.is_err());
    }
    let v: i64 = text("SELECT 6 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
    assert_eq!(v, 6);
    assert_ne!(connection_id(&e).await, id);
}
