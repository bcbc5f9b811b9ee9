//! The fixed data set: one model whose columns hold the values dialects disagree about.
//!
//! Text: mixed case, trailing and leading spaces, accents (é, Ä), `%`, `_`, `\`, quotes, emoji,
//! the empty string, the word `null`, PostgREST's reserved characters, and NULL. Decimals at the
//! full declared scale (20,8), negatives, 20 significant digits and NULL. Integers with ties,
//! a nullable bool and datetimes with microseconds.

use athanor::chrono::{NaiveDate, NaiveDateTime};
use athanor::prelude::*;

/// The differential test's table.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "diff_items")]
pub struct Item {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 64)]
    pub name: Option<String>,
    #[athanor(precision = 20, scale = 8)]
    pub price: Option<Decimal>,
    pub score: i32,
    pub rank: Option<i64>,
    pub flag: Option<bool>,
    pub at: Option<NaiveDateTime>,
}

/// Every distinct text the `name` column holds (NULL aside).
pub const NAMES: &[&str] = &[
    "apple",
    "Apple",
    "APPLE",
    "apple ",
    "apple  ",
    " apple",
    "café",
    "Café",
    "CAFÉ",
    "cafe",
    "Äpfel",
    "äpfel",
    "100%",
    "100% sure",
    "a_b",
    "a%b",
    "axb",
    "back\\slash",
    "it's",
    "say \"hi\"",
    "🚀 rocket",
    "emoji 😀",
    "",
    "null",
    "NULL",
    "x,y",
    "(paren)",
    "a.b",
    "ß",
    "zebra",
    "Zebra",
];

/// Texts that are not in the table but sit next to ones that are (case, spaces, accents).
pub const NEAR_NAMES: &[&str] = &["APPLE ", "apple   ", "CAFE", "äPFEL", "Ä", "a", "z", "🚀", "b", "\\", "%", "_", "'", "\""];

/// Decimals at the declared scale 8, as the column holds them (mantissa, scale 8).
pub const PRICES: &[i128] = &[
    10_050_000_000,             // 100.50000000
    -1,                         // -0.00000001
    0,                          // 0.00000000
    100_000_000,                // 1.00000000
    -10_050_000_000,            // -100.50000000
    99_999_999_999_999_999_999, // 999999999999.99999999 (20 digits)
    12_345_678_901_212_345_678, // 123456789012.12345678
    10_000_000,                 // 0.10000000
    1,                          // 0.00000001
    250_000_000_000,            // 2500.00000000
];

/// A decimal of scale 8 from its mantissa.
pub fn price(mantissa: i128) -> Decimal {
    Decimal::from_i128_with_scale(mantissa, 8)
}

/// 2024-05-`day` `h`:`m`:`s`.`micros`.
pub fn at(day: u32, h: u32, m: u32, s: u32, micros: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 5, day).unwrap().and_hms_micro_opt(h, m, s, micros).unwrap()
}

/// The rows, the same on every run: 64 of them.
pub fn rows() -> Vec<Item> {
    (1..=64i64)
        .map(|id| {
            let i = id as usize;
            Item {
                id,
                name: (!i.is_multiple_of(11)).then(|| NAMES[(i * 7) % NAMES.len()].to_owned()),
                price: (i % 7 != 3).then(|| price(PRICES[(i * 3) % PRICES.len()])),
                score: ((i * 5) % 13) as i32 - 4,
                rank: (i % 5 != 2).then_some(((i * 3) % 4) as i64),
                flag: match i % 3 {
                    0 => None,
                    1 => Some(true),
                    _ => Some(false),
                },
                at: (i % 9 != 4).then(|| at(1 + (i % 4) as u32, (i % 24) as u32, (i * 7 % 60) as u32, 7, [0, 1, 123_456, 999_999][i % 4])),
            }
        })
        .collect()
}
