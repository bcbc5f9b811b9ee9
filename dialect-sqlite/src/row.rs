//! [`RowAccess`] over sqlx's SQLite rows: each value decoded once, by its storage class.

use athanor_core::{Decimal, Error, Result, RowAccess, Value, ValueKind};
use sqlx::sqlite::{SqliteRow, SqliteValueRef};
use sqlx::{Column, Decode, Row, TypeInfo, ValueRef};

/// A borrowed SQLite row, and the number of its result set (raw SQL of several statements
/// answers with several, each with its own columns).
pub struct SqliteRowRef<'r>(pub &'r SqliteRow, pub usize);

fn dec<'r, T: Decode<'r, sqlx::Sqlite>>(v: SqliteValueRef<'r>, name: &str) -> Result<T> {
    T::decode(v).map_err(|e| Error::decode(name, e))
}

impl RowAccess for SqliteRowRef<'_> {
    fn len(&self) -> usize {
        self.0.columns().len()
    }
    fn name(&self, i: usize) -> &str {
        self.0.columns()[i].name()
    }
    fn result_set(&self) -> usize {
        self.1
    }
    fn get(&self, i: usize, kind: ValueKind) -> Result<Value> {
        let name = self.name(i);
        let raw = self.0.try_get_raw(i).map_err(|e| Error::decode(name, e))?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        let storage = raw.type_info().name().to_owned();
        Ok(match (kind, storage.as_str()) {
            (ValueKind::Bool, "INTEGER" | "BOOLEAN") => Value::Bool(dec::<i64>(raw, name)? != 0),
            (ValueKind::Decimal, "INTEGER") => Value::Decimal(Decimal::from(dec::<i64>(raw, name)?)),
            (ValueKind::Decimal, "REAL") => {
                // The shortest text that round-trips the double is the decimal that was stored.
                let f = dec::<f64>(raw, name)?;
                Value::Decimal(
                    f.to_string().parse().or_else(|_| Decimal::from_scientific(&format!("{f:e}"))).map_err(|e| Error::decode(name, e))?,
                )
            }
            (ValueKind::F64, "INTEGER" | "REAL") => Value::F64(dec::<f64>(raw, name)?),
            (ValueKind::Bytes, "BLOB") | (ValueKind::Any, "BLOB") => Value::Bytes(dec::<Vec<u8>>(raw, name)?),
            (_, "INTEGER" | "BOOLEAN") => Value::I64(dec::<i64>(raw, name)?),
            (_, "REAL") => Value::F64(dec::<f64>(raw, name)?),
            (_, "BLOB") => Value::Bytes(dec::<Vec<u8>>(raw, name)?),
            // TEXT (and any declared type): dates, UUIDs, JSON and decimals parse from it.
            _ => Value::String(dec::<String>(raw, name)?),
        })
    }
}
