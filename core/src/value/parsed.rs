//! Dates, times and UUIDs: bound as themselves, parsed when a dialect hands them back as text.

use super::traits::mismatch;
use super::{FromValue, SqlType, ToValue, Value, ValueKind};
use crate::schema::ColumnType;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use uuid::Uuid;

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
