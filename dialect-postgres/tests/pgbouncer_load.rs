//! Through a real PgBouncer in transaction mode (scripts/pgbouncer/up): 64 concurrent tasks on
//! two engines (as two processes would be) run point selects of eight shapes; every row must be
//! the right one and no query may fail. The negative control runs the same load with named
//! statements and must fail, which shows the load does reach shared server sessions.

mod pooler;

use pooler::{behind_pooler, load, through_pgbouncer, Seeded};
use std::sync::Arc;

const TASKS: usize = 64;
const PER_TASK: usize = 80;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn point_selects_through_pgbouncer_return_the_right_rows() {
    let seeded = Arc::new(Seeded::create().await);
    // Declared (`pgbouncer=true`), and detected from a statement cache of 0.
    let declared = through_pgbouncer("pgbouncer=true").await;
    let detected = through_pgbouncer("statement_cache_size=0").await;
    assert!(behind_pooler(&declared) && behind_pooler(&detected));
    let out = load(&seeded, &[declared.clone(), detected.clone()], TASKS, PER_TASK).await;
    declared.dispose().await;
    detected.dispose().await;
    Arc::try_unwrap(seeded).ok().unwrap().drop().await;
    assert_eq!(out.wrong, 0, "wrong rows: {:?}", out.wrong_examples);
    assert!(out.errors.is_empty(), "{} errors, first: {:?}", out.errors.len(), out.errors.first());
    assert_eq!(out.ok, TASKS * PER_TASK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn negative_control_named_statements_through_pgbouncer_fail() {
    let seeded = Arc::new(Seeded::create().await);
    // Pooler mode off (port 6432 is not detected): named, cached statements.
    let one = through_pgbouncer("pgbouncer=false&statement_cache_size=100").await;
    let two = through_pgbouncer("pgbouncer=false&statement_cache_size=100").await;
    assert!(!behind_pooler(&one) && !behind_pooler(&two));
    let out = load(&seeded, &[one.clone(), two.clone()], TASKS, PER_TASK).await;
    one.dispose().await;
    two.dispose().await;
    Arc::try_unwrap(seeded).ok().unwrap().drop().await;
    eprintln!("named statements through PgBouncer: {} ok, {} wrong rows, {} errors", out.ok, out.wrong, out.errors.len());
    assert!(out.wrong + out.errors.len() > 0, "named statements through a transaction pooler should fail; did the load reach PgBouncer?");
    assert!(
        out.errors.iter().any(|e| e.contains("prepared statement")) || out.wrong > 0,
        "expected `prepared statement … does not exist/already exists` errors or wrong rows, got {:?}",
        out.errors.first()
    );
}
