//! Transactions: commit, rollback, rollback on drop and on cancellation, savepoints, isolation
//! levels and read-only mode.

mod common;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, DbErrorKind, Engine, IsolationLevel, TxOptions, Value};

struct Fixture {
    e: Engine,
    t: Table,
}

impl Fixture {
    async fn new() -> Fixture {
        let t = Table::new(common::unique("tx"))
            .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
            .column(ColumnDef::new("name", ColumnType::String { max_len: Some(64) }))
            .primary_key(["id"]);
        let e = common::engine();
        e.create_all(&[&t]).await.unwrap();
        Fixture { e, t }
    }
    fn add(&self, name: &str) -> athanor_core::query::Insert {
        insert_into(&self.t).columns(["name"]).values([Value::from(name)])
    }
    async fn count(&self) -> u64 {
        select(&self.t).count(&self.e).await.unwrap()
    }
    async fn names(&self) -> Vec<String> {
        let rows = select(&self.t).order_by(col("id").asc()).all(&self.e).await.unwrap();
        rows.iter().map(|r| r.get::<String>("name").unwrap()).collect()
    }
    async fn drop(self) {
        self.e.drop_all(&[&self.t]).await.unwrap();
    }
}

#[tokio::test]
async fn commit_keeps_and_rollback_discards() {
    let f = Fixture::new().await;
    let mut tx = f.e.begin().await.unwrap();
    let r = f.add("a").execute(&mut tx).await.unwrap();
    assert_eq!(r.rows_affected, 1);
    assert!(r.last_insert_id.is_some());
    tx.commit().await.unwrap();
    let mut tx = f.e.begin().await.unwrap();
    f.add("b").execute(&mut tx).await.unwrap();
    assert_eq!(select(&f.t).count(&mut tx).await.unwrap(), 2);
    tx.rollback().await.unwrap();
    assert_eq!(f.names().await, ["a"]);
    f.drop().await;
}

#[tokio::test]
async fn dropped_transaction_leaves_no_rows() {
    let f = Fixture::new().await;
    {
        let mut tx = f.e.begin().await.unwrap();
        f.add("x").execute(&mut tx).await.unwrap();
        f.add("y").execute(&mut tx).await.unwrap();
        // dropped mid-way without commit
    }
    assert_eq!(f.count().await, 0);
    // The connection went back to the pool clean: a new transaction on it works.
    let mut tx = f.e.begin().await.unwrap();
    f.add("z").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(f.names().await, ["z"]);
    f.drop().await;
}

