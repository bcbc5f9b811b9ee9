//! The [`Value`] enum: what a statement binds and a row yields.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A value a statement binds or a row yields. Always sent as a bound parameter, never inlined.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL / JSON null.
    Null,
    /// Boolean.
    Bool(bool),
    /// Signed integer.
    I64(i64),
    /// Unsigned integer.
    U64(u64),
    /// Floating point.
    F64(f64),
    /// Exact decimal.
    Decimal(Decimal),
    /// Text.
    String(String),
    /// Binary.
    Bytes(Vec<u8>),
    /// Calendar date.
    Date(NaiveDate),
    /// Time of day.
    Time(NaiveTime),
    /// Date and time without a zone.
    DateTime(NaiveDateTime),
    /// Date and time in UTC.
    DateTimeUtc(DateTime<Utc>),
    /// JSON document.
    Json(serde_json::Value),
    /// UUID.
    Uuid(Uuid),
    /// A one-dimensional array bound as one parameter (its items are never arrays). Only
    /// dialects with [`crate::Capabilities::array_params`] bind it (PostgreSQL: `= ANY($1)` and
    /// bulk inserts through `unnest`); the others refuse it. Rows never yield it.
    Array(Vec<Value>),
}

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short name of the variant, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::I64(_) => "i64",
            Value::U64(_) => "u64",
            Value::F64(_) => "f64",
            Value::Decimal(_) => "decimal",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "datetime",
            Value::DateTimeUtc(_) => "datetime (UTC)",
            Value::Json(_) => "json",
            Value::Uuid(_) => "uuid",
            Value::Array(_) => "array",
        }
    }
}
