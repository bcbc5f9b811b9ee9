use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(unique_with = "timestamp")]
    symbol: String,
    ts: i64,
}

fn main() {}
