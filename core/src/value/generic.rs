//! `Option<T>` (NULL for `None`) and [`Value`] itself (taken as it is).

use super::{FromValue, SqlType, ToValue, Value, ValueKind};
use crate::schema::ColumnType;

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
