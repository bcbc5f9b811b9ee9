//! [`Value::Array`] as one PostgreSQL array parameter: the element type is worked out from the
//! items (one type for all of them), and the array is encoded with sqlx's array encoders.
//!
//! Element types follow the scalar binds of [`crate::bind`]: integers `int8` (`numeric` when a
//! `u64` does not fit, or when integers and decimals mix: both exact), floats `float8`, decimals
//! `numeric` (scale kept), text `text`, bytes `bytea`, `date`, `time`, naive date-times
//! `timestamp`, UTC ones `timestamptz`, JSON `jsonb`, UUIDs `uuid`. NULL items are NULL elements.
//! Items of other mixed kinds, nested arrays and arrays with no non-NULL item have no element type.

use athanor_core::{Error, Result, Value};
use rust_decimal::Decimal;
use sqlx::postgres::PgArguments;
use sqlx::Arguments;

/// The element type of an array parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemType {
    /// `boolean`
    Bool,
    /// `int8`
    Int8,
    /// `float8`
    Float8,
    /// `numeric`
    Numeric,
    /// `text`
    Text,
    /// `bytea`
    Bytea,
    /// `date`
    Date,
    /// `time`
    Time,
    /// `timestamp`
    Timestamp,
    /// `timestamptz`
    Timestamptz,
    /// `jsonb`
    Jsonb,
    /// `uuid`
    Uuid,
}

impl ElemType {
    /// The SQL name of the array type (`int8[]`), for casts.
    pub fn array_sql(self) -> &'static str {
        match self {
            ElemType::Bool => "boolean[]",
            ElemType::Int8 => "int8[]",
            ElemType::Float8 => "float8[]",
            ElemType::Numeric => "numeric[]",
            ElemType::Text => "text[]",
            ElemType::Bytea => "bytea[]",
            ElemType::Date => "date[]",
            ElemType::Time => "time[]",
            ElemType::Timestamp => "timestamp[]",
            ElemType::Timestamptz => "timestamptz[]",
            ElemType::Jsonb => "jsonb[]",
            ElemType::Uuid => "uuid[]",
        }
    }

    /// One letter per type, for statement signatures.
    pub fn code(self) -> char {
        match self {
            ElemType::Bool => 'b',
            ElemType::Int8 => 'i',
            ElemType::Float8 => 'f',
            ElemType::Numeric => 'd',
            ElemType::Text => 's',
            ElemType::Bytea => 'y',
            ElemType::Date => 'D',
            ElemType::Time => 't',
            ElemType::Timestamp => 'T',
            ElemType::Timestamptz => 'Z',
            ElemType::Jsonb => 'j',
            ElemType::Uuid => 'u',
        }
    }

    /// The element type of one non-NULL, non-array value.
    pub(crate) fn of(v: &Value) -> Option<ElemType> {
        Some(match v {
            Value::Bool(_) => ElemType::Bool,
            Value::I64(_) => ElemType::Int8,
            Value::U64(u) if i64::try_from(*u).is_ok() => ElemType::Int8,
            Value::U64(_) | Value::Decimal(_) => ElemType::Numeric,
            Value::F64(_) => ElemType::Float8,
            Value::String(_) => ElemType::Text,
            Value::Bytes(_) => ElemType::Bytea,
            Value::Date(_) => ElemType::Date,
            Value::Time(_) => ElemType::Time,
            Value::DateTime(_) => ElemType::Timestamp,
            Value::DateTimeUtc(_) => ElemType::Timestamptz,
            Value::Json(_) => ElemType::Jsonb,
            Value::Uuid(_) => ElemType::Uuid,
            Value::Null | Value::Array(_) => return None,
        })
    }
}

