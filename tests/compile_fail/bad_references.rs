use athanor::prelude::*;

#[derive(Model)]
struct Fill {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(references = "orders.id")]
    order_id: i64,
}

fn main() {}
