//! Fault tests on a private MariaDB (started from the installed binaries, never the shared server):
//! graceful restart with an idle and with a busy pool, a crash (SIGKILL) mid-transaction and
//! mid-statement, and `KILL` of a connection mid-transaction and mid-statement. Each asserts typed
//! errors, bounded waits, no lost or half-written rows, and a usable engine afterwards.

mod fault_support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use athanor::prelude::*;
use athanor::DbErrorKind;
use athanor_testkit::PrivateMariaDb;
use fault_support::{is_outage, serial, within};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "fault_rows")]
pub struct FaultRow {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 32)]
    pub who: String,
}

fn row(id: i64) -> FaultRow {
    FaultRow { id, who: format!("w{id}") }
}

/// A private server and an engine on it with a pool of `maxsize`, table created.
async fn setup(maxsize: u32) -> (PrivateMariaDb, Engine) {
    let db = within(120, "start a private MariaDB", PrivateMariaDb::start()).await.expect("private MariaDB");
    let url = format!("{}?maxsize={maxsize}&pool_timeout=5&connect_timeout=5", db.url());
    let e = create_engine(&url).unwrap();
    within(30, "create table", e.create_all(&[FaultRow::table()])).await.unwrap();
    (db, e)
}

async fn count(e: &Engine) -> Result<u64> {
    within(15, "count", FaultRow::select().count(e)).await
}

/// Runs `count` until it succeeds; every failure on the way must be a typed outage error, and there may be
/// at most `max_failures` of them (one per pooled connection the server closed). Returns the count and the
/// failures seen.
async fn first_success(e: &Engine, max_failures: usize) -> (u64, usize) {
    let mut failures = 0;
    loop {
        match count(e).await {
            Ok(n) => return (n, failures),
            Err(err) => {
                assert!(is_outage(&err), "not a typed outage error: {err:?}");
                failures += 1;
                assert!(failures <= max_failures, "{failures} failures in a row after the server came back: {err}");
            }
        }
    }
}

async fn connection_id(c: &mut athanor::Connection) -> u64 {
    within(10, "connection id", text("SELECT CONNECTION_ID() AS id").fetch_one(c)).await.unwrap().get::<u64>("id").unwrap()
}

#[tokio::test]
async fn restart_with_an_idle_pool() {
    let _serial = serial().await;
    let (db, e) = setup(4).await;
    // Four connections open and idle in the pool.
    let conns = within(20, "four checkouts", futures_util::future::try_join_all((0..4).map(|_| e.connect()))).await.unwrap();
    drop(conns);
    FaultRow::insert_many(&[row(1), row(2)]).execute(&e).await.unwrap();

    within(90, "restart", db.restart()).await.unwrap();

    let (n, failures) = first_success(&e, 4).await;
    assert_eq!(n, 2, "committed rows survive the restart");
    for id in 3..23 {
        within(15, "insert after restart", row(id).insert().execute(&e)).await.unwrap();
    }
    assert_eq!(count(&e).await.unwrap(), 22);
    eprintln!("restart with an idle pool of 4: {failures} typed errors before the first success, then 20 of 20 inserts");
}

