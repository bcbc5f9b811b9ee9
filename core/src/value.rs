//! Values bound to statements and read back from rows, and the traits that move Rust types in and out.

use crate::error::{Error, Result};
use crate::schema::ColumnType;
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

/// The Rust-side type a decoder asks a row for, so the dialect can read the wire value directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// No preference: the dialect picks from the column's type.
    Any,
    /// See [`Value::Bool`].
    Bool,
    /// See [`Value::I64`].
    I64,
    /// See [`Value::U64`].
    U64,
    /// See [`Value::F64`].
    F64,
    /// See [`Value::Decimal`].
    Decimal,
    /// See [`Value::String`].
    String,
    /// See [`Value::Bytes`].
    Bytes,
    /// See [`Value::Date`].
    Date,
    /// See [`Value::Time`].
    Time,
    /// See [`Value::DateTime`].
    DateTime,
    /// See [`Value::DateTimeUtc`].
    DateTimeUtc,
    /// See [`Value::Json`].
    Json,
    /// See [`Value::Uuid`].
    Uuid,
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

/// Converts a Rust value into a [`Value`] to bind.
pub trait ToValue {
    /// The bound value.
    fn to_value(&self) -> Value;
}

/// Converts a [`Value`] read from a row into a Rust value. Conversions are lenient where the
/// storage differs by dialect (a `Decimal` stored as text on SQLite, a `bool` as TINYINT on MySQL,
/// a UUID as text in JSON) but never lossy: out-of-range integers and fractional decimals into
/// integers are errors.
pub trait FromValue: Sized {
    /// The kind to ask the row for.
    const KIND: ValueKind;
    /// Converts, or explains why not.
    fn from_value(value: Value) -> std::result::Result<Self, String>;
}

/// A Rust type with a column mapping: the column type for DDL and whether it is nullable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no column mapping in Athanor",
    label = "this field type cannot be stored in a column",
    note = "supported: integers, f32/f64, bool, String, Vec<u8>, Decimal, chrono dates/times, DateTime<Utc>, serde_json::Value, Uuid, and Option of these"
)]
pub trait SqlType: ToValue + FromValue {
    /// The column type used by `create_all`.
    fn column_type() -> ColumnType;
    /// `Option<T>` columns are nullable.
    const NULLABLE: bool = false;
}

/// Decodes column `name` from a value, attaching the column name to the error.
pub fn decode<T: FromValue>(name: &str, value: Value) -> Result<T> {
    T::from_value(value).map_err(|reason| Error::decode(name, reason))
}

fn mismatch(expected: &str, got: &Value) -> String {
    if got.is_null() {
        format!("expected {expected}, found NULL (use Option<_> for a nullable column)")
    } else {
        format!("expected {expected}, found {}", got.type_name())
    }
}

macro_rules! signed {
    ($($t:ty => $ct:ident),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value { Value::I64(*self as i64) }
        }
        impl FromValue for $t {
            const KIND: ValueKind = ValueKind::I64;
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    Value::I64(i) => <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t))),
                    Value::U64(u) => <$t>::try_from(u).map_err(|_| format!("{u} is out of range for {}", stringify!($t))),
                    Value::Bool(b) => Ok(b as $t),
                    Value::Decimal(d) if d.fract().is_zero() => i64::try_from(d).ok().and_then(|i| <$t>::try_from(i).ok()).ok_or_else(|| format!("{d} is out of range for {}", stringify!($t))),
                    Value::String(s) => s.parse().map_err(|_| format!("cannot parse {s:?} as {}", stringify!($t))),
                    other => Err(mismatch(stringify!($t), &other)),
                }
            }
        }
        impl SqlType for $t {
            fn column_type() -> ColumnType { ColumnType::$ct }
        }
    )*};
}
signed!(i8 => I8, i16 => I16, i32 => I32, i64 => I64);

