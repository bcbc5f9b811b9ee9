//! Engine, connection and transaction behaviour on the embedded SQLite dialect.

use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{col, create_engine, insert_into, select, text, Engine, Error, Value};
use futures_util::StreamExt;

fn accounts() -> Table {
    Table::new("accounts")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(64) }).unique())
        .column(ColumnDef::new("balance", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .primary_key(["id"])
}

async fn engine() -> Engine {
    let e = create_engine("sqlite://").unwrap();
    e.create_all(&[&accounts()]).await.unwrap();
    e
}

async fn count(e: &Engine) -> u64 {
    select(&accounts()).count(e).await.unwrap()
}

fn add(name: &str) -> athanor::query::Insert {
    insert_into(&accounts()).columns(["name", "balance"]).values([Value::from(name), Value::from(athanor::dec!(1.5))])
}

#[tokio::test]
async fn in_memory_database_survives_between_queries() {
    let e = engine().await;
    add("a").execute(&e).await.unwrap();
    let mut c = e.connect().await.unwrap();
    add("b").execute(&mut c).await.unwrap();
    drop(c);
    assert_eq!(count(&e).await, 2);
}

#[tokio::test]
async fn create_all_is_idempotent_and_drop_all_removes() {
    let e = engine().await;
    e.create_all(&[&accounts()]).await.unwrap();
    add("a").execute(&e).await.unwrap();
    e.drop_all(&[&accounts()]).await.unwrap();
    let err = select(&accounts()).all(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(athanor::DbErrorKind::TableNotFound), "{err}");
}

#[tokio::test]
async fn commit_keeps_rows() {
    let e = engine().await;
    let mut tx = e.begin().await.unwrap();
    let r = add("a").execute(&mut tx).await.unwrap();
    assert_eq!(r.rows_affected, 1);
    assert_eq!(r.last_insert_id, Some(1));
    tx.commit().await.unwrap();
    assert_eq!(count(&e).await, 1);
}

#[tokio::test]
async fn rollback_discards_rows() {
    let e = engine().await;
    let mut tx = e.begin().await.unwrap();
    add("a").execute(&mut tx).await.unwrap();
    assert_eq!(select(&accounts()).count(&mut tx).await.unwrap(), 1);
    tx.rollback().await.unwrap();
    assert_eq!(count(&e).await, 0);
}

#[tokio::test]
async fn dropped_transaction_rolls_back() {
    let e = engine().await;
    {
        let mut tx = e.begin().await.unwrap();
        add("a").execute(&mut tx).await.unwrap();
    }
    assert_eq!(count(&e).await, 0);
}

#[tokio::test]
async fn cancelled_transaction_future_rolls_back() {
    let e = engine().await;
    let e2 = e.clone();
    let (inserted_tx, inserted) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut tx = e2.begin().await.unwrap();
        add("a").execute(&mut tx).await.unwrap();
        inserted_tx.send(()).unwrap();
        std::future::pending::<()>().await;
        tx.commit().await.unwrap();
    });
    // Cancel the task once it has inserted, mid-transaction.
    inserted.await.unwrap();
    task.abort();
    let _ = task.await;
    assert_eq!(count(&e).await, 0);
}

#[tokio::test]
async fn savepoints_roll_back_only_the_inner_work() {
    let e = engine().await;
    let mut tx = e.begin().await.unwrap();
    add("outer").execute(&mut tx).await.unwrap();
    {
        let mut sp = tx.begin().await.unwrap();
        add("inner").execute(&mut sp).await.unwrap();
        sp.rollback().await.unwrap();
    }
    {
        let mut sp = tx.begin().await.unwrap();
        add("kept").execute(&mut sp).await.unwrap();
        sp.commit().await.unwrap();
    }
    {
        let mut sp = tx.begin().await.unwrap();
        add("dropped").execute(&mut sp).await.unwrap();
    }
    tx.commit().await.unwrap();
    let names: Vec<String> =
        select(&accounts()).order_by(col("id")).all(&e).await.unwrap().iter().map(|r| r.get::<String>("name").unwrap()).collect();
    assert_eq!(names, ["outer", "kept"]);
}

