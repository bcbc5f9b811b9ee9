use athanor::prelude::*;

#[derive(Model)]
#[athanor(index(symbol, timestamp))]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    symbol: String,
    ts: i64,
}

fn main() {}
