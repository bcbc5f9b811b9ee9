//! The shared model suite (`tests/model_suite`) on PostgreSQL, in a fresh database per run
//! (dropped afterwards). The server URL comes from `ATHANOR_PG_URL`, default
//! `postgresql://postgres@127.0.0.1:5432/test`.

mod model_suite;
mod pg_scratch;

#[tokio::test]
async fn model_suite_on_postgres() {
    let url = pg_scratch::server_url();
    pg_scratch::on_scratch_db(&url, &url, |engine| async move { model_suite::run(&engine).await }).await;
}
