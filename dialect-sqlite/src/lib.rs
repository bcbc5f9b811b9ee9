//! Athanor's SQLite dialect, the embedded default: schemes `sqlite` and `sqlite+aiosqlite`, on sqlx.
//!
//! - `sqlite://` (or `sqlite:///:memory:`) is an in-memory database kept on one shared
//!   connection (like SQLAlchemy's `StaticPool`), so it survives between queries.
//! - `sqlite:///rel.db` is relative to the working directory, `sqlite:////abs.db` absolute.
//! - `Decimal` is stored with NUMERIC affinity: comparisons are numeric and values round-trip
//!   exactly up to 15 significant digits (SQLite has no exact decimal type; use MySQL or
//!   Supabase where more is needed).

mod backend;
mod bind;
mod connection;
mod ddl;
mod error;
mod insert;
mod options;
mod row;

pub use backend::SqliteBackend;

use athanor_core::{Backend, DbUrl, Dialect, EngineOptions, Result};
use std::sync::Arc;

/// The SQLite dialect (`sqlite://`, `sqlite+aiosqlite://`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["aiosqlite", "pysqlite"]
    }
    fn backend(&self, url: &DbUrl, options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        let opts = options::SqliteSettings::from_url(url, options)?;
        Ok(Arc::new(SqliteBackend::new(opts)))
    }
}
