use athanor::prelude::*;

#[derive(Model, Debug, Clone)]
#[athanor(table = "orders")]
pub struct Order {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
}

#[derive(Model, Debug, Clone)]
#[athanor(table = "fills")]
pub struct Fill {
    #[athanor(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub price: Decimal,
}

fn main() {
    // ON compares columns of two models: their types must match (String vs i64 here).
    let _ = Order::select().inner_join::<Fill>(Order::SYMBOL.eq(Fill::ORDER_ID));
    // Decimal vs i64.
    let _ = Order::select().left_join::<Fill>(Fill::PRICE.eq(Order::ID));
}
