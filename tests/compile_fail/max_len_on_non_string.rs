use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(max_len = 16)]
    volume: Decimal,
}

fn main() {}
