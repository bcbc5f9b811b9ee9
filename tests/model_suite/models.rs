//! The suite's models: one column of every supported type, a candle table with a generated key
//! and a two-column unique key, a composite primary key, and a foreign key.

use athanor::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use athanor::prelude::*;
use athanor::uuid::Uuid;

/// One column of every supported field type, and nullable variants.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "suite_all_types")]
pub struct AllTypes {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    pub small: i8,
    pub short: i16,
    pub int: i32,
    pub big: i64,
    pub ubyte: u8,
    pub ushort: u16,
    pub uint: u32,
    pub ubig: u64,
    pub single: f32,
    pub double: f64,
    pub flag: bool,
    #[athanor(max_len = 64, index)]
    pub name: String,
    #[athanor(text)]
    pub body: String,
    pub blob: Vec<u8>,
    #[athanor(precision = 20, scale = 8)]
    pub price: Decimal,
    pub day: NaiveDate,
    pub time: NaiveTime,
    pub stamp: NaiveDateTime,
    pub stamp_utc: DateTime<Utc>,
    pub doc: athanor::serde_json::Value,
    #[athanor(unique)]
    pub uid: Uuid,
    pub opt_int: Option<i64>,
    pub opt_text: Option<String>,
    #[athanor(precision = 12, scale = 4)]
    pub opt_price: Option<Decimal>,
    pub opt_stamp: Option<NaiveDateTime>,
    pub opt_flag: Option<bool>,
    pub opt_uint: Option<u32>,
    pub opt_double: Option<f64>,
    pub opt_blob: Option<Vec<u8>>,
    pub opt_day: Option<NaiveDate>,
    pub opt_time: Option<NaiveTime>,
    pub opt_utc: Option<DateTime<Utc>>,
    pub opt_doc: Option<athanor::serde_json::Value>,
    pub opt_uid: Option<Uuid>,
    #[athanor(skip)]
    pub scratch: Vec<String>,
}

/// A 1-minute candle with a generated key and a unique (symbol, ts).
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "suite_candles")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    pub ts: NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    pub close: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub volume: Decimal,
    pub note: Option<String>,
}

/// A position keyed by (account, symbol).
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "suite_positions", index(symbol, updated))]
pub struct Position {
    #[athanor(primary_key, max_len = 32)]
    pub account: String,
    #[athanor(primary_key, max_len = 16)]
    pub symbol: String,
    #[athanor(precision = 18, scale = 6)]
    pub qty: Decimal,
    pub updated: NaiveDateTime,
}

/// A fill referencing a candle (foreign key), with server defaults.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "suite_fills")]
pub struct Fill {
    #[athanor(primary_key, auto_increment)]
    pub id: u32,
    #[athanor(references = "suite_candles(id)", column = "candle")]
    pub candle_id: i64,
    #[athanor(default = 1)]
    pub qty: i32,
    #[athanor(max_len = 8, default = "buy")]
    pub side: String,
}

/// A timestamp with microseconds: 2024-03-0`d` 12:`m`:07.123456.
pub fn ts(d: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_micro_opt(12, m, 7, 123_456).unwrap()
}

/// A candle with id 0 (to be generated).
pub fn candle(symbol: &str, minute: u32, close: Decimal) -> Candle {
    Candle { id: 0, symbol: symbol.into(), ts: ts(1, minute), close, volume: Decimal::from(minute) + dec!(0.5), note: None }
}
