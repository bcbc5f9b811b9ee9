//! Shared by the `faults_*` test binaries: bounded waits, unique names, a serial guard, error checks.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use athanor::{DbErrorKind, Error};

/// The shared MariaDB (only for tests that do not stop, kill or freeze it).
pub const SHARED_MYSQL: &str = "mysql://root@127.0.0.1:3306/test";

/// Awaits `f`, failing the test if it takes longer than `secs` (every wait in a fault test is bounded).
pub async fn within<T>(secs: u64, what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(secs), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer within {secs} s"),
    }
}

/// A name unique to this process and call.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

/// Runs the tests of one binary one at a time (they share a machine with two cores, and some share a
/// private server).
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static GUARD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    GUARD.lock().await
}

/// The errors a client may see while a server goes away or comes back: all typed, none a panic. A write
/// (or COMMIT) in flight when the connection dropped is `CommitOutcomeUnknown`.
pub fn is_outage(e: &Error) -> bool {
    let kinds = [DbErrorKind::ConnectionLost, DbErrorKind::ConnectFailed, DbErrorKind::CommitOutcomeUnknown];
    e.db_kind().is_some_and(|k| kinds.contains(&k)) || matches!(e, Error::PoolTimeout { .. })
}

/// Polls `f` until it has returned `Pending` `n` times, then drops it: a cancellation at its `n`-th await
/// point (`None`), or its output when it finishes first. Sweeping `n` from 0 cancels at every point.
pub async fn cancel_at_pending<F: Future>(n: usize, f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut pending = 0;
    std::future::poll_fn(move |cx| match f.as_mut().poll(cx) {
        std::task::Poll::Ready(v) => std::task::Poll::Ready(Some(v)),
        std::task::Poll::Pending if pending == n => std::task::Poll::Ready(None),
        std::task::Poll::Pending => {
            pending += 1;
            std::task::Poll::Pending
        }
    })
    .await
}
