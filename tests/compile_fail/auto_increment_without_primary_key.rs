use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(auto_increment)]
    id: i64,
    #[athanor(primary_key)]
    symbol: String,
}

fn main() {}
