//! Athanor's SQLite dialect, the embedded default: schemes `sqlite` and `sqlite+aiosqlite`, on sqlx.
//!
//! - `sqlite://` (or `sqlite:///:memory:`) is an in-memory database kept on one shared
//!   connection (like SQLAlchemy's `StaticPool`), so it survives between queries.
//! - `sqlite:///rel.db` is relative to the working directory, `sqlite:////abs.db` absolute.
//! - `Decimal` columns are `DECIMAL_TEXT(p, s) COLLATE "athanor_decimal"`: the exact text of the
//!   value at the column's scale (so every Decimal round-trips, scale and all 28 digits included),
//!   compared, sorted and indexed by numeric value through a collation registered on every
//!   connection (a tool without it cannot query those columns). `SUM`/`AVG` over them are
//!   SQLite's floating point.
//! - `LIKE` is case-sensitive (`PRAGMA case_sensitive_like = ON`) and `lower()` folds Unicode,
//!   so text means what it means on the other dialects (see `functions`).

mod arith;
mod backend;
mod bind;
mod connection;
mod ddl;
mod decimal_sum;
mod error;
mod functions;
mod insert;
mod options;
mod pool;
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
