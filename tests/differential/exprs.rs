//! Filters built from the expression language (issue 13 item 3): arithmetic, division, functions,
//! CASE, CAST and subqueries over the typed columns, each noting its [`Construct`]. Every SQL
//! dialect must agree; Supabase refuses them with `Unsupported`.

use super::construct::Construct as C;
use super::data::{price, Item, PRICES};
use super::ops::Gen;
use athanor::ast::Expr;
use athanor::prelude::*;
use athanor::query::{abs, case_when, cast, coalesce, exists, length, lower, scalar_subquery, select, upper};

/// The number of expression leaves [`leaf`] picks from.
const KINDS: usize = 17;

/// One condition using an expression, with values near the data.
pub fn leaf(g: &mut Gen) -> Expr {
    let k = g.rng.below(12);
    let small = |g: &mut Gen| g.rng.below(9) as i64 - 4;
    let some_price = |g: &mut Gen| price(*g.rng.pick(PRICES));
    match g.rng.below(KINDS) {
        0 => {
            g.note(C::Arithmetic);
            ((Item::SCORE + 2) * 3).gt((k as i32) - 4)
        }
        1 => {
            g.note(C::Arithmetic);
            (Item::RANK - Item::ID).lt(small(g) - 20)
        }
        2 => {
            g.note(C::Division);
            // Negative and zero divisors: truncation toward zero, NULL on zero.
            (Item::ID / (Item::SCORE.typed() - 1).cast::<i64>()).ge(small(g))
        }
        3 => {
            g.note(C::Division);
            (Item::RANK * 10 / Item::RANK).eq(10i64)
        }
        4 => {
            g.note(C::DecimalArithmetic);
            g.note(C::DecimalFilter);
            let p = some_price(g);
            (Item::PRICE + p).gt(some_price(g))
        }
        5 => {
            g.note(C::DecimalArithmetic);
            g.note(C::DecimalFilter);
            (Item::PRICE * dec!(2) - Item::PRICE).le(some_price(g))
        }
        6 => {
            g.note(C::Functions);
            coalesce(Item::RANK, -1i64).eq(small(g))
        }
        7 => {
            g.note(C::Functions);
            g.note(C::DecimalFilter);
            abs(coalesce(Item::PRICE, dec!(0))).ge(some_price(g))
        }
        8 => {
            g.note(C::TextFunctions);
            length(Item::NAME).eq(Some(k as i64))
        }
        9 => {
            g.note(C::TextFunctions);
            let name = g.rng.pick(super::data::NAMES).to_string();
            if g.rng.chance(1, 2) {
                lower(Item::NAME).eq(name.to_lowercase())
            } else {
                upper(Item::NAME).eq(name)
            }
        }
        10 => {
            g.note(C::CaseWhen);
            case_when::<Option<i64>>(Item::SCORE.gt(0), 1i64).when(Item::RANK.is_null(), 2i64).otherwise(Item::RANK).eq(small(g).abs() % 4)
        }
        11 => {
            g.note(C::Cast);
            if g.rng.chance(1, 2) {
                cast::<String>(Item::ID).eq(k.to_string())
            } else {
                cast::<f64>(Item::SCORE).gt(k as f64 / 2.0 - 3.0)
            }
        }
        12 => {
            g.note(C::Subquery);
            let inner = select(Item::table()).columns([Item::RANK]).filter(Item::SCORE.gt(small(g) as i32));
            if g.rng.chance(1, 2) {
                Item::ID.in_subquery(&inner)
            } else {
                // A NULL among the subquery's values makes NOT IN match nothing, everywhere.
                Item::ID.not_in_subquery(&inner)
            }
        }
        13 => {
            g.note(C::Subquery);
            exists(&select(Item::table()).columns([Item::ID]).filter(Item::SCORE.gt(small(g) as i32 + 4)))
        }
        15 => {
            // Text a CASE makes compares exactly (MariaDB: not by the connection's
            // case-insensitive, PAD SPACE collation).
            g.note(C::CaseWhen);
            g.note(C::TextEq);
            let word = case_when::<String>(Item::SCORE.gt(small(g) as i32), "Apple").otherwise("apple ");
            let name = g.rng.pick(&["apple", "Apple", "APPLE", "apple ", "apple  ", "Apple "]).to_string();
            if g.rng.chance(1, 2) {
                word.eq(name)
            } else {
                word.in_list([name, "APPLE ".to_string()])
            }
        }
        16 => {
            g.note(C::Cast);
            g.note(C::TextEq);
            let text = if g.rng.chance(1, 2) { format!("{} ", small(g)) } else { small(g).to_string() };
            cast::<String>(Item::SCORE).eq(text)
        }
        _ => {
            g.note(C::Subquery);
            let max = select(Item::table()).columns([Item::SCORE.max()]).filter(Item::RANK.eq(Some(k as i64 % 4)));
            Item::SCORE.lt(scalar_subquery::<i32, _>(&max))
        }
    }
}
