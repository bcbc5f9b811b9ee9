use athanor::prelude::*;

#[derive(Model, Debug, Clone)]
#[athanor(table = "orders")]
pub struct Order {
    #[athanor(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
}

#[derive(Model, Debug, Clone)]
#[athanor(table = "fills")]
pub struct Fill {
    #[athanor(primary_key)]
    pub id: i64,
    pub order_id: i64,
}

// Columns of different models compare when their types match (also beside a nullable one);
// joined selects decode into tuples, the left side of a LEFT JOIN into an Option.
async fn _joins(engine: &Engine) -> athanor::Result<()> {
    let _: Vec<(Order, Fill)> = Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).all(engine).await?;
    let _: Vec<(Order, Option<Fill>)> = Order::select().left_join::<Fill>(Fill::ORDER_ID.eq(Order::ID)).all(engine).await?;
    let _: Vec<(Order, Order)> = Order::select().inner_join_as::<Order>("p", Order::PARENT_ID.eq(Order::ID.of_alias("p"))).all(engine).await?;
    let _: Vec<Order> = Order::select().for_update().skip_locked().all(engine).await?;
    Ok(())
}

fn main() {}
