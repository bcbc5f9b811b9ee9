//! [`Operand`]: which Rust values a `Column<_, T>` accepts.

use crate::value::Value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A value that may be compared with (or assigned to) a column of type `T`.
#[diagnostic::on_unimplemented(
    message = "a `Column<_, {T}>` only takes values of type `{T}`, not `{Self}`",
    label = "expected `{T}` here",
    note = "convert the value first, e.g. `Decimal::from_str(..)` or `dec!(..)` for a Decimal column"
)]
pub trait Operand<T> {
    /// The value to bind.
    fn into_value(self) -> Value;
}

macro_rules! same_type {
    ($($t:ty),*) => {$(
        impl Operand<$t> for $t {
            fn into_value(self) -> Value { self.into() }
        }
        impl Operand<$t> for &$t {
            fn into_value(self) -> Value { self.clone().into() }
        }
        impl Operand<Option<$t>> for $t {
            fn into_value(self) -> Value { self.into() }
        }
        impl Operand<Option<$t>> for Option<$t> {
            fn into_value(self) -> Value { self.into() }
        }
    )*};
}
crate::value::with_sql_types!(same_type);

impl Operand<String> for &str {
    fn into_value(self) -> Value {
        Value::String(self.to_owned())
    }
}
impl Operand<Option<String>> for &str {
    fn into_value(self) -> Value {
        Value::String(self.to_owned())
    }
}
impl Operand<Option<String>> for Option<&str> {
    fn into_value(self) -> Value {
        self.map(|s| Value::String(s.to_owned())).unwrap_or(Value::Null)
    }
}
impl Operand<Vec<u8>> for &[u8] {
    fn into_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
}
