//! Reading one column of a sqlx row as an Athanor [`Value`], for the sqlx dialects' `RowAccess`:
//! NULL and a failure to reach the column are handled here, the dialect reads the rest.

use athanor_core::{Error, Result, Value};
use sqlx_core::column::{Column, ColumnIndex};
use sqlx_core::database::Database;
use sqlx_core::row::Row;
use sqlx_core::type_info::TypeInfo;
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

/// How a dialect reads a column of a given type: its per-column read plan, chosen by the type
/// name sqlx reports.
pub trait Wire: Copy {
    /// The plan for a column whose type sqlx names `type_name`.
    fn for_type(type_name: &str) -> Self;
}

/// The read plan of one result set, computed from its first row's column types, so no type name
/// is matched per cell. A new result set (raw SQL of several statements) needs a new one.
#[derive(Debug)]
pub struct Wires<W>(Option<Vec<W>>);

impl<W> Default for Wires<W> {
    fn default() -> Self {
        Wires(None)
    }
}

impl<W: Wire> Wires<W> {
    /// The plan for `row`'s result set (computed on the first call).
    pub fn of<R: Row>(&mut self, row: &R) -> &[W] {
        self.0.get_or_insert_with(|| row.columns().iter().map(|c| W::for_type(c.type_info().name())).collect())
    }
}
