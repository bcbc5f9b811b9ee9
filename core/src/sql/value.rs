//! [`Value`] ↔ sea-query values.

use crate::value::Value;
use sea_query::Value as S;

/// Our value as a sea-query value (NULL becomes a typed-less string NULL).
pub fn to_sea_value(v: &Value) -> S {
    match v {
        Value::Null => S::String(None),
        Value::Bool(b) => S::Bool(Some(*b)),
        Value::I64(i) => S::BigInt(Some(*i)),
        Value::U64(u) => S::BigUnsigned(Some(*u)),
        Value::F64(f) => S::Double(Some(*f)),
        Value::Decimal(d) => S::Decimal(Some(*d)),
        Value::String(s) => S::String(Some(s.clone())),
        Value::Bytes(b) => S::Bytes(Some(b.clone())),
        Value::Date(d) => S::ChronoDate(Some(*d)),
        Value::Time(t) => S::ChronoTime(Some(*t)),
        Value::DateTime(t) => S::ChronoDateTime(Some(*t)),
        Value::DateTimeUtc(t) => S::ChronoDateTimeUtc(Some(*t)),
        Value::Json(j) => S::Json(Some(Box::new(j.clone()))),
        Value::Uuid(u) => S::Uuid(Some(*u)),
        // One placeholder; the element type is the dialect's business (it binds our `Value`).
        Value::Array(items) => S::Array(sea_query::ArrayType::String, Some(Box::new(items.iter().map(to_sea_value).collect()))),
    }
}

/// A sea-query value back as ours (every `None` is NULL).
pub fn from_sea_value(v: S) -> Value {
    match v {
        S::Bool(b) => b.map_or(Value::Null, Value::Bool),
        S::TinyInt(i) => i.map_or(Value::Null, |i| Value::I64(i.into())),
        S::SmallInt(i) => i.map_or(Value::Null, |i| Value::I64(i.into())),
        S::Int(i) => i.map_or(Value::Null, |i| Value::I64(i.into())),
        S::BigInt(i) => i.map_or(Value::Null, Value::I64),
        S::TinyUnsigned(i) => i.map_or(Value::Null, |i| Value::U64(i.into())),
        S::SmallUnsigned(i) => i.map_or(Value::Null, |i| Value::U64(i.into())),
        S::Unsigned(i) => i.map_or(Value::Null, |i| Value::U64(i.into())),
        S::BigUnsigned(i) => i.map_or(Value::Null, Value::U64),
        S::Float(f) => f.map_or(Value::Null, |f| Value::F64(f.into())),
        S::Double(f) => f.map_or(Value::Null, Value::F64),
        S::String(s) => s.map_or(Value::Null, Value::String),
        S::Char(c) => c.map_or(Value::Null, |c| Value::String(c.to_string())),
        S::Bytes(b) => b.map_or(Value::Null, Value::Bytes),
        S::Json(j) => j.map_or(Value::Null, |j| Value::Json(*j)),
        S::ChronoDate(d) => d.map_or(Value::Null, Value::Date),
        S::ChronoTime(t) => t.map_or(Value::Null, Value::Time),
        S::ChronoDateTime(t) => t.map_or(Value::Null, Value::DateTime),
        S::ChronoDateTimeUtc(t) => t.map_or(Value::Null, Value::DateTimeUtc),
        S::ChronoDateTimeLocal(t) => t.map_or(Value::Null, |t| Value::DateTimeUtc(t.to_utc())),
        S::ChronoDateTimeWithTimeZone(t) => t.map_or(Value::Null, |t| Value::DateTimeUtc(t.to_utc())),
        S::Uuid(u) => u.map_or(Value::Null, Value::Uuid),
        S::Decimal(d) => d.map_or(Value::Null, Value::Decimal),
        S::Array(_, items) => items.map_or(Value::Null, |v| Value::Array(v.into_iter().map(from_sea_value).collect())),
        #[allow(unreachable_patterns)]
        other => Value::String(format!("{other:?}")),
    }
}
