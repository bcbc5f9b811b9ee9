use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(column = "id")]
    other_id: i64,
}

fn main() {}