#[tokio::test]
async fn cancelled_future_rolls_back() {
    let f = Fixture::new().await;
    let e = f.e.clone();
    let t = f.t.clone();
    let work = async move {
        let mut tx = e.begin().await.unwrap();
        insert_into(&t).columns(["name"]).values([Value::from("lost")]).execute(&mut tx).await.unwrap();
        text("SELECT SLEEP(2)").execute(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
    };
    assert!(tokio::time::timeout(std::time::Duration::from_millis(500), work).await.is_err());
    assert_eq!(f.count().await, 0);
    f.drop().await;
}

#[tokio::test]
async fn savepoints_nest() {
    let f = Fixture::new().await;
    let mut tx = f.e.begin().await.unwrap();
    f.add("outer").execute(&mut tx).await.unwrap();
    {
        let mut sp = tx.begin().await.unwrap();
        f.add("kept").execute(&mut sp).await.unwrap();
        sp.commit().await.unwrap();
    }
    {
        let mut sp = tx.begin().await.unwrap();
        f.add("undone").execute(&mut sp).await.unwrap();
        sp.rollback().await.unwrap();
    }
    {
        let mut sp = tx.begin().await.unwrap();
        f.add("dropped").execute(&mut sp).await.unwrap();
        let mut inner = sp.begin().await.unwrap();
        f.add("deep").execute(&mut inner).await.unwrap();
        inner.commit().await.unwrap();
        // sp dropped: rolls back to its savepoint, including "deep"
    }
    f.add("after").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(f.names().await, ["outer", "kept", "after"]);
    f.drop().await;
}

#[tokio::test]
async fn isolation_level_applies_to_one_transaction_only() {
    let f = Fixture::new().await;
    let mut writer = f.e.begin().await.unwrap();
    f.add("dirty").execute(&mut writer).await.unwrap();
    let mut c = f.e.connect().await.unwrap();
    let mut tx = c.begin_with(TxOptions::default().isolation(IsolationLevel::ReadUncommitted)).await.unwrap();
    assert_eq!(select(&f.t).count(&mut tx).await.unwrap(), 1);
    tx.commit().await.unwrap();
    // The next transaction on the same connection is back to the server default (REPEATABLE READ).
    let mut tx = c.begin().await.unwrap();
    assert_eq!(select(&f.t).count(&mut tx).await.unwrap(), 0);
    tx.commit().await.unwrap();
    writer.rollback().await.unwrap();
    drop(c);
    f.drop().await;
}

#[tokio::test]
async fn repeatable_read_keeps_its_snapshot_and_read_committed_does_not() {
    let f = Fixture::new().await;
    let mut rr = f.e.begin_with(TxOptions::default().isolation(IsolationLevel::RepeatableRead)).await.unwrap();
    let mut rc = f.e.begin_with(TxOptions::default().isolation(IsolationLevel::ReadCommitted)).await.unwrap();
    assert_eq!(select(&f.t).count(&mut rr).await.unwrap(), 0);
    assert_eq!(select(&f.t).count(&mut rc).await.unwrap(), 0);
    f.add("new").execute(&f.e).await.unwrap();
    assert_eq!(select(&f.t).count(&mut rr).await.unwrap(), 0);
    assert_eq!(select(&f.t).count(&mut rc).await.unwrap(), 1);
    rr.commit().await.unwrap();
    rc.commit().await.unwrap();
    f.drop().await;
}

#[tokio::test]
async fn read_uncommitted_sees_other_sessions_uncommitted_rows() {
    let f = Fixture::new().await;
    let mut writer = f.e.begin().await.unwrap();
    f.add("dirty").execute(&mut writer).await.unwrap();
    let mut reader = f.e.begin_with(TxOptions::default().isolation(IsolationLevel::ReadUncommitted)).await.unwrap();
    assert_eq!(select(&f.t).count(&mut reader).await.unwrap(), 1);
    reader.commit().await.unwrap();
    let mut reader = f.e.begin_with(TxOptions::default().isolation(IsolationLevel::ReadCommitted)).await.unwrap();
    assert_eq!(select(&f.t).count(&mut reader).await.unwrap(), 0);
    reader.commit().await.unwrap();
    writer.rollback().await.unwrap();
    f.drop().await;
}

#[tokio::test]
async fn read_only_transaction_refuses_writes() {
    let f = Fixture::new().await;
    let mut tx = f.e.begin_with(TxOptions::default().read_only()).await.unwrap();
    assert_eq!(select(&f.t).count(&mut tx).await.unwrap(), 0);
    let err = f.add("nope").execute(&mut tx).await.unwrap_err();
    assert!(err.to_string().contains("READ ONLY"), "{err}");
    tx.rollback().await.unwrap();
    // The next transaction may write again.
    let mut tx = f.e.begin().await.unwrap();
    f.add("yes").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(f.names().await, ["yes"]);
    f.drop().await;
}

#[tokio::test]
async fn savepoint_cannot_change_isolation_or_mode() {
    let e = common::engine();
    let mut c = e.backend().acquire().await.unwrap();
    c.begin(&TxOptions::default()).await.unwrap();
    assert_eq!(c.transaction_depth(), 1);
    let err = c.begin(&TxOptions::default().read_only()).await.unwrap_err();
    assert!(matches!(err, athanor_core::Error::State(_)), "{err}");
    let err = c.begin(&TxOptions::default().isolation(IsolationLevel::Serializable)).await.unwrap_err();
    assert!(matches!(err, athanor_core::Error::State(_)), "{err}");
    assert_eq!(c.transaction_depth(), 1);
    c.begin(&TxOptions::default()).await.unwrap();
    assert_eq!(c.transaction_depth(), 2);
    c.rollback().await.unwrap();
    c.rollback().await.unwrap();
    assert_eq!(c.transaction_depth(), 0);
}

#[tokio::test]
async fn deadlock_is_typed_and_retryable() {
    let f = Fixture::new().await;
    f.add("one").execute(&f.e).await.unwrap();
    f.add("two").execute(&f.e).await.unwrap();
    let table = f.t.name.to_string();
    let upd = move |id: i64| text(format!("UPDATE `{table}` SET name = 'x' WHERE id = :id")).bind("id", id);
    let mut a = f.e.begin().await.unwrap();
    let mut b = f.e.begin().await.unwrap();
    upd(1).execute(&mut a).await.unwrap();
    upd(2).execute(&mut b).await.unwrap();
    let upd2 = upd.clone();
    let ta = tokio::spawn(async move {
        let r = upd2(2).execute(&mut a).await;
        (r, a)
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let rb = upd(1).execute(&mut b).await;
    let (ra, a) = ta.await.unwrap();
    let err = match (ra, rb) {
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => e,
        other => panic!("expected exactly one deadlock victim, got {other:?}"),
    };
    assert_eq!(err.db_kind(), Some(DbErrorKind::Deadlock), "{err}");
    assert!(err.is_retryable());
    drop((a, b));
    f.drop().await;
}

#[tokio::test]
async fn lock_wait_timeout_is_typed_and_retryable() {
    let f = Fixture::new().await;
    f.add("one").execute(&f.e).await.unwrap();
    let mut holder = f.e.begin().await.unwrap();
    text(format!("UPDATE `{}` SET name = 'held' WHERE id = 1", f.t.name)).execute(&mut holder).await.unwrap();
    let mut c = f.e.connect().await.unwrap();
    text("SET SESSION innodb_lock_wait_timeout = 1").execute(&mut c).await.unwrap();
    let mut tx = c.begin().await.unwrap();
    let err = text(format!("UPDATE `{}` SET name = 'waiter' WHERE id = 1", f.t.name)).execute(&mut tx).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::LockTimeout), "{err}");
    assert!(err.is_retryable());
    drop(tx);
    holder.rollback().await.unwrap();
    drop(c);
    f.drop().await;
}

#[tokio::test]
async fn cancelled_bulk_insert_leaves_the_connection_clean() {
    let t = Table::new(common::unique("cbulk"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("a", ColumnType::I64))
        .column(ColumnDef::new("b", ColumnType::I64))
        .primary_key(["id"]);
    let e = common::engine();
    e.create_all(&[&t]).await.unwrap();
    let mut q = insert_into(&t).columns(["id", "a", "b"]);
    for i in 0..60_000i64 {
        q = q.values([Value::I64(i), Value::I64(i), Value::I64(-i)]);
    }
    let mut c = e.connect().await.unwrap();
    for ms in [5, 20, 50, 100, 200, 60_000] {
        let r = tokio::time::timeout(std::time::Duration::from_millis(ms), q.clone().execute(&mut c)).await;
        let in_tx: i64 = text("SELECT @@in_transaction AS t").fetch_one(&mut c).await.unwrap().get("t").unwrap();
        assert_eq!(in_tx, 0, "after {ms} ms");
        let n = select(&t).count(&e).await.unwrap();
        match r {
            Ok(done) => {
                assert_eq!(done.unwrap().rows_affected, 60_000);
                assert_eq!(n, 60_000);
                break;
            }
            Err(_) => assert_eq!(n, 0, "a cancelled bulk insert is all or nothing ({ms} ms)"),
        }
    }
    drop(c);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn statement_cancelled_inside_a_transaction_fails_the_transaction() {
    let f = Fixture::new().await;
    // A pool of one: the replacement must not wait for a second pool slot.
    let one = common::engine_at(&format!("{}?maxsize=1&pool_timeout=3", common::URL));
    let mut c = one.connect().await.unwrap();
    {
        let mut tx = c.begin().await.unwrap();
        f.add("before").execute(&mut tx).await.unwrap();
        let slow = text("SELECT SLEEP(2)").execute(&mut tx);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(100), slow).await.is_err());
        // The connection was mid-statement: it is replaced, and its transaction is gone.
        let err = f.add("after").execute(&mut tx).await.unwrap_err();
        assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err}");
        let err = tx.commit().await.unwrap_err();
        assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err}");
    }
    // The connection itself keeps working, outside any transaction.
    let in_tx: i64 = text("SELECT @@in_transaction AS t").fetch_one(&mut c).await.unwrap().get("t").unwrap();
    assert_eq!(in_tx, 0);
    f.add("later").execute(&mut c).await.unwrap();
    drop(c);
    assert_eq!(f.names().await, ["later"]);
    // The slot went back to the pool with the healthy replacement.
    text("SELECT 1").execute(&one).await.unwrap();
    f.drop().await;
}
