use athanor::prelude::*;

#[derive(Model)]
struct Candle;

fn main() {}
