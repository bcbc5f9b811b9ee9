//! The pool's own limits: a timed-out waiter never opens a connection beyond `maxsize`, the
//! waiters' timers do not depend on the runtime that asked first, and huge timeouts do not
//! overflow.

mod common;

use athanor_core::{text, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections a [`black_hole`] accepted in all, open now, and open at most at once.
#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    open: AtomicUsize,
    peak: AtomicUsize,
}

/// A TCP listener that accepts connections, counts them and never answers (a black hole).
async fn black_hole() -> (u16, Arc<Counts>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            c.accepted.fetch_add(1, Ordering::SeqCst);
            let now = c.open.fetch_add(1, Ordering::SeqCst) + 1;
            c.peak.fetch_max(now, Ordering::SeqCst);
            let c = c.clone();
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut buf = [0u8; 1024];
                while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
                c.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (port, counts)
}

/// Issue 11 defect 2: 30 waiters on a pool of 2 against a black hole never hold more than 2
/// connections open, and each gives up within about its timeout (no extra probe connection, no
/// doubled wait).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_timeouts_never_open_connections_beyond_maxsize() {
    let (port, counts) = black_hole().await;
    let e = common::engine_at(&format!("mysql://root@127.0.0.1:{port}/test?maxsize=2&pool_timeout=0.5"));
    let started = Instant::now();
    let waiters: Vec<_> = (0..30)
        .map(|_| {
            let e = e.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                (text("SELECT 1").execute(&e).await, t.elapsed())
            })
        })
        .collect();
    for w in waiters {
        let (r, took) = w.await.unwrap();
        match r {
            Err(Error::PoolTimeout { waited, .. }) => assert_eq!(waited, Duration::from_millis(500)),
            other => panic!("expected PoolTimeout, got {other:?}"),
        }
        assert!(took < Duration::from_secs(3), "a waiter took {took:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let peak = counts.peak.load(Ordering::SeqCst);
    assert!(peak <= 2, "{peak} connections open at once against maxsize=2");
    // A waiter that gets a slot freed before its own deadline tries once more, and on a loaded
    // machine the 30 waiters start up to a few hundred ms apart, so a few more attempts follow
    // one another (5 seen on CI); never one per waiter (the defect opened 32).
    let n = counts.accepted.load(Ordering::SeqCst);
    assert!(n <= 10, "{n} connections were opened against maxsize=2");
}

/// Issue 11 defect 9: an engine shared by two runtimes; the first one (whose task used to tick
/// every waiter's timer) ends, and a waiter on the second still times out.
#[test]
fn waiters_time_out_after_the_first_runtime_ends() {
    let rt = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let e = common::engine_at(&format!("{}?maxsize=1&pool_timeout=0.3", common::URL));
    let first = rt();
    first.block_on(async {
        let held = e.connect().await.unwrap();
        let err = text("SELECT 1").execute(&e).await.unwrap_err();
        assert!(matches!(err, Error::PoolTimeout { .. }), "{err}");
        drop(held);
    });
    drop(first);
    let second = rt();
    second.block_on(async {
        // The connection opened on the first runtime died with it: the pool closes it at
        // checkout and opens a fresh one (tests/runtimes.rs covers every dialect).
        tokio::time::timeout(Duration::from_secs(10), text("SELECT 1").execute(&e)).await.expect("no answer").unwrap();
        let held = tokio::time::timeout(Duration::from_secs(10), e.connect()).await.expect("no answer").unwrap();
        let waited = tokio::time::timeout(Duration::from_secs(10), text("SELECT 1").execute(&e)).await;
        let err = waited.expect("the waiter hung: its timer died with the first runtime").unwrap_err();
        assert!(matches!(err, Error::PoolTimeout { .. }), "{err}");
        drop(held);
        let v: i64 = text("SELECT 3 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
        assert_eq!(v, 3);
    });
}

/// Issue 11 defect 5 (the pool's side): a timeout too large for `Instant` means "no deadline",
/// not a panic at checkout.
#[tokio::test]
async fn a_huge_pool_timeout_does_not_overflow_at_checkout() {
    for q in ["pool_timeout=1e19"] {
        let Ok(e) = athanor_core::Engine::from_registry(&common::registry(), &format!("{}?maxsize=1&{q}", common::URL), Default::default())
        else {
            continue; // refused at parse time (a typed error) is fine too
        };
        let v: i64 = text("SELECT 4 AS v").fetch_one(&e).await.unwrap().get("v").unwrap();
        assert_eq!(v, 4);
    }
    // Set in code, a timeout past the accepted range is a typed error naming the option…
    let err = athanor_core::Engine::from_registry(
        &common::registry(),
        common::URL,
        athanor_core::EngineOptions::new().max_connections(1).acquire_timeout(Duration::MAX),
    )
    .unwrap_err();
    assert!(matches!(err, athanor_core::Error::InvalidOption { ref key, .. } if key == "acquire_timeout"), "{err}");
    // …and the largest accepted one (a year) waits without overflowing the deadline.
    let e = athanor_core::Engine::from_registry(
        &common::registry(),
        common::URL,
        athanor_core::EngineOptions::new().max_connections(1).acquire_timeout(Duration::from_secs(31_536_000)),
    )
    .unwrap();
    let held = e.connect().await.unwrap();
    // A waiter with a far deadline waits (and is cancelled here) instead of panicking.
    assert!(tokio::time::timeout(Duration::from_millis(200), text("SELECT 1").execute(&e)).await.is_err());
    drop(held);
    text("SELECT 1").execute(&e).await.unwrap();
}
