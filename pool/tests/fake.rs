//! The generic pool over a fake connector: no round trip on release, never more than `max`
//! connections, a timeout reports the last connect error, idle connections are pinged, refusals
//! end a checkout at once.

use athanor_pool::{AcquireError, Connector, Pool, PoolConfig, PoolConnection};
use futures_core::future::BoxFuture;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Default)]
struct Counters {
    opened: AtomicU32,
    pings: AtomicU32,
    fail: AtomicBool,
    refuse: AtomicBool,
    /// The next connect fails, every later one never finishes.
    fail_then_hang: AtomicBool,
    hang: AtomicBool,
    closes: AtomicU32,
}

struct FakeConn(Arc<Counters>);

impl PoolConnection for FakeConn {
    type Error = String;
    fn ping(&mut self) -> BoxFuture<'_, Result<(), String>> {
        self.0.pings.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }
    fn needs_flush(&self) -> bool {
        false
    }
    fn flush(&mut self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
    fn close(self) -> BoxFuture<'static, Result<(), String>> {
        self.0.closes.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }
}

struct Fake(Arc<Counters>);

impl Connector for Fake {
    type Conn = FakeConn;
    type Error = String;
    fn connect(&self) -> BoxFuture<'_, Result<FakeConn, String>> {
        Box::pin(async move {
            if self.0.hang.load(Ordering::SeqCst) {
                std::future::pending::<()>().await;
            }
            if self.0.fail_then_hang.swap(false, Ordering::SeqCst) {
                self.0.hang.store(true, Ordering::SeqCst);
                return Err("connect timed out".into());
            }
            if self.0.refuse.load(Ordering::SeqCst) {
                return Err("refused".into());
            }
            if self.0.fail.load(Ordering::SeqCst) {
                return Err("network down".into());
            }
            self.0.opened.fetch_add(1, Ordering::SeqCst);
            Ok(FakeConn(self.0.clone()))
        })
    }
    fn is_refusal(&self, e: &String) -> bool {
        e == "refused"
    }
    fn describe(&self, e: &String) -> String {
        e.clone()
    }
}

fn config(max: u32, ping_after: Option<Duration>) -> PoolConfig {
    PoolConfig {
        max,
        min: 0,
        acquire_timeout: Duration::from_millis(300),
        idle_timeout: None,
        max_lifetime: None,
        ping_after_idle: ping_after,
        ping_timeout: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn reuses_connections_without_pinging_fresh_ones() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(2, Some(Duration::from_secs(60))));
    for _ in 0..10 {
        drop(pool.acquire().await.unwrap());
    }
    assert_eq!(c.opened.load(Ordering::SeqCst), 1);
    assert_eq!(c.pings.load(Ordering::SeqCst), 0);
    assert_eq!((pool.size(), pool.num_idle()), (1, 1));
}

#[tokio::test]
async fn pings_after_idling() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(1, Some(Duration::ZERO)));
    drop(pool.acquire().await.unwrap());
    tokio::time::sleep(Duration::from_millis(5)).await;
    drop(pool.acquire().await.unwrap());
    assert_eq!(c.pings.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn never_more_than_max_and_waiters_time_out() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(2, None));
    let a = pool.acquire().await.unwrap();
    let b = pool.acquire().await.unwrap();
    let waited = pool.acquire().await;
    assert!(matches!(waited, Err(AcquireError::Timeout(None))), "{:?}", waited.err());
    assert_eq!(c.opened.load(Ordering::SeqCst), 2);
    drop(a);
    let again = pool.acquire().await.unwrap();
    assert_eq!(c.opened.load(Ordering::SeqCst), 2);
    drop((b, again));
}

#[tokio::test]
async fn timeouts_report_the_last_connect_error_and_refusals_end_at_once() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(1, None));
    c.fail.store(true, Ordering::SeqCst);
    match pool.acquire().await {
        Err(AcquireError::Timeout(Some(e))) => assert_eq!(e, "network down"),
        other => panic!("{:?}", other.err()),
    }
    c.refuse.store(true, Ordering::SeqCst);
    let start = std::time::Instant::now();
    assert!(matches!(pool.acquire().await, Err(AcquireError::Connect(e)) if e == "refused"));
    assert!(start.elapsed() < Duration::from_millis(250));
    assert_eq!(pool.size(), 0);
}

/// A connect cut short by the checkout's deadline keeps the earlier attempt's own error.
#[tokio::test]
async fn a_connect_cut_by_the_deadline_keeps_the_earlier_error() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(1, None));
    c.fail_then_hang.store(true, Ordering::SeqCst);
    match pool.acquire().await {
        Err(AcquireError::Timeout(Some(e))) => assert_eq!(e, "connect timed out"),
        other => panic!("{:?}", other.err()),
    }
}

#[tokio::test]
async fn close_refuses_new_checkouts() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c), config(1, None));
    drop(pool.acquire().await.unwrap());
    pool.close().await;
    assert!(matches!(pool.acquire().await, Err(AcquireError::Closed)));
    assert_eq!(pool.size(), 0);
}

/// A first connect cut short by the checkout's deadline says it timed out (the same words a
/// driver's own connect timeout uses, whichever of the two fires first).
#[tokio::test]
async fn a_first_connect_cut_by_the_deadline_reports_a_timeout() {
    let c = Arc::new(Counters::default());
    let pool = Pool::new(Fake(c.clone()), config(1, None));
    c.hang.store(true, Ordering::SeqCst);
    match pool.acquire().await {
        Err(AcquireError::Timeout(Some(e))) => assert_eq!(e, "connect timed out after 300ms"),
        other => panic!("{:?}", other.err()),
    }
}

/// `close()` (an engine's `dispose()`) says goodbye only on connections whose runtime can drive
/// them: those of another current-thread runtime (which may not be running) are dropped with no
/// I/O, instead of waiting up to `ping_timeout` each.
#[test]
fn close_does_no_io_on_connections_of_another_current_thread_runtime() {
    let rt = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let c = Arc::new(Counters::default());
    let home = rt();
    let pool = home.block_on(async {
        let pool = Pool::new(Fake(c.clone()), config(2, None));
        let (a, b) = (pool.acquire().await.unwrap(), pool.acquire().await.unwrap());
        drop((a, b));
        pool
    });
    assert_eq!(pool.num_idle(), 2);
    rt().block_on(pool.close());
    assert_eq!(c.closes.load(Ordering::SeqCst), 0, "no goodbye from a runtime that cannot drive them");
    assert_eq!(pool.size(), 0);
    // On their own runtime they are closed politely.
    let pool = home.block_on(async {
        let pool = Pool::new(Fake(c.clone()), config(2, None));
        drop(pool.acquire().await.unwrap());
        pool.close().await;
        pool
    });
    assert_eq!(c.closes.load(Ordering::SeqCst), 1);
    assert_eq!(pool.size(), 0);
}
