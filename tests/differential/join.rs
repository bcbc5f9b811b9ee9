//! Self-join cases: a generated query on `diff_items` joined to the table under the alias
//! `other` on `rank = other.id` (each row matches at most one other row), inner or left, run as
//! rows, `.count()` or `.exists()`. Supabase refuses joins before any I/O.

use super::case::{Case, Terminal};
use super::compare::{item_cells, Cell, Outcome};
use super::construct::Construct as C;
use super::data::Item;
use super::ops::Gen;
use athanor::ast::{Expr, SelectKind, Statement};
use athanor::prelude::*;
use athanor::query::{AsStatement, Select};

const ALIAS: &str = "other";

/// Whether a case is joined, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    Inner,
    Left,
    /// A LEFT JOIN ordered first by `other.id` (NOT NULL, but NULL where nothing matched: the
    /// unmatched rows come first in ASC, last in DESC, on every dialect), then by the case's order.
    LeftByOther {
        desc: bool,
    },
}

/// Makes one in eight row, count and exists cases a join (drawn last, so the rest of the case
/// is what the seed gave before joins existed).
pub fn maybe_join(case: &mut Case, g: &mut Gen) {
    if !matches!(case.terminal, Terminal::All | Terminal::Count | Terminal::Exists) || g.avoid.contains(&C::Join) {
        return;
    }
    case.join = match g.rng.below(16) {
        0 => Some(Join::Inner),
        1 => Some(Join::Left),
        _ => None,
    };
    if case.join == Some(Join::Left) && case.terminal == Terminal::All && g.rng.chance(1, 2) {
        case.join = Some(Join::LeftByOther { desc: g.rng.chance(1, 2) });
        // Compared in order: the case's order ends with the key (ties broken the same way).
        if case.order.is_empty() {
            case.order = vec![Item::ID.asc()];
        }
        g.note(C::OrderNullsDefault);
    }
    if case.join.is_some() {
        g.note(C::Join);
    }
}

fn on() -> Expr {
    Item::RANK.eq(Item::ID.of_alias(ALIAS))
}
fn inner(case: &Case) -> Select<(Item, Item)> {
    case.select().inner_join_as::<Item>(ALIAS, on())
}
fn left(case: &Case) -> Select<(Item, Option<Item>)> {
    case.select().left_join_as::<Item>(ALIAS, on())
}
fn left_by_other(case: &Case, desc: bool) -> Select<(Item, Option<Item>)> {
    let key = Item::ID.of_alias(ALIAS);
    let q = case.filtered(Item::select()).left_join_as::<Item>(ALIAS, on()).order_by(if desc { key.desc() } else { key.asc() });
    case.paged(q)
}

/// The statement the case sends (to check a refusal came before any I/O).
pub fn statement(case: &Case, join: Join) -> Statement {
    let mut s = match join {
        Join::Inner => inner(case).as_statement(),
        Join::Left => left(case).as_statement(),
        Join::LeftByOther { desc } => left_by_other(case, desc).as_statement(),
    }
    .expect("statement");
    if let Statement::Select(s) = &mut s {
        s.kind = match case.terminal {
            Terminal::Count => SelectKind::Count,
            Terminal::Exists => SelectKind::Exists,
            _ => SelectKind::Rows,
        };
        if s.kind != SelectKind::Rows {
            s.order_by.clear();
        }
    }
    s
}

async fn rows(case: &Case, join: Join, e: &Engine) -> athanor::Result<Vec<Vec<Cell>>> {
    let nulls = || vec![Cell::Null; Item::COLUMNS.len()];
    Ok(match join {
        Join::Inner => inner(case).all(e).await?.iter().map(|(a, b)| [item_cells(a), item_cells(b)].concat()).collect(),
        Join::Left | Join::LeftByOther { .. } => {
            let q = match join {
                Join::LeftByOther { desc } => left_by_other(case, desc),
                _ => left(case),
            };
            q.all(e).await?.iter().map(|(a, b)| [item_cells(a), b.as_ref().map(item_cells).unwrap_or_else(nulls)].concat()).collect()
        }
    })
}

/// The answer of a joined case; `.count()`/`.exists()` are checked against the joined rows.
pub async fn answer(case: &Case, join: Join, e: &Engine) -> athanor::Result<Outcome> {
    Ok(match case.terminal {
        Terminal::Count => {
            let n = match join {
                Join::Inner => inner(case).count(e).await?,
                Join::Left | Join::LeftByOther { .. } => left(case).count(e).await?,
            };
            let all = rows(case, join, e).await?.len();
            if n as usize != all {
                return Ok(Outcome::Failed(format!("count() = {n} but all() returns {all} joined row(s)")));
            }
            Outcome::Count(n)
        }
        Terminal::Exists => {
            let b = match join {
                Join::Inner => inner(case).exists(e).await?,
                Join::Left | Join::LeftByOther { .. } => left(case).exists(e).await?,
            };
            let all = rows(case, join, e).await?.len();
            if b != (all > 0) {
                return Ok(Outcome::Failed(format!("exists() = {b} but all() returns {all} joined row(s)")));
            }
            Outcome::Exists(b)
        }
        _ => Outcome::Rows(rows(case, join, e).await?),
    })
}