macro_rules! unsigned {
    ($($t:ty => $ct:ident),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value { Value::U64(*self as u64) }
        }
        impl FromValue for $t {
            const KIND: ValueKind = ValueKind::U64;
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    Value::I64(i) => <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t))),
                    Value::U64(u) => <$t>::try_from(u).map_err(|_| format!("{u} is out of range for {}", stringify!($t))),
                    Value::Bool(b) => Ok(b as $t),
                    Value::Decimal(d) if d.fract().is_zero() => u64::try_from(d).ok().and_then(|i| <$t>::try_from(i).ok()).ok_or_else(|| format!("{d} is out of range for {}", stringify!($t))),
                    Value::String(s) => s.parse().map_err(|_| format!("cannot parse {s:?} as {}", stringify!($t))),
                    other => Err(mismatch(stringify!($t), &other)),
                }
            }
        }
        impl SqlType for $t {
            fn column_type() -> ColumnType { ColumnType::$ct }
        }
    )*};
}
unsigned!(u8 => U8, u16 => U16, u32 => U32, u64 => U64);

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
}
impl FromValue for f64 {
    const KIND: ValueKind = ValueKind::F64;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::F64(f) => Ok(f),
            Value::I64(i) => Ok(i as f64),
            Value::U64(u) => Ok(u as f64),
            Value::Decimal(d) => d.to_string().parse().map_err(|e| format!("{e}")),
            Value::String(s) => s.parse().map_err(|_| format!("cannot parse {s:?} as f64")),
            other => Err(mismatch("f64", &other)),
        }
    }
}
impl SqlType for f64 {
    fn column_type() -> ColumnType {
        ColumnType::F64
    }
}
impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::F64(*self as f64)
    }
}
impl FromValue for f32 {
    const KIND: ValueKind = ValueKind::F64;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        f64::from_value(v).map(|f| f as f32)
    }
}
impl SqlType for f32 {
    fn column_type() -> ColumnType {
        ColumnType::F32
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl FromValue for bool {
    const KIND: ValueKind = ValueKind::Bool;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(b),
            Value::I64(0) | Value::U64(0) => Ok(false),
            Value::I64(1) | Value::U64(1) => Ok(true),
            Value::String(s) if s == "true" || s == "1" => Ok(true),
            Value::String(s) if s == "false" || s == "0" => Ok(false),
            other => Err(mismatch("bool", &other)),
        }
    }
}
impl SqlType for bool {
    fn column_type() -> ColumnType {
        ColumnType::Bool
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::String(self.to_owned())
    }
}
impl ToValue for &str {
    fn to_value(&self) -> Value {
        Value::String((*self).to_owned())
    }
}
impl FromValue for String {
    const KIND: ValueKind = ValueKind::String;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            Value::Bytes(b) => String::from_utf8(b).map_err(|e| format!("not UTF-8: {e}")),
            other => Err(mismatch("string", &other)),
        }
    }
}
impl SqlType for String {
    fn column_type() -> ColumnType {
        ColumnType::String { max_len: None }
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
}
impl FromValue for Vec<u8> {
    const KIND: ValueKind = ValueKind::Bytes;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b),
            Value::String(s) => Ok(s.into_bytes()),
            other => Err(mismatch("bytes", &other)),
        }
    }
}
impl SqlType for Vec<u8> {
    fn column_type() -> ColumnType {
        ColumnType::Bytes
    }
}

impl ToValue for Decimal {
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
}
impl FromValue for Decimal {
    const KIND: ValueKind = ValueKind::Decimal;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Decimal(d) => Ok(d),
            Value::I64(i) => Ok(Decimal::from(i)),
            Value::U64(u) => Ok(Decimal::from(u)),
            Value::String(s) => s.parse().or_else(|_| Decimal::from_scientific(&s)).map_err(|_| format!("cannot parse {s:?} as decimal")),
            Value::F64(f) => Decimal::try_from(f).map_err(|e| format!("{e}")),
            other => Err(mismatch("decimal", &other)),
        }
    }
}
impl SqlType for Decimal {
    fn column_type() -> ColumnType {
        ColumnType::Decimal { precision: None, scale: None }
    }
}

