//! Athanor models of the three benchmark tables (same columns, as WORKLOADS.md's schema).

use crate::data::NewOhlcv;
use athanor::prelude::*;
use chrono::NaiveDateTime;

/// Defines one `#[derive(Model)]` struct for `$table`, with a conversion from [`NewOhlcv`].
macro_rules! ohlcv_model {
    ($(#[$doc:meta])* $name:ident, $table:literal) => {
        $(#[$doc])*
        #[derive(Model, Debug, Clone, PartialEq)]
        #[athanor(table = $table)]
        pub struct $name {
            #[athanor(primary_key, auto_increment)]
            pub id: i64,
            #[athanor(unique_with = "ts", max_len = 16)]
            pub symbol: String,
            pub ts: NaiveDateTime,
            #[athanor(precision = 20, scale = 8)]
            pub open: Decimal,
            #[athanor(precision = 20, scale = 8)]
            pub high: Decimal,
            #[athanor(precision = 20, scale = 8)]
            pub low: Decimal,
            #[athanor(precision = 20, scale = 8)]
            pub close: Decimal,
            #[athanor(precision = 28, scale = 8)]
            pub volume: Decimal,
        }

        impl From<NewOhlcv> for $name {
            fn from(r: NewOhlcv) -> Self {
                $name { id: 0, symbol: r.symbol, ts: r.ts, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }
            }
        }
    };
}

ohlcv_model!(
    /// `ohlcv_1m`: the seeded table (W1, W2, W5).
    Candle,
    "ohlcv_1m"
);
ohlcv_model!(
    /// `ohlcv_1m_w3`: W3's bulk-insert target.
    CandleW3,
    "ohlcv_1m_w3"
);
ohlcv_model!(
    /// `ohlcv_1m_w4`: W4's upsert target.
    CandleW4,
    "ohlcv_1m_w4"
);
