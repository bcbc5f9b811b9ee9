//! The shared model suite (`tests/model_suite`) on PostgreSQL through PgBouncer in transaction
//! mode (scripts/pgbouncer/up, 127.0.0.1:6432, 4 server sessions per database), in a fresh
//! database made directly on the server. `ATHANOR_PG_URL` and `ATHANOR_PGBOUNCER_URL` override
//! the two URLs (`pgbouncer=true` is added to the second).

mod model_suite;
mod pg_scratch;

#[tokio::test]
async fn model_suite_through_pgbouncer_in_transaction_mode() {
    let direct = std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into());
    let pooled = std::env::var("ATHANOR_PGBOUNCER_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:6432/test".into());
    let pooled = format!("{pooled}{}pgbouncer=true", if pooled.contains('?') { '&' } else { '?' });
    pg_scratch::on_scratch_db(&direct, &pooled, |engine| async move {
        let postgres = engine.backend().as_any().downcast_ref::<athanor::dialects::postgres::PgBackend>();
        assert!(postgres.expect("a PostgreSQL engine").behind_pooler(), "pooler mode is on");
        model_suite::run(&engine).await
    })
    .await;
}
