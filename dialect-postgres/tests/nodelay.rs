//! The engine's sessions have TCP_NODELAY on: without it, a request written in two pieces (a
//! bulk insert larger than the send window; COPY's data then `CopyDone`) waits for the server's
//! delayed ACK (~40 ms on Linux) before its last piece leaves. sqlx 0.9.0 does not set it.

mod common;

use athanor_core::text;
use athanor_testkit::sockets::nodelay_of_sockets_to;

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_have_tcp_nodelay() {
    let e = common::engine_at(&format!("{}?maxsize=4", common::url()));
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let e = e.clone();
            tokio::spawn(async move { text("SELECT pg_sleep(0.05)").execute(&e).await.unwrap() })
        })
        .collect();
    for r in runs {
        r.await.unwrap();
    }
    let url = common::url();
    let authority = url.split("://").nth(1).unwrap().split(['/', '?']).next().unwrap();
    let port = authority.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).unwrap_or(5432);
    let found = nodelay_of_sockets_to(port);
    assert!(!found.is_empty(), "no session to port {port}");
    assert!(found.iter().all(|on| *on), "TCP_NODELAY per session: {found:?}");
    e.dispose().await;
}
