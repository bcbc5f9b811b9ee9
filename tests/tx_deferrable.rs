//! `SERIALIZABLE READ ONLY DEFERRABLE` through the engine's begin options: PostgreSQL runs it (and
//! the server reports every part of it); dialects without it refuse it with `Unsupported` before
//! any I/O.

use athanor::{create_engine, text, Error, IsolationLevel, Transaction, TxOptions};

fn deferrable() -> TxOptions {
    TxOptions::default().isolation(IsolationLevel::Serializable).read_only().deferrable()
}

async fn show(tx: &mut Transaction<'_>, setting: &str) -> String {
    let rows = text(format!("SHOW {setting}")).fetch_all(&mut *tx).await.unwrap();
    rows[0].get::<String>(setting).unwrap()
}

#[tokio::test]
async fn postgres_runs_a_serializable_read_only_deferrable_transaction() {
    let e = create_engine("postgresql://postgres@127.0.0.1:5432/test?maxsize=1").unwrap();
    let mut tx = e.begin_with(deferrable()).await.unwrap();
    assert_eq!(show(&mut tx, "transaction_isolation").await, "serializable");
    assert_eq!(show(&mut tx, "transaction_read_only").await, "on");
    assert_eq!(show(&mut tx, "transaction_deferrable").await, "on");
    // Read-only for real: a write is refused (25006).
    let err = text("CREATE TEMP TABLE deferrable_probe (id int)").execute(&mut tx).await.unwrap_err();
    assert!(matches!(&err, Error::Database(d) if d.code.as_deref() == Some("25006")), "{err:?}");
    tx.rollback().await.unwrap();
    // DEFERRABLE alone is accepted too (it only has an effect with SERIALIZABLE READ ONLY).
    let mut tx = e.begin_with(TxOptions::default().deferrable()).await.unwrap();
    assert_eq!(show(&mut tx, "transaction_deferrable").await, "on");
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn mysql_and_sqlite_refuse_deferrable() {
    for url in ["mysql://root@127.0.0.1:3306/test?maxsize=1", "sqlite://"] {
        let e = create_engine(url).unwrap();
        let mut c = e.connect().await.unwrap();
        match c.begin_with(TxOptions::default().deferrable()).await {
            Err(Error::Unsupported { feature, .. }) => assert!(feature.contains("deferrable"), "{url}: {feature}"),
            other => panic!("{url}: expected Unsupported, got {:?}", other.map(|_| ())),
        }
        // Nothing was sent: the connection is outside any transaction and a plain BEGIN works.
        let tx = c.begin().await.unwrap();
        tx.commit().await.unwrap();
    }
}
