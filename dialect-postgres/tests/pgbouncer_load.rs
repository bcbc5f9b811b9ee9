//! Through a real PgBouncer in transaction mode (scripts/pgbouncer/up): 64 concurrent tasks on
//! two engines (as two processes would be) run point selects of eight shapes; every row must be
//! the right one and no query may fail; the same from two processes at once. The negative control
//! runs the same load with named statements and must fail, which shows the load does reach
//! shared server sessions.

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

/// Set in the second process: the seeded tables' names, `a,b`.
const CHILD_TABLES: &str = "ATHANOR_PGBOUNCER_CHILD_TABLES";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn point_selects_from_two_processes_through_pgbouncer() {
    if let Ok(names) = std::env::var(CHILD_TABLES) {
        // The second process: the same load on the parent's tables, checked the same way.
        let (a, b) = names.split_once(',').expect("a,b");
        let e = through_pgbouncer("pgbouncer=true").await;
        let out = load(&Arc::new(Seeded::named(a, b)), std::slice::from_ref(&e), TASKS / 2, PER_TASK).await;
        e.dispose().await;
        assert_eq!(out.wrong, 0, "second process, wrong rows: {:?}", out.wrong_examples);
        assert!(out.errors.is_empty(), "second process: {} errors, first: {:?}", out.errors.len(), out.errors.first());
        return;
    }
    let seeded = Arc::new(Seeded::create().await);
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args(["point_selects_from_two_processes_through_pgbouncer", "--exact", "--test-threads=1"]);
    command.env(CHILD_TABLES, format!("{},{}", seeded.a.name, seeded.b.name));
    let child = async { tokio::task::spawn_blocking(move || command.output()).await.unwrap() };
    let e = [through_pgbouncer("pgbouncer=true").await];
    let (out, child) = tokio::join!(load(&seeded, &e, TASKS / 2, PER_TASK), child);
    e[0].dispose().await;
    Arc::try_unwrap(seeded).ok().unwrap().drop().await;
    let child = child.expect("the second process runs");
    let said = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && said.contains("1 passed"),
        "second process failed:\n{said}{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert_eq!(out.wrong, 0, "wrong rows: {:?}", out.wrong_examples);
    assert!(out.errors.is_empty(), "{} errors, first: {:?}", out.errors.len(), out.errors.first());
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
