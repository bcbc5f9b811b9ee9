use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(default = Decimal::ZERO)]
    close: Decimal,
}

fn main() {}
