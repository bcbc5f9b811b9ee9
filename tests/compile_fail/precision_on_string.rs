use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(precision = 10, scale = 2)]
    close: String,
}

fn main() {}
