//! Integers, floats and [`Decimal`]: their values, decoding and column types.

use super::traits::mismatch;
use super::{FromValue, SqlType, ToValue, Value, ValueKind};
use crate::schema::ColumnType;
use rust_decimal::Decimal;

/// Integer types bound as `Value::$wide_v` (`$wide` = i64 or u64); decoding checks the range.
macro_rules! integer {
    ($wide:ty, $wide_v:ident: $($t:ty => $ct:ident),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value { Value::$wide_v(*self as $wide) }
        }
        impl FromValue for $t {
            const KIND: ValueKind = ValueKind::$wide_v;
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    Value::I64(i) => <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t))),
                    Value::U64(u) => <$t>::try_from(u).map_err(|_| format!("{u} is out of range for {}", stringify!($t))),
                    Value::Bool(b) => Ok(b as $t),
                    Value::Decimal(d) if d.fract().is_zero() => <$wide>::try_from(d).ok().and_then(|i| <$t>::try_from(i).ok()).ok_or_else(|| format!("{d} is out of range for {}", stringify!($t))),
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
integer!(i64, I64: i8 => I8, i16 => I16, i32 => I32, i64 => I64);
integer!(u64, U64: u8 => U8, u16 => U16, u32 => U32, u64 => U64);

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
