//! Athanor's PostgreSQL dialect, built on sqlx.
//!
//! URLs: `postgresql://`, `postgres://` and the Python driver spellings (`postgresql+asyncpg://`,
//! `+psycopg`, `+psycopg_async`, `+psycopg2`, `+pg8000`), all served by sqlx's PostgreSQL driver.
//! See [`options`] for the accepted URL keys and [`compile`] for how statements map to PostgreSQL.

mod array;
pub mod backend;
mod bind;
mod bulk;
pub mod compile;
mod conflict;
pub mod connection;
pub mod copy;
pub mod ddl;
pub mod error;
pub mod hosts;
pub mod limits;
pub mod options;
pub mod row;
pub mod session;
pub mod state;
mod txn;

pub use backend::PgBackend;
pub use connection::PgConn;
pub use ddl::{quote_ident, PgDdl};

use athanor_core::{Backend, DbUrl, Dialect, EngineOptions, Result};
use std::sync::Arc;

/// The PostgreSQL dialect: `postgresql://`, `postgres://` and the Python driver aliases.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn name(&self) -> &'static str {
        "postgresql"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["postgres"]
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["asyncpg", "psycopg", "psycopg_async", "psycopg2", "pg8000"]
    }
    fn backend(&self, url: &DbUrl, options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        Ok(Arc::new(PgBackend::new(options::settings(url, options)?)))
    }
}
