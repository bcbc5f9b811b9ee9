use athanor::prelude::*;

#[derive(Model)]
struct Tick {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(precision = 9)]
    ts: athanor::chrono::NaiveDateTime,
}

fn main() {}
