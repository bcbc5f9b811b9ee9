//! The engine's sessions have TCP_NODELAY on: without it, a request written in two pieces (a
//! bulk insert larger than the send window) waits for the server's delayed ACK (~40 ms on
//! Linux) before its last piece leaves. sqlx 0.9.0 does not set it.

mod common;

use athanor_core::text;
use athanor_testkit::sockets::nodelay_of_sockets_to;

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_have_tcp_nodelay() {
    let e = common::engine_at(&format!("{}?maxsize=4", common::URL));
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let e = e.clone();
            tokio::spawn(async move { text("SELECT SLEEP(0.05)").execute(&e).await.unwrap() })
        })
        .collect();
    for r in runs {
        r.await.unwrap();
    }
    let found = nodelay_of_sockets_to(3306);
    assert!(!found.is_empty(), "no session to port 3306");
    assert!(found.iter().all(|on| *on), "TCP_NODELAY per session: {found:?}");
    e.dispose().await;
}
