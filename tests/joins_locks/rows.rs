//! Joined selects on a real server: what comes back, decoded by position.

use super::{Fill, Order};
use athanor::ast::JoinKind;
use athanor::prelude::*;
use athanor::query::{select, Col};

fn order(id: i64, symbol: &str, parent_id: Option<i64>) -> Order {
    Order { id, symbol: symbol.into(), parent_id }
}
fn fill(id: i64, order_id: i64, qty: i64) -> Fill {
    Fill { id, order_id, qty }
}

/// Orders 1 BTC, 2 ETH, 3 SOL (child of 1); fills 10, 11 of order 1 and 12 of order 2. Both
/// tables have an `id`, so every unqualified reference would be ambiguous.
pub async fn joins(engine: &Engine) {
    let orders = [order(1, "BTC", None), order(2, "ETH", None), order(3, "SOL", Some(1))];
    let fills = [fill(10, 1, 5), fill(11, 1, 7), fill(12, 2, 1)];
    Order::insert_many(&orders).execute(engine).await.unwrap();
    Fill::insert_many(&fills).execute(engine).await.unwrap();
    let on = || Order::ID.eq(Fill::ORDER_ID);

    let inner: Vec<(Order, Fill)> = Order::select().inner_join::<Fill>(on()).order_by(Fill::ID).all(engine).await.unwrap();
    assert_eq!(
        inner,
        vec![(orders[0].clone(), fills[0].clone()), (orders[0].clone(), fills[1].clone()), (orders[1].clone(), fills[2].clone())]
    );

    let left: Vec<(Order, Option<Fill>)> =
        Order::select().left_join::<Fill>(on()).order_by(Order::ID).order_by(Fill::ID).all(engine).await.unwrap();
    let expected = vec![
        (orders[0].clone(), Some(fills[0].clone())),
        (orders[0].clone(), Some(fills[1].clone())),
        (orders[1].clone(), Some(fills[2].clone())),
        (orders[2].clone(), None),
    ];
    assert_eq!(left, expected);

    // `id` of each side: the filter and order name their table.
    let q = Order::select().inner_join::<Fill>(on()).filter(Fill::ID.gt(10)).order_by(Order::ID.desc());
    let got = q.clone().all(engine).await.unwrap();
    assert_eq!(got, vec![(orders[1].clone(), fills[2].clone()), (orders[0].clone(), fills[1].clone())]);
    let got = Order::select().inner_join::<Fill>(on()).filter(Order::ID.eq(1)).order_by(Fill::ID.desc()).all(engine).await.unwrap();
    assert_eq!(got, vec![(orders[0].clone(), fills[1].clone()), (orders[0].clone(), fills[0].clone())]);

    // Conditions written before the join (here get_by_key's untyped `"id" = ?`) keep meaning the FROM table.
    let got = Order::get_by_key(2).inner_join::<Fill>(on()).all(engine).await.unwrap();
    assert_eq!(got, vec![(orders[1].clone(), fills[2].clone())]);

    // count and exists count joined rows (the count subquery renames the two `id`s for MySQL).
    assert_eq!(Order::select().inner_join::<Fill>(on()).count(engine).await.unwrap(), 3);
    assert_eq!(Order::select().left_join::<Fill>(on()).count(engine).await.unwrap(), 4);
    assert_eq!(Order::select().left_join::<Fill>(on()).limit(2).count(engine).await.unwrap(), 2);
    assert_eq!(
        Order::select().left_join::<Fill>(on()).filter(Fill::ID.typed().is_null()).count(engine).await.unwrap(),
        1,
        "orders without fills"
    );
    assert!(Order::select().inner_join::<Fill>(on()).filter(Fill::QTY.gt(6)).exists(engine).await.unwrap());
    assert!(!Order::select().inner_join::<Fill>(on()).filter(Fill::QTY.gt(100)).exists(engine).await.unwrap());
    assert!(Order::select().inner_join::<Fill>(on()).distinct().limit(10).exists(engine).await.unwrap());
    let first = Order::select().left_join::<Fill>(on()).filter(Order::SYMBOL.eq("SOL")).one(engine).await.unwrap();
    assert_eq!(first, (orders[2].clone(), None));

    // A self-join through an alias: each order with its parent.
    let parent = || Order::PARENT_ID.eq(Order::ID.of_alias("parent"));
    let got: Vec<(Order, Order)> = Order::select().inner_join_as::<Order>("parent", parent()).all(engine).await.unwrap();
    assert_eq!(got, vec![(orders[2].clone(), orders[0].clone())]);
    let got = Order::select().left_join_as::<Order>("parent", parent()).order_by(Order::ID).all(engine).await.unwrap();
    assert_eq!(got, vec![(orders[0].clone(), None), (orders[1].clone(), None), (orders[2].clone(), Some(orders[0].clone()))]);

    // A third table: each order, its parent (if any) and its fills (if any).
    let three: Vec<(Order, Option<Order>, Option<Fill>)> = Order::select()
        .left_join_as::<Order>("parent", parent())
        .left_join::<Fill>(on())
        .order_by(Order::ID)
        .order_by(Fill::ID)
        .all(engine)
        .await
        .unwrap();
    assert_eq!(
        three,
        vec![
            (orders[0].clone(), None, Some(fills[0].clone())),
            (orders[0].clone(), None, Some(fills[1].clone())),
            (orders[1].clone(), None, Some(fills[2].clone())),
            (orders[2].clone(), Some(orders[0].clone()), None),
        ]
    );
    let n = Order::select().inner_join::<Fill>(on()).inner_join_as::<Order>("parent", parent()).count(engine).await.unwrap();
    assert_eq!(n, 0, "no order with a parent has fills");

    // Core tables: rows stay `Row`s; columns named with their table.
    let rows = select(Order::table())
        .join_table(JoinKind::Inner, Fill::table(), Col::of("jl_orders", "id").eq_col(&Col::of("jl_fills", "order_id")))
        .columns([Col::of("jl_orders", "symbol"), Col::of("jl_fills", "qty")])
        .filter(Col::of("jl_fills", "id").ge(11))
        .order_by(Col::of("jl_fills", "id"))
        .all(engine)
        .await
        .unwrap();
    let got: Vec<(String, i64)> = rows.iter().map(|r| (r.get::<String>("symbol").unwrap(), r.get::<i64>("qty").unwrap())).collect();
    assert_eq!(got, vec![("BTC".to_owned(), 7), ("ETH".to_owned(), 1)]);
}
