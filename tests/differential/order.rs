//! Random ORDER BY terms on the `Item` columns, always ending with the key.

use super::construct::Construct as C;
use super::data::Item;
use super::filter::NULLABLE;
use super::ops::Gen;
use athanor::ast::OrderBy;

/// ORDER BY terms, always ending with the key so ties are broken the same way everywhere.
pub fn order(g: &mut Gen) -> Vec<OrderBy> {
    let mut terms = Vec::new();
    for _ in 0..g.rng.below(3) {
        terms.push(g.avoiding(order_term));
    }
    terms.push(if g.rng.chance(1, 4) { Item::ID.desc() } else { Item::ID.asc() });
    terms
}

fn order_term(g: &mut Gen) -> OrderBy {
    {
        let column = *g.rng.pick(&["name", "price", "score", "rank", "flag", "at"]);
        // The typed columns' asc()/desc(): the model API a user writes (NULLs as the smallest value).
        let mut o = typed_order(column, g.rng.chance(1, 2));
        g.note(if column == "name" { C::TextOrder } else { C::Order });
        if NULLABLE.contains(&column) {
            match g.rng.below(3) {
                0 => g.note(C::OrderNullsDefault),
                1 => {
                    o = o.nulls_first();
                    g.note(C::OrderNullsExplicit)
                }
                _ => {
                    o = o.nulls_last();
                    g.note(C::OrderNullsExplicit)
                }
            }
        }
        o
    }
}

/// `Item::<column>.asc()` or `.desc()`.
fn typed_order(column: &str, asc: bool) -> OrderBy {
    macro_rules! dir {
        ($c:expr) => {
            if asc {
                $c.asc()
            } else {
                $c.desc()
            }
        };
    }
    match column {
        "name" => dir!(Item::NAME),
        "price" => dir!(Item::PRICE),
        "score" => dir!(Item::SCORE),
        "rank" => dir!(Item::RANK),
        "flag" => dir!(Item::FLAG),
        "at" => dir!(Item::AT),
        other => unreachable!("no column {other}"),
    }
}
