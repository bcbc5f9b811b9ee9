//! The cross-dialect differential test (`tests/differential/`): seeded random queries over the
//! public API run on SQLite, MariaDB and the Supabase dialect over the PostgREST stand-in on
//! PostgreSQL; the answers must agree, or a dialect must refuse with `Unsupported` before any
//! I/O. See `tests/differential/mod.rs` for the environment variables.

#[path = "differential/mod.rs"]
mod differential;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialects_agree_on_random_queries() {
    differential::run().await;
}
