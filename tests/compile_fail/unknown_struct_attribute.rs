use athanor::prelude::*;

#[derive(Model)]
#[athanor(name = "candles")]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
}

fn main() {}
