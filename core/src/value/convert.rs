//! `From` conversions into [`Value`], and `with_sql_types!`, the one list of mapped Rust types.

use super::{ToValue, Value};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

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
