//! `bool`, text, bytes and JSON: their values, decoding and column types.

use super::traits::mismatch;
use super::{FromValue, SqlType, ToValue, Value, ValueKind};
use crate::schema::ColumnType;

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
