use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key, auto_increment)]
    id: String,
}

fn main() {}
