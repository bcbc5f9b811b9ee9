use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key, autoincrement)]
    id: i64,
}

fn main() {}
