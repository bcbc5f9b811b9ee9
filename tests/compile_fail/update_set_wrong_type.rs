use athanor::prelude::*;

#[derive(Model, Debug, Clone)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
    pub close: Decimal,
    pub note: Option<String>,
}

fn main() {
    let _ = Candle::update().set(Candle::CLOSE, 1.5f64).filter(Candle::ID.eq(1));
}
