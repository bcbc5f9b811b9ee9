//! Reading one column of a sqlx row as an Athanor [`Value`], for the sqlx dialects' `RowAccess`:
//! NULL and a failure to reach the column are handled here, the dialect reads the rest.

use athanor_core::{Error, Result, Value};
use sqlx_core::column::{Column, ColumnIndex};
use sqlx_core::database::Database;
use sqlx_core::row::Row;
use sqlx_core::value::ValueRef;

/// Column `i` of `row`: `Value::Null` for SQL NULL, otherwise what `read` makes of the raw value;
/// an error from either names the column (`#i` when the row has no such column).
pub fn column_value<'r, R: Row>(
    row: &'r R,
    i: usize,
    read: impl FnOnce(<R::Database as Database>::ValueRef<'r>) -> std::result::Result<Value, String>,
) -> Result<Value>
where
    usize: ColumnIndex<R>,
{
    let col_name = || row.columns().get(i).map(|c| c.name().to_owned()).unwrap_or_else(|| format!("#{i}"));
    let raw = row.try_get_raw(i).map_err(|e| Error::decode(col_name(), e))?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    read(raw).map_err(|reason| Error::decode(col_name(), reason))
}
