//! [`RowAccess`] over sqlx's `MySqlRow`: each column is decoded once, straight from the wire
//! bytes, into the kind the caller asks for.
//!
//! - `TINYINT(1)` reads as `bool` for [`ValueKind::Any`] (and any integer column for `Bool`).
//! - Unsigned columns read as `U64`; `DECIMAL` as an exact `Decimal`.
//! - `CHAR(36)` reads as `Uuid`, text as `Json`, `DATETIME` as UTC, when those kinds are asked for.

use athanor_core::{Result, RowAccess, Value, ValueKind};
use athanor_pool::sqlx_row::column_value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use sqlx::mysql::MySqlRow;
use sqlx::{Column, Decode, Row, TypeInfo, ValueRef};

/// A borrowed MySQL row as [`RowAccess`], with how each column's wire value is read (worked
/// out once per result set by [`Wires`]).
pub struct MyRow<'r> {
    row: &'r MySqlRow,
    wires: &'r [Wire],
    result_set: usize,
}

impl<'r> MyRow<'r> {
    /// Wraps `row`; `wires` comes from [`Wires::of`] for its result set.
    pub fn new(row: &'r MySqlRow, wires: &'r [Wire]) -> Self {
        MyRow { row, wires, result_set: 0 }
    }

    /// The row as one of result set number `n` (raw SQL of several statements answers with
    /// several).
    pub fn in_result_set(self, n: usize) -> Self {
        MyRow { result_set: n, ..self }
    }
}

/// The read plan of one result set (see [`athanor_pool::sqlx_row::Wires`]).
pub type Wires = athanor_pool::sqlx_row::Wires<Wire>;

impl athanor_pool::sqlx_row::Wire for Wire {
    fn for_type(type_name: &str) -> Self {
        wire(type_name)
    }
}

/// How a column's wire type is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `TINYINT(1)`.
    Bool,
    /// Signed integers and `YEAR`.
    Int,
    /// Unsigned integers.
    Unsigned,
    /// `FLOAT`, `DOUBLE`.
    Float,
    /// `DECIMAL`.
    Decimal,
    /// Character types, `ENUM`, `SET`.
    Text,
    /// Binary types and anything else.
    Bytes,
    /// `DATE`.
    Date,
    /// `TIME`.
    Time,
    /// `DATETIME`.
    DateTime,
    /// `TIMESTAMP`.
    Timestamp,
    /// `JSON` (MySQL).
    Json,
    /// The `NULL` type.
    Null,
}

fn wire(type_name: &str) -> Wire {
    match type_name {
        "BOOLEAN" => Wire::Bool,
        "TINYINT" | "SMALLINT" | "INT" | "MEDIUMINT" | "BIGINT" | "YEAR" => Wire::Int,
        n if n.ends_with("UNSIGNED") => Wire::Unsigned,
        "FLOAT" | "DOUBLE" => Wire::Float,
        "DECIMAL" => Wire::Decimal,
        "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM" | "SET" => Wire::Text,
        "DATE" => Wire::Date,
        "TIME" => Wire::Time,
        "DATETIME" => Wire::DateTime,
        "TIMESTAMP" => Wire::Timestamp,
        "JSON" => Wire::Json,
        "NULL" => Wire::Null,
        _ => Wire::Bytes,
    }
}

fn dec<'r, T: Decode<'r, sqlx::MySql>>(v: sqlx::mysql::MySqlValueRef<'r>) -> std::result::Result<T, String> {
    T::decode(v).map_err(|e| e.to_string())
}

impl RowAccess for MyRow<'_> {
    fn len(&self) -> usize {
        self.row.columns().len()
    }

    fn result_set(&self) -> usize {
        self.result_set
    }

    fn name(&self, i: usize) -> &str {
        self.row.columns()[i].name()
    }

    fn get(&self, i: usize, kind: ValueKind) -> Result<Value> {
        column_value(self.row, i, |raw| {
            let w = match self.wires.get(i) {
                Some(w) => *w,
                None => wire(raw.type_info().name()),
            };
            read(raw, w, kind)
        })
    }
}

