//! Every attribute and supported field type together, and the typed expressions that must compile.
use athanor::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "ohlcv_1m", unique(exchange, symbol, ts), index(symbol, ts))]
pub struct Candle {
    /// The surrogate key.
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(max_len = 16, index)]
    pub symbol: String,
    #[athanor(column = "venue", unique_with = "id")]
    pub exchange: String,
    #[athanor(precision = 3)]
    pub ts: athanor::chrono::NaiveDateTime,
    #[athanor(precision = 20, scale = 8, default = "0")]
    pub close: Decimal,
    pub note: Option<String>,
    #[athanor(text)]
    pub raw: String,
    #[athanor(unique)]
    pub uid: athanor::uuid::Uuid,
    pub meta: athanor::serde_json::Value,
    pub blob: Vec<u8>,
    pub flag: bool,
    pub f: f32,
    pub g: Option<f64>,
    pub small: i8,
    pub unsigned: u64,
    pub at: athanor::chrono::DateTime<athanor::chrono::Utc>,
    pub day: athanor::chrono::NaiveDate,
    #[athanor(precision = 0)]
    pub time: athanor::chrono::NaiveTime,
    #[athanor(references = "ohlcv_1m(id)")]
    pub parent: Option<i64>,
    #[athanor(skip)]
    pub scratch: Vec<String>,
    #[athanor(default = -1)]
    pub r#type: i32,
}

#[derive(Model)]
struct Pair {
    #[athanor(primary_key)]
    a: u32,
    #[athanor(primary_key)]
    b: String,
}

fn main() {
    let _ = Candle::select()
        .filter(Candle::SYMBOL.eq("BTC").and(Candle::CLOSE.gt(dec!(100))).and(Candle::NOTE.is_null()))
        .filter(Candle::NOTE.eq("x").or(Candle::NOTE.like("%a%")))
        .filter(Candle::ID.in_list([1, 2, 3]).and(Candle::G.is_not_null()).and(Candle::TYPE.between(1, 2)))
        .order_by(Candle::TS.desc())
        .limit(10);
    let _ = Candle::update().set(Candle::NOTE, Some("checked")).set(Candle::CLOSE, dec!(1)).filter(Candle::ID.eq(7));
    let _ = Pair::get_by_key((1u32, "x"));
    let _: &'static athanor::Table = Pair::table();
}

/// Inserts with conflict columns given as typed handles (same type), references to them, or names.
#[allow(dead_code)]
fn upserts(c: Candle) {
    let _ = Candle::insert(&c).on_conflict_update(&[Candle::CLOSE]);
    let _ = Candle::insert_many(&[c.clone()]).on_conflict_update(&[Candle::SYMBOL, Candle::EXCHANGE]);
    let _ = Candle::insert_many(&[c]).on_conflict_update([Candle::CLOSE.name(), Candle::NOTE.name()]);
}
