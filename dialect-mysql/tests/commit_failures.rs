//! A COMMIT the server refuses leaves the connection either rolled back and clean or discarded,
//! never reused in an unknown state.

mod common;

use athanor_core::{text, Engine};

async fn connection_id(c: impl athanor_core::Executor<'_>) -> u64 {
    text("SELECT CONNECTION_ID() AS id").fetch_one(c).await.unwrap().get("id").unwrap()
}

/// The server refuses COMMIT (an XA transaction is active, 1399) and the ROLLBACK that follows:
/// the connection is discarded, the next checkout gets a new clean session, and the refused
/// work is gone.
#[tokio::test]
async fn a_refused_commit_whose_rollback_fails_discards_the_connection() {
    let t = common::unique("refused_commit");
    let e: Engine = common::engine_at(&format!("{}?maxsize=1", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY)")).await;
    let xid = common::unique("xid");
    let id;
    {
        let mut tx = e.begin().await.unwrap();
        id = connection_id(&mut tx).await;
        // End the transaction behind the driver's back and open an XA one in its place.
        text("COMMIT").execute(&mut tx).await.unwrap();
        text(format!("XA START '{xid}'")).execute(&mut tx).await.unwrap();
        text(format!("INSERT INTO `{t}` VALUES (1)")).execute(&mut tx).await.unwrap();
        let err = tx.commit().await.unwrap_err();
        assert!(err.to_string().contains("1399"), "{err}");
    }
    let again = connection_id(&e).await;
    assert_ne!(again, id, "the connection whose COMMIT and ROLLBACK failed was reused");
    let in_tx: i64 = text("SELECT @@in_transaction AS t").fetch_one(&e).await.unwrap().get("t").unwrap();
    assert_eq!(in_tx, 0);
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{t}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 0);
    // A new transaction starts with BEGIN (not a SAVEPOINT) and commits.
    let mut tx = e.begin().await.unwrap();
    text(format!("INSERT INTO `{t}` VALUES (2)")).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{t}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 1);
    common::exec(&e, &format!("DROP TABLE `{t}`")).await;
}

/// A borrowed connection (`engine.connect()`): after the refused COMMIT it reports no open
/// transaction and keeps working on a new session.
#[tokio::test]
async fn a_borrowed_connection_is_clean_after_a_refused_commit() {
    let t = common::unique("refused_commit_conn");
    let e: Engine = common::engine_at(&format!("{}?maxsize=1", common::URL));
    common::exec(&e, &format!("CREATE TABLE `{t}` (id INT PRIMARY KEY)")).await;
    let xid = common::unique("xid");
    let mut c = e.connect().await.unwrap();
    {
        let mut tx = c.begin().await.unwrap();
        text("COMMIT").execute(&mut tx).await.unwrap();
        text(format!("XA START '{xid}'")).execute(&mut tx).await.unwrap();
        assert!(tx.commit().await.is_err());
    }
    let in_tx: i64 = text("SELECT @@in_transaction AS t").fetch_one(&mut c).await.unwrap().get("t").unwrap();
    assert_eq!(in_tx, 0);
    let mut tx = c.begin().await.unwrap();
    text(format!("INSERT INTO `{t}` VALUES (1)")).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    drop(c);
    let n: i64 = text(format!("SELECT COUNT(*) AS n FROM `{t}`")).fetch_one(&e).await.unwrap().get("n").unwrap();
    assert_eq!(n, 1);
    common::exec(&e, &format!("DROP TABLE `{t}`")).await;
}
