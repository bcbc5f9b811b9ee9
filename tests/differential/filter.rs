//! Random WHERE conditions on the `Item` columns, with their value pools and LIKE patterns.

use super::construct::Construct as C;
use super::data::{at, price, Item, NAMES, NEAR_NAMES, PRICES};
use super::ops::{self, Gen, Kind, Op, CMP_OPS, NULL_OPS, TEXT_OPS};
use super::rng::Rng;
use athanor::ast::Expr;
use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;
use athanor::Value;

fn large_i64(i: usize) -> i64 {
    10_000 + i as i64
}
fn large_i32(i: usize) -> i32 {
    10_000 + i as i32
}
fn large_text(i: usize) -> String {
    format!("v{i}")
}
fn large_price(i: usize) -> Decimal {
    price(7_000_000_000 + i as i128)
}
fn large_at(i: usize) -> NaiveDateTime {
    at(20, (i % 24) as u32, (i % 60) as u32, 1, i as u32)
}
fn large_bool(i: usize) -> bool {
    i.is_multiple_of(2)
}

/// A LIKE pattern built from a stored text: a piece of it, wrapped in `%`, some characters `_`.
fn pattern(rng: &mut Rng) -> String {
    let base: Vec<char> = rng.pick(NAMES).chars().collect();
    let from = rng.below(base.len() + 1);
    let to = from + rng.below(base.len() - from + 1);
    let mut piece: String = base[from..to].iter().map(|&c| if rng.chance(1, 6) { '_' } else { c }).collect();
    if rng.chance(1, 5) {
        piece = piece.to_uppercase();
    }
    match rng.below(4) {
        0 => format!("%{piece}%"),
        1 => format!("{piece}%"),
        2 => format!("%{piece}"),
        _ => piece,
    }
}

/// A piece of a stored text (for contains/starts_with/ends_with, which take it literally).
fn fragment(rng: &mut Rng) -> String {
    let base: Vec<char> = rng.pick(NAMES).chars().collect();
    let from = rng.below(base.len() + 1);
    let to = from + rng.below(base.len() - from + 1);
    let piece: String = base[from..to].iter().collect();
    if rng.chance(1, 5) {
        piece.to_uppercase()
    } else {
        piece
    }
}

fn texts() -> Vec<String> {
    NAMES.iter().chain(NEAR_NAMES).map(|s| s.to_string()).collect()
}
fn prices() -> Vec<Decimal> {
    let mut v: Vec<Decimal> = PRICES.iter().map(|&m| price(m)).collect();
    v.extend([Decimal::new(1005, 1), Decimal::new(-5, 2), Decimal::from(3)]);
    v
}
fn times() -> Vec<NaiveDateTime> {
    vec![at(1, 0, 0, 7, 0), at(2, 13, 31, 7, 123_456), at(3, 6, 42, 7, 999_999), at(2, 1, 0, 0, 0), at(4, 23, 59, 7, 1), at(5, 0, 0, 0, 0)]
}

/// The columns that hold NULLs.
pub const NULLABLE: &[&str] = &["name", "price", "rank", "flag", "at"];

/// One leaf condition on a random column, avoiding `g.avoid`.
fn leaf(g: &mut Gen) -> Expr {
    g.avoiding(leaf_any)
}

fn leaf_any(g: &mut Gen) -> Expr {
    loop {
        let column = *g.rng.pick(&["id", "name", "name", "name", "price", "price", "score", "rank", "flag", "at", "expr", "expr"]);
        if column == "expr" {
            return super::exprs::leaf(g);
        }
        let mut ops: Vec<Op> = CMP_OPS.to_vec();
        if NULLABLE.contains(&column) {
            ops.extend(NULL_OPS);
        }
        if column == "name" {
            ops.extend(TEXT_OPS);
        }
        let op = *g.rng.pick(&ops);
        let e = match column {
            "id" => ops::typed(g, op, Item::ID, Kind::Other, &[0i64, 1, 2, 7, 11, 32, 63, 64, 65], large_i64),
            "score" => ops::typed(g, op, Item::SCORE, Kind::Other, &[-4, -1, 0, 1, 3, 8, 9], large_i32),
            "rank" => ops::nullable(g, op, Item::RANK, Kind::Other, &[0i64, 1, 2, 3])
                .or_else(|| ops::typed(g, op, Item::RANK, Kind::Other, &[0i64, 1, 2, 3, 5], large_i64)),
            "flag" => ops::nullable(g, op, Item::FLAG, Kind::Other, &[true, false])
                .or_else(|| ops::typed(g, op, Item::FLAG, Kind::Other, &[true, false], large_bool)),
            "at" => {
                let pool = times();
                ops::nullable(g, op, Item::AT, Kind::Other, &pool).or_else(|| ops::typed(g, op, Item::AT, Kind::Other, &pool, large_at))
            }
            "price" => {
                let pool = prices();
                ops::nullable(g, op, Item::PRICE, Kind::Decimal, &pool)
                    .or_else(|| ops::typed(g, op, Item::PRICE, Kind::Decimal, &pool, large_price))
            }
            _ => {
                let pool = texts();
                let p = pattern(&mut g.rng);
                let piece = fragment(&mut g.rng);
                ops::text(g, op, Item::NAME, &p, &piece)
                    .or_else(|| ops::nullable(g, op, Item::NAME, Kind::Text, &pool))
                    .or_else(|| ops::typed(g, op, Item::NAME, Kind::Text, &pool, large_text))
            }
        };
        if let Some(e) = e {
            if let Expr::InList { list, .. } = &e {
                if list.iter().any(|v| matches!(v, Value::String(s) if s.is_empty())) {
                    g.note(C::InListEmptyString);
                }
            }
            return e;
        }
    }
}

/// A condition tree of depth at most `depth`.
pub fn filter(g: &mut Gen, depth: usize) -> Expr {
    if depth == 0 || g.rng.chance(3, 5) {
        return leaf(g);
    }
    g.note(C::Logic);
    match g.rng.below(3) {
        0 => (0..1 + g.rng.below(3)).fold(filter(g, depth - 1), |acc, _| acc.and(filter(g, depth - 1))),
        1 => (0..1 + g.rng.below(3)).fold(filter(g, depth - 1), |acc, _| acc.or(filter(g, depth - 1))),
        _ => !filter(g, depth - 1),
    }
}