#[tokio::test]
async fn restart_with_a_busy_pool() {
    let _serial = serial().await;
    let (db, e) = setup(4).await;
    const WORKERS: i64 = 8;
    let stop = Arc::new(AtomicBool::new(false));
    let restarted = Arc::new(AtomicBool::new(false));
    // Ids whose insert returned Ok, ids whose insert failed (outcome unknown), successes after the restart.
    let ok = Arc::new(Mutex::new(BTreeSet::new()));
    let unknown = Arc::new(Mutex::new(BTreeSet::new()));
    let kinds = Arc::new(Mutex::new(std::collections::BTreeMap::<String, u32>::new()));
    let mut workers = Vec::new();
    for w in 0..WORKERS {
        let (e, stop, restarted, ok, unknown) = (e.clone(), stop.clone(), restarted.clone(), ok.clone(), unknown.clone());
        let kinds = kinds.clone();
        workers.push(tokio::spawn(async move {
            let (mut after, mut errors) = (0u32, 0u32);
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let id = w * 1_000_000 + n;
                let was_restarted = restarted.load(Ordering::SeqCst);
                match within(20, "insert under restart", row(id).insert().execute(&e)).await {
                    Ok(_) => {
                        ok.lock().unwrap().insert(id);
                        after += u32::from(was_restarted);
                    }
                    Err(err) => {
                        assert!(is_outage(&err), "not a typed outage error: {err:?}");
                        unknown.lock().unwrap().insert(id);
                        *kinds.lock().unwrap().entry(format!("{:?}", err.db_kind())).or_default() += 1;
                        errors += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                tokio::task::yield_now().await;
            }
            (after, errors)
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    within(90, "restart under load", db.restart()).await.unwrap();
    restarted.store(true, Ordering::SeqCst);
    // Let the workers get through again: 100 more successful inserts (bounded).
    let before = ok.lock().unwrap().len();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let done = ok.lock().unwrap().len();
        if done >= before + 100 || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::SeqCst);
    let mut errors = 0;
    for (w, h) in workers.into_iter().enumerate() {
        let (after, errs) = within(30, "worker end", h).await.unwrap();
        assert!(after > 0, "worker {w} never succeeded after the restart");
        errors += errs;
    }
    let stored: BTreeSet<i64> = within(15, "read back", FaultRow::select().all(&e)).await.unwrap().iter().map(|r| r.id).collect();
    let ok = ok.lock().unwrap().clone();
    let unknown = unknown.lock().unwrap().clone();
    let lost: Vec<_> = ok.difference(&stored).collect();
    assert!(lost.is_empty(), "inserts that returned Ok are missing: {lost:?}");
    let phantom: Vec<_> = stored.difference(&ok).filter(|id| !unknown.contains(id)).collect();
    assert!(phantom.is_empty(), "rows nobody inserted: {phantom:?}");
    eprintln!(
        "restart with a busy pool (8 writers, pool of 4): {} inserts Ok and all stored, {errors} typed errors {:?}, {} of those committed anyway",
        ok.len(),
        kinds.lock().unwrap(),
        stored.difference(&ok).count()
    );
}

#[tokio::test]
async fn crash_mid_transaction_loses_the_transaction_only() {
    let _serial = serial().await;
    let (db, e) = setup(2).await;
    FaultRow::insert_many(&[row(1)]).execute(&e).await.unwrap();
    let mut tx = within(10, "begin", e.begin()).await.unwrap();
    FaultRow::insert_many(&[row(2), row(3), row(4)]).execute(&mut tx).await.unwrap();
    db.kill();
    let t = Instant::now();
    let err = within(15, "commit after crash", tx.commit()).await.unwrap_err();
    assert!(is_outage(&err), "{err:?}");
    eprintln!("commit after SIGKILL: {:?} in {:?}", err.db_kind(), t.elapsed());
    assert!(!err.is_retryable(), "a COMMIT whose outcome is unknown must not be retried blindly: {err:?}");
    // While the server is down: typed errors, bounded.
    let err = count(&e).await.unwrap_err();
    assert!(is_outage(&err), "{err:?}");
    within(90, "start again", db.start_again()).await.unwrap();
    let (n, _) = first_success(&e, 2).await;
    assert_eq!(n, 1, "the crash rolled back the open transaction and kept the committed row");
    within(15, "insert after crash", row(5).insert().execute(&e)).await.unwrap();
    assert_eq!(count(&e).await.unwrap(), 2);
}

#[tokio::test]
async fn crash_mid_statement_is_a_typed_error_in_bounded_time() {
    let _serial = serial().await;
    let (db, e) = setup(2).await;
    let slow = {
        let e = e.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            (within(15, "statement on a crashed server", text("SELECT SLEEP(10) AS s").fetch_all(&e)).await, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    db.kill();
    let (r, took) = within(20, "slow statement", slow).await.unwrap();
    let err = r.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err:?}");
    assert!(took < Duration::from_secs(10), "the error came only after the statement would have ended: {took:?}");
    within(90, "start again", db.start_again()).await.unwrap();
    let (n, _) = first_success(&e, 2).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn kill_connection_mid_transaction() {
    let _serial = serial().await;
    let (_db, e) = setup(3).await;
    let mut c = within(10, "connect", e.connect()).await.unwrap();
    let id = connection_id(&mut c).await;
    {
        let mut tx = within(10, "begin", c.begin()).await.unwrap();
        FaultRow::insert_many(&[row(1), row(2)]).execute(&mut tx).await.unwrap();
        within(10, "KILL", text(format!("KILL CONNECTION {id}")).execute(&e)).await.unwrap();
        let err = within(15, "insert on a killed connection", row(3).insert().execute(&mut tx)).await.unwrap_err();
        assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{err:?}");
        let err = within(15, "commit on a killed connection", tx.commit()).await.unwrap_err();
        assert!(is_outage(&err), "{err:?}");
    }
    drop(c);
    // At most one typed error (the killed connection) before the engine answers again.
    let (n, _) = first_success(&e, 1).await;
    assert_eq!(n, 0, "nothing of the killed transaction was committed");
    within(15, "insert after KILL", row(4).insert().execute(&e)).await.unwrap();
    assert_eq!(count(&e).await.unwrap(), 1);
}

#[tokio::test]
async fn kill_mid_statement() {
    let _serial = serial().await;
    let (_db, e) = setup(3).await;
    for kill in ["KILL QUERY", "KILL CONNECTION"] {
        let mut c = within(10, "connect", e.connect()).await.unwrap();
        let id = connection_id(&mut c).await;
        let killer = {
            let e = e.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                within(10, "KILL", text(format!("{kill} {id}")).execute(&e)).await
            })
        };
        let t = Instant::now();
        let r = within(15, "statement being killed", text("SELECT SLEEP(10) AS s").fetch_all(&mut c)).await;
        within(10, "killer", killer).await.unwrap().unwrap();
        // SLEEP() interrupted by KILL QUERY returns 1 on MariaDB instead of an error; either way it ends early.
        assert!(t.elapsed() < Duration::from_secs(9), "{kill}: the statement ran to its end");
        if let Err(err) = &r {
            assert_eq!(err.db_kind(), Some(DbErrorKind::ConnectionLost), "{kill}: {err:?}");
        }
        if kill == "KILL CONNECTION" {
            assert!(r.is_err(), "a killed connection must not answer");
        }
        drop(c);
        // At most one typed error (the killed connection) before the engine answers again.
        first_success(&e, 1).await;
        within(15, "engine after KILL", row(id as i64).insert().execute(&e)).await.unwrap();
    }
    assert_eq!(count(&e).await.unwrap(), 2);
}
