//! A fresh SQLite file opened by many connections at once: the first connect switches the file to
//! WAL, and the others may find it locked for a moment. Each must wait and succeed (the pool
//! retries a busy or locked file until its deadline), not fail with "database is locked".

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_first_connects_to_a_fresh_file_all_succeed() {
    for round in 0..40 {
        let path = std::env::temp_dir().join(format!("athanor_first_connects_{}_{round}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let e = athanor::create_engine(&format!("sqlite:///{}?maxsize=16", path.display())).expect("engine");
        let all = futures_util::future::join_all((0..16).map(|_| e.connect()));
        let held = tokio::time::timeout(Duration::from_secs(20), all).await.expect("no answer");
        for c in &held {
            assert!(c.is_ok(), "round {round}: {:?}", c.as_ref().err());
        }
        drop(held);
        e.dispose().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
