use athanor::prelude::*;

struct Price(f64);

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    close: Price,
}

fn main() {}
