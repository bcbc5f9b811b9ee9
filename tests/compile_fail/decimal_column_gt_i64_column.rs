use athanor::prelude::*;

#[derive(Model, Debug, Clone)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    pub close: Decimal,
    pub trades: i64,
}

fn main() {
    // A Decimal column against an i64 column: cast one side first.
    let _ = Candle::select().filter(Candle::CLOSE.gt(Candle::TRADES));
}
