use athanor::prelude::*;

#[derive(Model)]
struct Candle(i64, String);

fn main() {}
