//! The deterministic data set and workload constants of WORKLOADS.md (equal to the peer
//! benchmark's `rust-baseline/src/main.rs` and `peers/common.py`).

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// Rows in `ohlcv_1m`; W1's fetch size and W3's insert size.
pub const N_ROWS: usize = 50_000;
/// W2: point selects per repetition.
pub const W2_QUERIES: usize = 10_000;
/// W2: concurrent tasks.
pub const W2_TASKS: usize = 64;
/// Pool size for every implementation (min = max).
pub const POOL_SIZE: u32 = 10;
/// Rows per multi-row INSERT (W3, W4, seeding).
pub const BATCH: usize = 1_000;
/// W4: rows upserted per repetition.
pub const W4_ROWS: usize = 10_000;
/// W4: rows already present before the upsert (untimed).
pub const W4_PRESEED: usize = 5_000;
/// W5: transactions per repetition.
pub const W5_TX: usize = 1_000;
/// The ten symbols; row i has `SYMBOLS[i % 10]`.
pub const SYMBOLS: [&str; 10] =
    ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "AVAXUSDT", "DOTUSDT", "LINKUSDT"];
/// The seeded table (W1, W2, W5).
pub const T_MAIN: &str = "ohlcv_1m";
/// W3's table.
pub const T_W3: &str = "ohlcv_1m_w3";
/// W4's table.
pub const T_W4: &str = "ohlcv_1m_w4";

/// A row to insert (no id): what an application holds before writing.
#[derive(Debug, Clone)]
pub struct NewOhlcv {
    pub symbol: String,
    pub ts: NaiveDateTime,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
}

fn d8(units: i64) -> Decimal {
    Decimal::new(units, 8)
}

fn base_ts() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

/// Row `i` of the data set; `variant` shifts close/volume so an upsert really changes the row.
pub fn gen_row(i: usize, variant: i64) -> NewOhlcv {
    let i64i = i as i64;
    let open_u: i64 = 2_000_000_000_000 + (i64i * 7919 % 1_000_000) * 1000;
    NewOhlcv {
        symbol: SYMBOLS[i % 10].to_string(),
        ts: base_ts() + chrono::Duration::minutes((i / 10) as i64),
        open: d8(open_u),
        high: d8(open_u + 50_000_000),
        low: d8(open_u - 50_000_000),
        close: d8(open_u + 12_345_678 + variant * 1000),
        volume: d8((i64i % 1000) * 100_000_000 + 12_345_678 + variant),
    }
}

/// Rows `range` with `variant`.
pub fn gen_rows(range: std::ops::Range<usize>, variant: i64) -> Vec<NewOhlcv> {
    range.map(|i| gen_row(i, variant)).collect()
}

/// W2's id for query `k`.
pub fn w2_id(k: usize) -> i64 {
    ((k * 7919) % N_ROWS + 1) as i64
}

/// W5's id for transaction `k`.
pub fn w5_id(k: usize) -> i64 {
    ((k * 7919 + 13) % N_ROWS + 1) as i64
}

/// Per-process salt so every W5 UPDATE changes its row.
fn w5_salt() -> i64 {
    static SALT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *SALT.get_or_init(|| {
        let ns = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        (ns / 1000 % 1_000_000) as i64
    })
}

/// W5's (close, volume) for transaction `k` of repetition `rep` of implementation number `imp`
/// (so two implementations never write the same values).
pub fn w5_values(k: usize, rep: usize, imp: usize) -> (Decimal, Decimal) {
    let v = w5_salt() * 100_000 + ((imp * 1000 + rep) * W5_TX + k) as i64;
    (d8(2_000_000_000_000 + v), d8(100_000_000 + v))
}
