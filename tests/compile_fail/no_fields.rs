use athanor::prelude::*;

#[derive(Model)]
struct Empty {}

fn main() {}
