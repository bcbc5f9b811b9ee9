//! Engines are lazy: building one never connects, so it works outside any async runtime, even
//! with a pool minimum that would open connections.

use athanor::{create_engine, Error};
use futures_util::FutureExt;

#[test]
fn create_engine_with_a_pool_minimum_outside_a_runtime_does_not_panic() {
    let dir = std::env::temp_dir().join(format!("athanor-sqlitetx-nort-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:///{}?minsize=1", dir.join("x.db").display());
    let e = create_engine(&url).unwrap();
    // Nothing was opened: the file does not exist yet.
    assert!(!dir.join("x.db").exists());
    // Used without a tokio runtime (polled by hand): a typed error, not a panic.
    let outside = athanor::text("SELECT 1").fetch_all(&e).now_or_never();
    assert!(matches!(outside, Some(Err(Error::State(_)))), "{outside:?}");
    // The engine works once a runtime drives it, and keeps its minimum afterwards.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        athanor::text("CREATE TABLE t (id INTEGER PRIMARY KEY)").execute(&e).await.unwrap();
        athanor::text("INSERT INTO t (id) VALUES (1)").execute(&e).await.unwrap();
        let rows = athanor::text("SELECT id FROM t").fetch_all(&e).await.unwrap();
        assert_eq!(rows.len(), 1);
        e.dispose().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}