#[tokio::test]
async fn connection_transaction_and_engine_all_execute() {
    let e = engine().await;
    let mut conn = e.connect().await.unwrap();
    {
        let mut tx = conn.begin().await.unwrap();
        add("a").execute(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    add("b").execute(&mut conn).await.unwrap();
    assert_eq!(select(&accounts()).count(&mut conn).await.unwrap(), 2);
}

#[tokio::test]
async fn one_first_exists_count_and_stream() {
    let e = engine().await;
    for n in ["a", "b", "c"] {
        add(n).execute(&e).await.unwrap();
    }
    let q = || select(&accounts());
    assert!(matches!(q().one(&e).await, Err(Error::MultipleRows)));
    assert!(matches!(q().filter(col("name").eq("zz")).one(&e).await, Err(Error::NotFound)));
    assert_eq!(q().filter(col("name").eq("b")).one(&e).await.unwrap().get::<String>("name").unwrap(), "b");
    assert!(q().filter(col("name").eq("zz")).first(&e).await.unwrap().is_none());
    assert!(q().filter(col("name").eq("c")).exists(&e).await.unwrap());
    assert!(!q().filter(col("name").eq("zz")).exists(&e).await.unwrap());
    assert_eq!(q().limit(2).count(&e).await.unwrap(), 2);
    let streamed: Vec<String> =
        q().order_by(col("name").desc()).stream(&e).map(|r| r.unwrap().get::<String>("name").unwrap()).collect().await;
    assert_eq!(streamed, ["c", "b", "a"]);
}

#[tokio::test]
async fn decimal_and_text_round_trip() {
    let e = engine().await;
    let name = "O'Brien \"quoted\" 🐍 測試; DROP TABLE accounts; --";
    insert_into(&accounts())
        .columns(["name", "balance"])
        .values([Value::from(name), Value::from(athanor::dec!(12345.12345678))])
        .execute(&e)
        .await
        .unwrap();
    let row = select(&accounts()).one(&e).await.unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), name);
    assert_eq!(row.get::<athanor::Decimal>("balance").unwrap(), athanor::dec!(12345.12345678));
    assert_eq!(select(&accounts()).filter(col("balance").gt(athanor::dec!(12345.1))).count(&e).await.unwrap(), 1);
}

#[tokio::test]
async fn unique_violation_is_typed() {
    let e = engine().await;
    add("a").execute(&e).await.unwrap();
    let err = add("a").execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(athanor::DbErrorKind::UniqueViolation), "{err}");
}

#[tokio::test]
async fn raw_text_with_named_binds() {
    let e = engine().await;
    add("a").execute(&e).await.unwrap();
    add("b").execute(&e).await.unwrap();
    let rows = text("SELECT name, balance * 2 AS twice FROM accounts WHERE name >= :from ORDER BY name")
        .bind("from", "b")
        .fetch_all(&e)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<String>("name").unwrap(), "b");
    assert_eq!(rows[0].get::<f64>("twice").unwrap(), 3.0);
    let err = text("SELECT :missing").fetch_all(&e).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
}

#[tokio::test]
async fn file_database_with_pool_of_connections() {
    let dir = std::env::temp_dir().join(format!("athanor-test-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("app.db");
    let e = create_engine(&format!("sqlite:///{}?maxsize=4", path.display())).unwrap();
    e.create_all(&[&accounts()]).await.unwrap();
    let mut handles = Vec::new();
    for i in 0..16 {
        let e = e.clone();
        handles.push(tokio::spawn(async move { add(&format!("n{i}")).execute(&e).await.unwrap() }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(count(&e).await, 16);
    e.dispose().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn bulk_insert_beyond_the_parameter_limit() {
    let e = engine().await;
    let mut q = insert_into(&accounts()).columns(["name", "balance"]);
    for i in 0..20_000 {
        q = q.values([Value::from(format!("n{i}")), Value::from(i)]);
    }
    let r = q.execute(&e).await.unwrap();
    assert_eq!(r.rows_affected, 20_000);
    assert_eq!(count(&e).await, 20_000);
}