/// The element type of `items`: `None` when no item is non-NULL, an item is an array, or the
/// items mix kinds that have no exact common type.
pub fn elem_type(items: &[Value]) -> Option<ElemType> {
    let mut found: Option<ElemType> = None;
    for v in items {
        if let Value::Array(_) = v {
            return None;
        }
        if v.is_null() {
            continue;
        }
        let t = ElemType::of(v)?;
        found = Some(match (found, t) {
            (None, t) => t,
            (Some(a), b) if a == b => a,
            (Some(ElemType::Int8 | ElemType::Numeric), ElemType::Int8 | ElemType::Numeric) => ElemType::Numeric,
            _ => return None,
        });
    }
    found
}

fn bad(v: &Value, t: ElemType) -> Error {
    Error::InvalidQuery(format!("a {} item in an array of {}", v.type_name(), t.array_sql()))
}

/// Collects `items` as `Option<T>`s with `get`, NULL as `None`.
fn collect<'v, T>(items: &'v [Value], t: ElemType, get: impl Fn(&'v Value) -> Option<T>) -> Result<Vec<Option<T>>> {
    items.iter().map(|v| if v.is_null() { Ok(None) } else { get(v).map(Some).ok_or_else(|| bad(v, t)) }).collect()
}

/// Adds `items` to `a` as one array of element type `t` (from [`elem_type`]).
pub fn add(a: &mut PgArguments, items: &[Value], t: ElemType) -> Result<()> {
    use ElemType as E;
    let r = match t {
        E::Bool => a.add(collect(items, t, |v| if let Value::Bool(b) = v { Some(*b) } else { None })?),
        E::Int8 => a.add(collect(items, t, |v| match v {
            Value::I64(i) => Some(*i),
            Value::U64(u) => i64::try_from(*u).ok(),
            _ => None,
        })?),
        E::Numeric => a.add(collect(items, t, |v| match v {
            Value::I64(i) => Some(Decimal::from(*i)),
            Value::U64(u) => Some(Decimal::from(*u)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        })?),
        E::Float8 => a.add(collect(items, t, |v| if let Value::F64(f) = v { Some(*f) } else { None })?),
        E::Text => a.add(collect(items, t, |v| if let Value::String(s) = v { Some(s.as_str()) } else { None })?),
        E::Bytea => a.add(collect(items, t, |v| if let Value::Bytes(b) = v { Some(b.as_slice()) } else { None })?),
        E::Date => a.add(collect(items, t, |v| if let Value::Date(d) = v { Some(*d) } else { None })?),
        E::Time => a.add(collect(items, t, |v| if let Value::Time(x) = v { Some(*x) } else { None })?),
        E::Timestamp => a.add(collect(items, t, |v| if let Value::DateTime(x) = v { Some(*x) } else { None })?),
        E::Timestamptz => a.add(collect(items, t, |v| if let Value::DateTimeUtc(x) = v { Some(*x) } else { None })?),
        E::Jsonb => a.add(collect(items, t, |v| if let Value::Json(j) = v { Some(sqlx::types::Json(j)) } else { None })?),
        E::Uuid => a.add(collect(items, t, |v| if let Value::Uuid(u) = v { Some(*u) } else { None })?),
    };
    r.map_err(|e| Error::InvalidQuery(format!("cannot bind an array of {}: {e}", t.array_sql())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_types_from_items() {
        assert_eq!(elem_type(&[Value::Null, Value::I64(1), Value::U64(2)]), Some(ElemType::Int8));
        assert_eq!(elem_type(&[Value::I64(1), Value::U64(u64::MAX)]), Some(ElemType::Numeric));
        assert_eq!(elem_type(&[Value::Decimal(Decimal::new(15, 1)), Value::I64(1)]), Some(ElemType::Numeric));
        assert_eq!(elem_type(&[Value::I64(1), Value::F64(1.5)]), None, "no exact common type");
        assert_eq!(elem_type(&[Value::Null, Value::Null]), None);
        assert_eq!(elem_type(&[]), None);
        assert_eq!(elem_type(&[Value::Array(vec![Value::I64(1)])]), None);
        assert_eq!(elem_type(&[Value::String("a".into()), Value::Null]), Some(ElemType::Text));
    }
}