macro_rules! parsed {
    ($t:ty, $variant:ident, $kind:ident, $ct:expr, $name:literal, $parse:expr) => {
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
        }
        impl FromValue for $t {
            const KIND: ValueKind = ValueKind::$kind;
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    Value::$variant(x) => Ok(x),
                    Value::String(s) => {
                        let parse: fn(&str) -> Option<$t> = $parse;
                        parse(&s).ok_or_else(|| format!("cannot parse {s:?} as {}", $name))
                    }
                    other => Err(mismatch($name, &other)),
                }
            }
        }
        impl SqlType for $t {
            fn column_type() -> ColumnType {
                $ct
            }
        }
    };
}

parsed!(NaiveDate, Date, Date, ColumnType::Date, "date", |s| s.parse().ok());
parsed!(NaiveTime, Time, Time, ColumnType::Time, "time", |s| s.parse().ok());
parsed!(NaiveDateTime, DateTime, DateTime, ColumnType::DateTime, "datetime", |s| {
    s.parse()
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok())
        .or_else(|| s.parse::<DateTime<chrono::FixedOffset>>().ok().map(|d| d.naive_utc()))
});
parsed!(DateTime<Utc>, DateTimeUtc, DateTimeUtc, ColumnType::DateTimeUtc, "datetime", |s| {
    s.parse::<DateTime<chrono::FixedOffset>>()
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok().map(|n| n.and_utc()))
        .or_else(|| s.parse::<NaiveDateTime>().ok().map(|n| n.and_utc()))
});
parsed!(Uuid, Uuid, Uuid, ColumnType::Uuid, "uuid", |s| s.parse().ok());

impl ToValue for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Json(self.clone())
    }
}
impl FromValue for serde_json::Value {
    const KIND: ValueKind = ValueKind::Json;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Json(j) => Ok(j),
            Value::String(s) => serde_json::from_str(&s).map_err(|e| format!("invalid JSON: {e}")),
            Value::Bytes(b) => serde_json::from_slice(&b).map_err(|e| format!("invalid JSON: {e}")),
            other => Err(mismatch("json", &other)),
        }
    }
}
impl SqlType for serde_json::Value {
    fn column_type() -> ColumnType {
        ColumnType::Json
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    const KIND: ValueKind = T::KIND;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}
impl<T: SqlType> SqlType for Option<T> {
    fn column_type() -> ColumnType {
        T::column_type()
    }
    const NULLABLE: bool = true;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl FromValue for Value {
    const KIND: ValueKind = ValueKind::Any;
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        Ok(v)
    }
}

impl<T: ToValue + ?Sized> From<&T> for Value
where
    T: NotValue,
{
    fn from(v: &T) -> Value {
        v.to_value()
    }
}

/// Marker so `From<&T> for Value` does not overlap `From<T> for T`.
pub trait NotValue {}
macro_rules! into_value {
    ($($t:ty),*) => {$(
        impl NotValue for $t {}
        impl From<$t> for Value {
            fn from(v: $t) -> Value { v.to_value() }
        }
    )*};
}
/// Calls `$m!` with every Rust type that has a column mapping (besides `Option`), so each
/// per-type impl list is written once.
macro_rules! with_sql_types {
    ($m:ident) => {
        $m!(
            i8,
            i16,
            i32,
            i64,
            u8,
            u16,
            u32,
            u64,
            f32,
            f64,
            bool,
            String,
            Vec<u8>,
            Decimal,
            NaiveDate,
            NaiveTime,
            NaiveDateTime,
            DateTime<Utc>,
            serde_json::Value,
            Uuid
        );
    };
}
pub(crate) use with_sql_types;
with_sql_types!(into_value);
impl NotValue for str {}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}
