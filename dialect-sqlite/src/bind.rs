//! Binds [`Value`]s to a sqlx query. Storage: decimals as their exact text (scale included) into
//! `DECIMAL_TEXT` columns with the numeric collation, dates and
//! times as ISO-8601 text with microseconds, UUIDs hyphenated, JSON as text.

use athanor_core::{Error, Result, SqlQuery, Value};
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::AssertSqlSafe;

/// The text SQLite stores for a naive date-time (sorts correctly as text).
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// A sqlx query for `q.sql` with `q.params` bound in order (moved, not copied).
pub fn query(q: SqlQuery) -> Result<Query<'static, Sqlite, SqliteArguments>> {
    let SqlQuery { sql, params } = q;
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in params {
        q = match p {
            Value::Null => q.bind(None::<String>),
            Value::Bool(b) => q.bind(b),
            Value::I64(i) => q.bind(i),
            Value::U64(u) => {
                q.bind(i64::try_from(u).map_err(|_| Error::InvalidQuery(format!("{u} does not fit SQLite's 64-bit signed integer")))?)
            }
            Value::F64(f) => q.bind(f),
            Value::Decimal(d) => q.bind(d.to_string()),
            Value::String(s) => q.bind(s),
            Value::Bytes(b) => q.bind(b),
            Value::Date(d) => q.bind(d.format("%Y-%m-%d").to_string()),
            Value::Time(t) => q.bind(t.format("%H:%M:%S%.6f").to_string()),
            Value::DateTime(t) => q.bind(t.format(DATETIME_FORMAT).to_string()),
            Value::DateTimeUtc(t) => q.bind(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
            Value::Json(j) => q.bind(j.to_string()),
            Value::Uuid(u) => q.bind(u.hyphenated().to_string()),
            Value::Array(_) => return Err(Error::unsupported("sqlite", "array parameters")),
        };
    }
    Ok(q)
}
