//! Helpers the fault tests of every dialect share: a bound that turns a hang into a failure, and a
//! connection reset timed to hit a statement while it waits for its answer.

use crate::proxy::{FaultProxy, Mode};
use std::future::Future;
use std::time::{Duration, Instant};

/// How long any one faulted operation may take before the test calls it a hang.
pub const HANG: Duration = Duration::from_secs(20);

/// Runs `fut`, failing the test (naming `what`) instead of hanging past [`HANG`]; returns its
/// output and how long it took.
pub async fn bounded<T>(what: &str, fut: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let r = tokio::time::timeout(HANG, fut).await.unwrap_or_else(|_| panic!("{what} hung"));
    (r, started.elapsed())
}

/// Runs `fut` while the network through `proxy` stalls, and resets the connection under it
/// once it is waiting for its answer (then lets traffic pass again).
pub async fn reset_while_waiting<T>(proxy: &FaultProxy, fut: impl Future<Output = T>) -> T {
    proxy.set_mode(Mode::Pause);
    // Let every connection task see the pause before the statement is sent.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let reset = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        proxy.reset_open();
        proxy.set_mode(Mode::Pass);
    };
    let (r, ()) = bounded("a statement on a reset connection", async { tokio::join!(fut, reset) }).await.0;
    r
}
