//! The model test suite shared by every dialect: each `tests/models_<dialect>.rs` builds an engine
//! on an empty database and calls [`run`] from one `#[tokio::test]`, so the steps run in order.
//!
//! The models live here (table names are consts), so a dialect file must give the suite a database
//! of its own: in-memory for SQLite, a fresh database per run for MySQL.

#![allow(dead_code)]

mod crud;
mod models;
mod types;

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
    types::round_trip_every_type(engine).await;
    types::update_and_delete(engine).await;
    crud::bulk_insert_and_queries(engine).await;
    crud::stream_rows(engine).await;
    crud::upsert(engine).await;
    crud::composite_key(engine).await;
    crud::constraints(engine).await;
    crud::transactions(engine).await;
    engine.drop_all(&tables()).await.expect("final drop_all");
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
