use athanor::prelude::*;

#[derive(Model)]
enum Side {
    Buy,
    Sell,
}

fn main() {}