fn read(raw: sqlx::mysql::MySqlValueRef<'_>, w: Wire, kind: ValueKind) -> std::result::Result<Value, String> {
    use ValueKind as K;
    Ok(match (w, kind) {
        (Wire::Null, _) => Value::Null,
        (Wire::Bool, K::Any | K::Bool) => Value::Bool(dec::<i64>(raw)? != 0),
        (Wire::Int, K::Bool) => match dec::<i64>(raw)? {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            n => return Err(format!("expected bool (0 or 1), found {n}")),
        },
        (Wire::Bool | Wire::Int, _) => Value::I64(dec::<i64>(raw)?),
        (Wire::Unsigned, K::Bool) => Value::Bool(dec::<u64>(raw)? != 0),
        (Wire::Unsigned, _) => Value::U64(dec::<u64>(raw)?),
        (Wire::Float, K::Decimal) => {
            let f = dec::<f64>(raw)?;
            Value::Decimal(Decimal::try_from(f).map_err(|e| e.to_string())?)
        }
        (Wire::Float, _) => Value::F64(dec::<f64>(raw)?),
        (Wire::Decimal, K::F64) => {
            use rust_decimal::prelude::ToPrimitive;
            let d = dec::<Decimal>(raw)?;
            Value::F64(d.to_f64().ok_or_else(|| format!("{d} does not fit in f64"))?)
        }
        // Exact or refused (sqlx would round a value past 28 digits).
        (Wire::Decimal, _) => Value::Decimal(athanor_core::exact_decimal::parse_exact(dec::<&str>(raw)?)?),
        (Wire::Text | Wire::Json, K::Json) => {
            let s: &str = dec(raw)?;
            Value::Json(serde_json::from_str(s).map_err(|e| format!("invalid JSON: {e}"))?)
        }
        (Wire::Text, K::Uuid) => {
            let s: &str = dec(raw)?;
            Value::Uuid(s.parse().map_err(|_| format!("cannot parse {s:?} as uuid"))?)
        }
        (Wire::Text, K::Bytes) => Value::Bytes(dec::<Vec<u8>>(raw)?),
        (Wire::Text | Wire::Json, _) => Value::String(dec::<String>(raw)?),
        (Wire::Bytes, K::String) => Value::String(String::from_utf8(dec::<Vec<u8>>(raw)?).map_err(|e| format!("not UTF-8: {e}"))?),
        (Wire::Bytes, K::Uuid) => {
            let b = dec::<Vec<u8>>(raw)?;
            let u = match b.len() {
                16 => uuid::Uuid::from_slice(&b).map_err(|e| e.to_string())?,
                _ => std::str::from_utf8(&b).ok().and_then(|s| s.parse().ok()).ok_or("cannot read the bytes as a uuid")?,
            };
            Value::Uuid(u)
        }
        (Wire::Bytes, K::Json) => Value::Json(serde_json::from_slice(&dec::<Vec<u8>>(raw)?).map_err(|e| format!("invalid JSON: {e}"))?),
        (Wire::Bytes, _) => Value::Bytes(dec::<Vec<u8>>(raw)?),
        (Wire::Date, _) => Value::Date(dec::<NaiveDate>(raw)?),
        (Wire::Time, _) => Value::Time(dec::<NaiveTime>(raw)?),
        (Wire::DateTime, K::DateTimeUtc) => Value::DateTimeUtc(dec::<NaiveDateTime>(raw)?.and_utc()),
        (Wire::DateTime, _) => Value::DateTime(dec::<NaiveDateTime>(raw)?),
        // The session time zone is +00:00 (sqlx sets it), so TIMESTAMP values are UTC.
        (Wire::Timestamp, K::DateTime) => Value::DateTime(dec::<DateTime<Utc>>(raw)?.naive_utc()),
        (Wire::Timestamp, _) => Value::DateTimeUtc(dec::<DateTime<Utc>>(raw)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types() {
        assert_eq!(wire("BOOLEAN"), Wire::Bool);
        assert_eq!(wire("BIGINT UNSIGNED"), Wire::Unsigned);
        assert_eq!(wire("BIGINT"), Wire::Int);
        assert_eq!(wire("LONGTEXT"), Wire::Text);
        assert_eq!(wire("LONGBLOB"), Wire::Bytes);
        assert_eq!(wire("VARBINARY"), Wire::Bytes);
        assert_eq!(wire("DECIMAL"), Wire::Decimal);
    }
}
