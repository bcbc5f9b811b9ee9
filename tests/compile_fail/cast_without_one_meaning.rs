use athanor::prelude::*;
use athanor::query::cast;

#[derive(Model, Debug, Clone)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    pub price: f64,
}

fn main() {
    // A float to an integer rounds differently per dialect: not offered.
    let _ = cast::<i64>(Candle::PRICE);
}
