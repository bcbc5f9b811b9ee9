//! Through a real PgBouncer in transaction mode (scripts/pgbouncer/up): transactions (commit,
//! rollback, savepoints, a dropped transaction, isolation), streaming next to a point-select
//! load, upserts that look up their conflict target, multi-statement inserts, and what happens
//! to session settings given at connect time.

mod pooler;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, Engine, EngineOptions, Error, IsolationLevel, TxOptions, Value};
use futures_util::StreamExt;
use pooler::{common, load, pgbouncer_url, through_pgbouncer, Seeded, ROWS};
use std::sync::Arc;

fn ids_table() -> Table {
    Table::new(common::unique("pgb_tx"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("v", ColumnType::I64))
        .primary_key(["id"])
}

async fn ids(t: &Table) -> Vec<i64> {
    let direct = common::engine();
    let rows = select(t).columns([col("id")]).order_by(col("id").asc()).all(&direct).await.unwrap();
    direct.dispose().await;
    rows.iter().map(|r| r.get::<i64>("id").unwrap()).collect()
}

async fn put(e: &mut athanor_core::Transaction<'_>, t: &Table, id: i64) {
    insert_into(t).columns(["id", "v"]).values([id, 0]).execute(&mut *e).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transactions_commit_roll_back_and_nest_through_pgbouncer() {
    let t = ids_table();
    let direct = common::engine();
    direct.create_all(&[&t]).await.unwrap();
    let e = through_pgbouncer("pgbouncer=true&maxsize=8").await;
    let mut tasks = Vec::new();
    for k in 0..16i64 {
        let (e, t) = (e.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            let base = k * 10;
            let mut tx = e.begin().await.unwrap();
            put(&mut tx, &t, base + 1).await;
            // Seen inside the transaction: the whole transaction stays on one server session.
            assert_eq!(select(&t).filter(col("id").eq(base + 1)).count(&mut tx).await.unwrap(), 1);
            {
                let mut sp = tx.begin().await.unwrap();
                put(&mut sp, &t, base + 2).await;
                sp.rollback().await.unwrap();
            }
            {
                let mut sp = tx.begin().await.unwrap();
                put(&mut sp, &t, base + 3).await;
                sp.commit().await.unwrap();
            }
            assert_eq!(select(&t).filter(col("id").gt(base).and(col("id").lt(base + 10))).count(&mut tx).await.unwrap(), 2);
            tx.commit().await.unwrap();

            let mut tx = e.begin().await.unwrap();
            put(&mut tx, &t, base + 4).await;
            tx.rollback().await.unwrap();
            {
                let mut tx = e.begin().await.unwrap();
                put(&mut tx, &t, base + 5).await;
                // dropped without commit
            }
            // Outside a transaction (one of its own behind the pooler).
            insert_into(&t).columns(["id", "v"]).values([base + 6, 0]).execute(&e).await.unwrap();
            // A failed statement outside a transaction leaves nothing open.
            let dup = insert_into(&t).columns(["id", "v"]).values([base + 6, 0]).execute(&e).await.unwrap_err();
            assert_eq!(dup.db_kind(), Some(athanor_core::DbErrorKind::UniqueViolation), "{dup}");

            let mut tx = e.begin_with(TxOptions::default().isolation(IsolationLevel::Serializable)).await.unwrap();
            let level = text("SHOW transaction_isolation").fetch_all(&mut tx).await.unwrap();
            assert_eq!(level[0].values()[0], Value::from("serializable"));
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    e.dispose().await;
    let want: Vec<i64> = (0..16).flat_map(|k| [k * 10 + 1, k * 10 + 3, k * 10 + 6]).collect();
    assert_eq!(ids(&t).await, want);
    direct.drop_all(&[&t]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn streams_through_pgbouncer_next_to_a_point_select_load() {
    let seeded = Arc::new(Seeded::create().await);
    let loaded = through_pgbouncer("pgbouncer=true").await;
    let streaming = through_pgbouncer("pgbouncer=true&maxsize=1").await;
    let background = {
        let (s, e) = (seeded.clone(), loaded.clone());
        tokio::spawn(async move { load(&s, &[e], 32, 40).await })
    };
    for _ in 0..5 {
        let mut s =
            select(&seeded.a).columns([col("id"), col("name")]).filter(col("id").gt(0i64)).order_by(col("id").asc()).stream(&streaming);
        let mut n = 0i64;
        while let Some(row) = s.next().await {
            n += 1;
            assert_eq!(row.unwrap().into_values(), vec![Value::I64(n), Value::from(format!("a{n}"))]);
        }
        assert_eq!(n, ROWS);
    }
    // Dropped after its first row: the one slot is replaced and serves again, with no
    // transaction left open.
    let mut s = select(&seeded.b).filter(col("id").gt(0i64)).stream(&streaming);
    assert!(s.next().await.unwrap().is_ok());
    drop(s);
    let (rows, want) = seeded.point_select(&streaming, 1, 7).await.unwrap();
    assert_eq!(rows, vec![want]);
    let mut tx = streaming.begin().await.unwrap();
    {
        let mut s = select(&seeded.a).filter(col("id").le(3i64)).order_by(col("id").asc()).stream(&mut tx);
        let mut n = 0;
        while let Some(row) = s.next().await {
            n += 1;
            assert_eq!(row.unwrap().get::<i64>("id").unwrap(), n);
        }
        assert_eq!(n, 3);
    }
    tx.commit().await.unwrap();
    let out = background.await.unwrap();
    loaded.dispose().await;
    streaming.dispose().await;
    Arc::try_unwrap(seeded).ok().unwrap().drop().await;
    assert_eq!(out.wrong, 0, "{:?}", out.wrong_examples);
    assert!(out.errors.is_empty(), "{:?}", out.errors.first());
}

#[tokio::test]
async fn upserts_and_multi_statement_inserts_through_pgbouncer() {
    let t = ids_table();
    let direct = common::engine();
    direct.create_all(&[&t]).await.unwrap();
    // This engine did not create the table: an upsert without a target looks up its key first.
    let e = through_pgbouncer("pgbouncer=true").await;
    insert_into(&t).columns(["id", "v"]).values([1i64, 1]).values([2i64, 2]).execute(&e).await.unwrap();
    insert_into(&t).columns(["id", "v"]).values([2i64, 20]).values([3i64, 30]).on_conflict_update(["v"]).execute(&e).await.unwrap();
    let rows = select(&t).columns([col("id"), col("v")]).order_by(col("id").asc()).all(&e).await.unwrap();
    let got: Vec<Vec<Value>> = rows.into_iter().map(|r| r.into_values()).collect();
    assert_eq!(got, [[1, 1], [2, 20], [3, 30]].map(|r| r.map(Value::I64).to_vec()).to_vec());
    // Over the parameter limit: several statements, all or nothing.
    let mut q = insert_into(&t).columns(["id", "v"]);
    for id in 100..40_100i64 {
        q = q.values([id, 0]);
    }
    q.execute(&e).await.unwrap();
    let mut q = insert_into(&t).columns(["id", "v"]);
    for id in 50_000..90_000i64 {
        q = q.values([id, 0]);
    }
    let err = q.values([3i64, 0]).execute(&e).await.unwrap_err();
    assert!(err.db_kind().is_some(), "{err}");
    assert_eq!(select(&t).count(&e).await.unwrap(), 3 + 40_000);
    e.dispose().await;
    direct.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn session_settings_at_connect_are_refused_behind_pgbouncer() {
    // Declared pooler: refused at create_engine, before any I/O.
    for (query, key) in
        [("pgbouncer=true&search_path=public", "search_path"), ("statement_cache_size=0&statement_timeout=5", "statement_timeout")]
    {
        match Engine::from_registry(&common::registry(), &pgbouncer_url(query), EngineOptions::default()) {
            Err(Error::InvalidOption { key: k, .. }) => assert_eq!(k, key),
            other => panic!("{query}: {:?}", other.map(|_| "an engine")),
        }
    }
    // Undeclared: PgBouncer refuses the connection; an error, not a hang.
    let e = common::engine_at(&pgbouncer_url("search_path=public&pool_timeout=10"));
    let err = text("SELECT 1").fetch_all(&e).await.unwrap_err();
    assert!(err.to_string().contains("unsupported startup parameter"), "{err}");
    e.dispose().await;
    // What does pass: application_name (PgBouncer tracks it), and SET LOCAL in a transaction.
    let e = through_pgbouncer("pgbouncer=true&application_name=athanor_pgb").await;
    let name = text("SHOW application_name").fetch_all(&e).await.unwrap();
    assert_eq!(name[0].values()[0], Value::from("athanor_pgb"));
    let mut tx = e.begin().await.unwrap();
    text("SET LOCAL statement_timeout = '7s'").execute(&mut tx).await.unwrap();
    let got = text("SHOW statement_timeout").fetch_all(&mut tx).await.unwrap();
    assert_eq!(got[0].values()[0], Value::from("7s"));
    tx.commit().await.unwrap();
    e.dispose().await;
}

#[tokio::test]
async fn a_cancelled_statement_or_dropped_stream_leaves_no_transaction_behind() {
    let seeded = Seeded::create().await;
    let e = through_pgbouncer("pgbouncer=true&maxsize=1").await;
    let mut c = e.connect().await.unwrap();
    // Cancelled mid-flight inside the transaction pooler mode opened for it.
    let slow = text("SELECT pg_sleep(:s) AS z").bind("s", 1.0).fetch_all(&mut c);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(100), slow).await.is_err(), "the sleep should be cancelled");
    // The session is replaced and no transaction is left over: statements run (a lost
    // transaction would refuse them), and BEGIN opens a transaction, not a savepoint.
    let got = select(&seeded.a).columns([col("name")]).filter(col("id").eq(5i64)).all(&mut c).await.unwrap();
    assert_eq!(got[0].values()[0], Value::from("a5"));
    let mut tx = c.begin().await.unwrap();
    let open = text("SELECT now() = statement_timestamp() AS fresh").fetch_all(&mut tx).await.unwrap();
    assert_eq!(open[0].values()[0], Value::Bool(false), "inside a transaction now() is its start");
    tx.commit().await.unwrap();
    // A stream dropped after its first row, on the same connection.
    {
        let mut s = select(&seeded.a).filter(col("id").gt(0i64)).stream(&mut c);
        assert!(s.next().await.unwrap().is_ok());
    }
    let got = select(&seeded.a).columns([col("name")]).filter(col("id").eq(9i64)).all(&mut c).await.unwrap();
    assert_eq!(got[0].values()[0], Value::from("a9"));
    let tx = c.begin().await.unwrap();
    tx.rollback().await.unwrap();
    drop(c);
    e.dispose().await;
    seeded.drop().await;
}
