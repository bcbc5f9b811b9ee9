//! The model test suite shared by every dialect: each `tests/models_<dialect>.rs` builds an engine
//! on an empty database and calls [`run`] (SQL dialects) or [`run_portable`] (Supabase, whose
//! tables a migration makes) from one `#[tokio::test]`, so the steps run in order.
//!
//! The models live here (table names are consts), so a dialect file must give the suite a database
//! of its own: in-memory for SQLite, a fresh database per run for MySQL, a fresh schema behind
//! the PostgREST stand-in for Supabase.

#![allow(dead_code)]

mod aggregates;
mod crud;
mod instance;
mod models;
mod sql_only;
mod types;
mod upsert;

pub use models::*;

use athanor::prelude::*;
use athanor::Table;

/// Every table of the suite, in an order that is *not* the dependency order (create_all sorts).
pub fn tables() -> [&'static Table; 4] {
    [Fill::table(), Candle::table(), AllTypes::table(), Position::table()]
}

/// Runs every step of the suite on `engine`, which must point at a database of its own.
pub async fn run(engine: &Engine) {
    schema(engine).await;
    run_portable(engine).await;
    run_sql_only(engine).await;
    engine.drop_all(&tables()).await.expect("final drop_all");
}

/// The steps that use only the model query API, on tables that exist and are empty.
pub async fn run_portable(engine: &Engine) {
    types::round_trip_every_type(engine).await;
    types::update_and_delete(engine).await;
    crud::bulk_insert_and_queries(engine).await;
    aggregates::column_projections(engine).await;
    crud::stream_rows(engine).await;
    upsert::upsert_whole_rows(engine).await;
    crud::composite_key(engine).await;
    crud::constraints(engine).await;
    instance::save_refresh_delete(engine).await;
    instance::returning_rows(engine).await;
}

/// Upserts of some columns, raw SQL and transactions, after [`run_portable`].
pub async fn run_sql_only(engine: &Engine) {
    upsert::upsert_some_columns(engine).await;
    sql_only::defaults_and_raw_sql(engine).await;
    sql_only::transactions(engine).await;
    aggregates::projections_and_aggregates(engine).await;
}

/// create_all / drop_all are idempotent and order tables by their foreign keys.
async fn schema(engine: &Engine) {
    engine.drop_all(&tables()).await.expect("drop_all on an empty database");
    engine.create_all(&tables()).await.expect("create_all");
    engine.create_all(&tables()).await.expect("create_all again (IF NOT EXISTS)");
    engine.drop_all(&tables()).await.expect("drop_all");
    engine.drop_all(&tables()).await.expect("drop_all again (IF EXISTS)");
    engine.create_all(&tables()).await.expect("create_all after drop_all");
    assert_eq!(Candle::select().count(engine).await.expect("count on a new table"), 0);
}
