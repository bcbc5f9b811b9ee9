use athanor::prelude::*;

#[derive(Model, Debug, Clone)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
    pub close: Decimal,
}

fn main() {
    // Arithmetic is only defined on numbers, and on two sides of the same type.
    let _ = Candle::SYMBOL + 1;
    let _ = Candle::CLOSE + Candle::ID;
}
