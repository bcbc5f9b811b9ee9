//! A COMMIT or ROLLBACK that fails on SQLite: the transaction reports the error, the connection is
//! rolled back (or discarded) before anyone reuses it, and the next `begin()` sends BEGIN.

use athanor::{create_engine, text, DbErrorKind, Engine};
use std::path::PathBuf;

/// A fresh directory for one test's database files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("athanor-sqlitetx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn url(path: &std::path::Path, query: &str) -> String {
    format!("sqlite:///{}?{query}", path.display())
}

async fn count(e: &Engine, table: &str) -> i64 {
    let rows = text(format!("SELECT COUNT(*) AS n FROM {table}")).fetch_all(e).await.unwrap();
    rows[0].get::<i64>("n").unwrap()
}

/// Deferred foreign keys make COMMIT itself fail; one pooled connection, so the next `begin()`
/// reuses the very connection whose COMMIT failed.
#[tokio::test]
async fn failed_commit_on_deferred_foreign_key_leaves_a_clean_connection() {
    let dir = temp_dir("fk");
    let path = dir.join("fk.db");
    let e = create_engine(&url(&path, "maxsize=1")).unwrap();
    text("CREATE TABLE parent (id INTEGER PRIMARY KEY)").execute(&e).await.unwrap();
    text("CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
        .execute(&e)
        .await
        .unwrap();

    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO child (id, pid) VALUES (1, 999)").execute(&mut tx).await.unwrap();
    let err = tx.commit().await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");

    // The orphan was rolled back, not left pending on the pooled connection.
    assert_eq!(count(&e, "child").await, 0);

    // The next transaction is a real one: what it commits is visible to another engine.
    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO parent (id) VALUES (7)").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let other = create_engine(&url(&path, "")).unwrap();
    assert_eq!(count(&other, "parent").await, 1);
    // And BEGIN works on it (a connection left inside a transaction refuses a raw BEGIN).
    text("BEGIN").execute(&e).await.unwrap();
    text("ROLLBACK").execute(&e).await.unwrap();
    other.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// SQLITE_BUSY on COMMIT: in rollback-journal mode a writer's COMMIT needs every reader's shared
/// lock gone; another engine holds a read transaction open past the short busy timeout.
#[tokio::test]
async fn busy_commit_reports_the_error_and_the_next_begin_is_a_real_transaction() {
    let dir = temp_dir("busy");
    let path = dir.join("busy.db");
    let e = create_engine(&url(&path, "maxsize=1&journal_mode=DELETE&busy_timeout=0.1")).unwrap();
    let reader = create_engine(&url(&path, "maxsize=1&journal_mode=DELETE&busy_timeout=0.1")).unwrap();
    text("CREATE TABLE t (id INTEGER PRIMARY KEY)").execute(&e).await.unwrap();

    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO t (id) VALUES (1)").execute(&mut tx).await.unwrap();
    // The reader takes a shared lock and keeps it.
    let mut r = reader.connect().await.unwrap();
    text("BEGIN").execute(&mut r).await.unwrap();
    text("SELECT COUNT(*) FROM t").fetch_all(&mut r).await.unwrap();
    let err = tx.commit().await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::LockTimeout), "{err}");
    text("ROLLBACK").execute(&mut r).await.unwrap();
    drop(r);

    // The failed transaction's row is gone, and the next transaction commits for real.
    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO t (id) VALUES (2)").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let ids = text("SELECT id FROM t ORDER BY id").fetch_all(&reader).await.unwrap();
    let ids: Vec<i64> = ids.iter().map(|r| r.get::<i64>("id").unwrap()).collect();
    assert_eq!(ids, vec![2]);
    reader.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// On a connection the user holds, a transaction whose COMMIT failed is over: the next `begin()`
/// on that connection starts a real transaction, not a savepoint inside the failed one.
#[tokio::test]
async fn a_transaction_whose_commit_failed_is_not_open_any_more() {
    let dir = temp_dir("ended");
    let path = dir.join("ended.db");
    let e = create_engine(&url(&path, "maxsize=1")).unwrap();
    text("CREATE TABLE parent (id INTEGER PRIMARY KEY)").execute(&e).await.unwrap();
    text("CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
        .execute(&e)
        .await
        .unwrap();
    let mut c = e.connect().await.unwrap();
    let mut tx = c.begin().await.unwrap();
    text("INSERT INTO child (id, pid) VALUES (1, 999)").execute(&mut tx).await.unwrap();
    assert!(tx.commit().await.is_err());
    // The same pooled connection, held by the user: no transaction is open on it any more.
    let mut tx = c.begin().await.unwrap();
    text("INSERT INTO parent (id) VALUES (1)").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    drop(c);
    let other = create_engine(&url(&path, "")).unwrap();
    assert_eq!(count(&other, "parent").await, 1);
    assert_eq!(count(&other, "child").await, 0);
    other.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A COMMIT cancelled while SQLite waits on a lock: its outcome is unknown, so the connection is
/// discarded (never pooled half-way); the engine's next transaction is a real one.
#[tokio::test]
async fn commit_cancelled_while_waiting_on_a_lock_discards_the_connection() {
    let dir = temp_dir("cancel");
    let path = dir.join("cancel.db");
    let e = create_engine(&url(&path, "maxsize=1&journal_mode=DELETE&busy_timeout=2")).unwrap();
    let reader = create_engine(&url(&path, "maxsize=1&journal_mode=DELETE&busy_timeout=2")).unwrap();
    text("CREATE TABLE t (id INTEGER PRIMARY KEY)").execute(&e).await.unwrap();

    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO t (id) VALUES (1)").execute(&mut tx).await.unwrap();
    let mut r = reader.connect().await.unwrap();
    text("BEGIN").execute(&mut r).await.unwrap();
    text("SELECT COUNT(*) FROM t").fetch_all(&mut r).await.unwrap();
    // COMMIT now waits for the reader's lock; give up on it after 100 ms.
    let cancelled = tokio::time::timeout(std::time::Duration::from_millis(100), tx.commit()).await;
    assert!(cancelled.is_err(), "the commit should still be waiting");
    text("ROLLBACK").execute(&mut r).await.unwrap();
    drop(r);

    let mut tx = e.begin().await.unwrap();
    text("INSERT INTO t (id) VALUES (2)").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let ids = text("SELECT id FROM t ORDER BY id").fetch_all(&reader).await.unwrap();
    let ids: Vec<i64> = ids.iter().map(|r| r.get::<i64>("id").unwrap()).collect();
    // Row 1's fate was unknown to the caller (the COMMIT may have gone through once the lock was
    // free); row 2 is committed for everyone.
    assert!(ids == vec![2] || ids == vec![1, 2], "{ids:?}");
    reader.dispose().await;
    e.dispose().await;
    let _ = std::fs::remove_dir_all(&dir);
}
