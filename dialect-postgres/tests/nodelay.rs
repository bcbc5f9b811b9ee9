//! The engine's sessions have TCP_NODELAY on: without it, a request written in two pieces (a
//! bulk insert larger than the send window; COPY's data then `CopyDone`) waits for the server's
//! delayed ACK (~40 ms on Linux) before its last piece leaves. sqlx 0.9.0 does not set it.

mod common;

use athanor_core::text;

/// TCP_NODELAY of every TCP socket of this process connected to `port`.
#[cfg(target_os = "linux")]
fn nodelay_of_sockets_to(port: u16) -> Vec<bool> {
    use std::os::fd::BorrowedFd;
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Some(fd) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        if !std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: nothing else in this test opens or closes descriptors while it looks.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let s = socket2::SockRef::from(&fd);
        if s.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port) {
            found.push(s.tcp_nodelay().unwrap());
        }
    }
    found
}

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
