use athanor::prelude::*;
use athanor::query::{abs, case_when, cast, coalesce, excluded, length, now, select};

#[derive(Model, Debug, Clone)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
    pub high: Decimal,
    pub low: Decimal,
    pub volume: Decimal,
    pub trades: i64,
    pub note: Option<String>,
    pub fee: Option<Decimal>,
}

fn main() {
    let _ = Candle::select()
        .filter(Candle::HIGH.gt(Candle::LOW))
        .filter((Candle::HIGH - Candle::LOW).gt(dec!(1)))
        .filter(coalesce(Candle::FEE, dec!(0)).le(Candle::VOLUME * dec!(2)))
        .filter((Candle::FEE + dec!(1)).is_null())
        .filter(length(Candle::SYMBOL).lt(5i64))
        .filter(abs(Candle::TRADES - 1).ge(Candle::TRADES / 2))
        .filter(case_when::<String>(Candle::TRADES.gt(0i64), "up").otherwise(Candle::SYMBOL).eq("up"))
        .filter(cast::<f64>(Candle::TRADES).gt(1.5))
        .filter(Candle::SYMBOL.in_subquery(&select(Candle::table()).columns([Candle::SYMBOL])));
    let _ = Candle::update().set(Candle::VOLUME, Candle::VOLUME + dec!(1)).filter(Candle::ID.eq(1));
    let c = Candle { id: 1, symbol: "BTC".into(), high: dec!(1), low: dec!(1), volume: dec!(1), trades: 1, note: None, fee: None };
    let _ = c.insert().on_conflict_set(Candle::VOLUME, Candle::VOLUME + excluded(Candle::VOLUME));
    let _: athanor::query::TypedExpr<athanor::chrono::DateTime<athanor::chrono::Utc>> = now();
}
