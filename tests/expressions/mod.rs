//! Models shared by the expression tests (`tests/expressions_compile.rs`, `tests/expressions_servers.rs`).

#![allow(dead_code)]

use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;

/// A bar with decimal, integer, float, text and nullable columns.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "expr_bars")]
pub struct Bar {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 16, unique)]
    pub symbol: String,
    #[athanor(precision = 20, scale = 8)]
    pub high: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub low: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub volume: Decimal,
    pub trades: i64,
    pub price: f64,
    pub note: Option<String>,
    #[athanor(precision = 20, scale = 8)]
    pub fee: Option<Decimal>,
    pub ts: NaiveDateTime,
}

/// Symbols being watched (the subquery side).
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "expr_watch")]
pub struct Watch {
    #[athanor(primary_key, max_len = 16)]
    pub symbol: String,
}

pub fn ts(h: u32) -> NaiveDateTime {
    athanor::chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

#[allow(clippy::too_many_arguments)]
pub fn bar(
    id: i64,
    symbol: &str,
    high: Decimal,
    low: Decimal,
    volume: Decimal,
    trades: i64,
    price: f64,
    note: Option<&str>,
    fee: Option<Decimal>,
) -> Bar {
    Bar { id, symbol: symbol.into(), high, low, volume, trades, price, note: note.map(Into::into), fee, ts: ts(id as u32 % 24) }
}
