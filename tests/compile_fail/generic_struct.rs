use athanor::prelude::*;

#[derive(Model)]
struct Candle<T> {
    #[athanor(primary_key)]
    id: i64,
    value: T,
}

fn main() {}
