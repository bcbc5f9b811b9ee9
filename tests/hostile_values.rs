//! The expression language with hostile data (issue 13 sweep): case mapping beyond the BMP,
//! trailing spaces, numeric-looking text under MIN/MAX, 64-bit edges, empty and all-NULL
//! aggregates, three-valued NOT IN, correlated and multi-row subqueries, LEFT JOIN on NULL keys
//! and UPDATE/DELETE … RETURNING. SQLite, MariaDB and PostgreSQL (fresh databases) must give the
//! same answers, or refuse before I/O; the Supabase dialect (PostgREST stand-in) runs what it can
//! express (text with NUL, UPDATE/DELETE … RETURNING).

mod common_mysql;
#[path = "hostile/mod.rs"]
mod hostile;
mod pg_scratch;

#[tokio::test]
async fn hostile_values_on_sqlite() {
    let e = athanor::create_engine("sqlite://").unwrap();
    hostile::run(&e).await;
}

#[tokio::test]
async fn hostile_values_on_mariadb() {
    common_mysql::with_scratch_db("hostile", "", |e, _| async move { hostile::run(&e).await }).await;
}

#[tokio::test]
async fn hostile_values_on_postgres() {
    let url = pg_scratch::server_url();
    pg_scratch::on_scratch_db(&url, &url, |e| async move { hostile::run(&e).await }).await;
}

#[tokio::test]
async fn hostile_values_on_supabase() {
    use athanor::Model;
    let tables = [hostile::Hv::table(), hostile::Tag::table()];
    pg_scratch::on_supabase_standin("hostile-key", &tables, |e| async move { hostile::run_supabase(&e).await }).await;
}
