//! The query generator: a random [`Case`] (filter, order, limit/offset and how it is run) built
//! only from the public API, from a seeded [`Rng`].

use super::case::{Agg, AggKind, Case, Run, Terminal};
use super::construct::Construct as C;
use super::data::Item;
use super::filter::filter;
use super::ops::Gen;
use super::order::order;
use super::rng::Rng;
use super::typed::TypedQuery;
use athanor::ast::{AggFunc, BinOp, Expr};

fn aggregates(g: &mut Gen, max: usize) -> Vec<Agg> {
    let all: Vec<(Expr, AggKind, Option<C>)> = vec![
        (Expr::Agg { func: AggFunc::Count, arg: None, kind: athanor::ValueKind::Any }, AggKind::Int, None),
        (Item::NAME.count().into(), AggKind::Int, None),
        (Item::PRICE.count().into(), AggKind::Int, None),
        (Item::PRICE.sum().into(), AggKind::Num, Some(C::DecimalSum)),
        (Item::PRICE.min().into(), AggKind::Num, Some(C::DecimalRead)),
        (Item::PRICE.max().into(), AggKind::Num, Some(C::DecimalRead)),
        (Item::PRICE.avg().into(), AggKind::Avg, Some(C::Avg)),
        (Item::SCORE.sum().into(), AggKind::Num, None),
        (Item::SCORE.min().into(), AggKind::Num, None),
        (Item::SCORE.max().into(), AggKind::Num, None),
        (Item::SCORE.avg().into(), AggKind::Avg, Some(C::Avg)),
        (Item::RANK.sum().into(), AggKind::Num, None),
        (Item::RANK.max().into(), AggKind::Num, None),
        (Item::AT.min().into(), AggKind::Time, None),
        (Item::AT.max().into(), AggKind::Time, None),
        (Item::NAME.min().into(), AggKind::Text, Some(C::TextOrder)),
        (Item::NAME.max().into(), AggKind::Text, Some(C::TextOrder)),
    ];
    (0..1 + g.rng.below(max))
        .map(|_| {
            g.avoiding(|g| {
                let (expr, kind, c) = g.rng.pick(&all).clone();
                if let Some(c) = c {
                    g.note(c);
                }
                Agg { expr, kind }
            })
        })
        .collect()
}

/// The case numbered `n` of the run seeded with `seed` (each case has its own stream, so one
/// case replays alone), using none of the constructs in `avoid`.
pub fn case(seed: u64, n: u64, avoid: Vec<C>) -> Case {
    let mut g = Gen { rng: Rng::new(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)), used: Default::default(), avoid };
    let filter = g.rng.chance(6, 7).then(|| filter(&mut g, 3));
    let terminal = match g.rng.below(23) {
        0..=6 => Terminal::All,
        7..=8 => Terminal::First,
        9..=10 => Terminal::One,
        11..=13 => Terminal::Count,
        14..=16 => Terminal::Exists,
        17 => Terminal::Aggregate(aggregates(&mut g, 4)),
        18 => {
            let key = *g.rng.pick(&["rank", "score", "flag"]);
            let grouped = g.rng.chance(1, 2);
            let having = (grouped && g.rng.chance(1, 2)).then(|| {
                let agg = if g.rng.chance(1, 2) {
                    Expr::Agg { func: AggFunc::Count, arg: None, kind: athanor::ValueKind::Any }
                } else {
                    Item::SCORE.sum().into()
                };
                let op = *g.rng.pick(&[BinOp::Gt, BinOp::Lt, BinOp::Ge]);
                Expr::Binary { op, left: Box::new(agg), right: Box::new(Expr::value(g.rng.below(14) as i64)) }
            });
            let run = *g.rng.pick(&[Run::Rows, Run::Count, Run::Exists]);
            Terminal::Keys { key, grouped, having, run }
        }
        19 => {
            let key = *g.rng.pick(&["rank", "score", "flag"]);
            Terminal::GroupBy(key, aggregates(&mut g, 3))
        }
        _ => Terminal::Typed(match g.rng.below(5) {
            0 => TypedQuery::Columns,
            1 => TypedQuery::Scalar,
            2 => TypedQuery::Aggregates,
            3 => TypedQuery::GroupHaving(g.rng.below(4) as i64, g.rng.below(40) as i64),
            _ => TypedQuery::Distinct,
        }),
    };
    let mut case =
        Case { filter, order: Vec::new(), limit: None, offset: None, terminal, used: Default::default(), join: None, lock: false };
    match case.terminal {
        Terminal::Typed(q @ (TypedQuery::Columns | TypedQuery::Scalar)) => {
            g.note(C::Projection);
            g.note(C::DecimalRead);
            case.order = order(&mut g);
            g.note(C::Order);
            if q == TypedQuery::Columns && g.rng.chance(1, 2) {
                g.note(C::LimitOffset);
                case.limit = g.rng.chance(3, 4).then(|| g.rng.below(20) as u64);
                case.offset = g.rng.chance(1, 2).then(|| g.rng.below(70) as u64);
            }
        }
        Terminal::Typed(q) => {
            g.note(C::Projection);
            match q {
                TypedQuery::Aggregates => [C::Aggregate, C::Avg, C::DecimalSum, C::DecimalRead].into_iter().for_each(|c| g.note(c)),
                TypedQuery::GroupHaving(..) => {
                    [C::GroupBy, C::Having, C::DecimalSum, C::Count, C::Exists].into_iter().for_each(|c| g.note(c))
                }
                _ => [C::Distinct, C::Count, C::Exists].into_iter().for_each(|c| g.note(c)),
            }
        }
        Terminal::All | Terminal::First | Terminal::One => {
            if case.terminal != Terminal::All || g.rng.chance(2, 3) {
                case.order = order(&mut g);
            }
            if case.terminal == Terminal::All && !case.order.is_empty() && g.rng.chance(1, 2) {
                g.note(C::LimitOffset);
                case.limit = g.rng.chance(3, 4).then(|| g.rng.below(20) as u64);
                case.offset = g.rng.chance(1, 2).then(|| g.rng.below(70) as u64);
            }
            g.note(match case.terminal {
                Terminal::First => C::First,
                Terminal::One => C::One,
                _ => C::Order,
            });
        }
        Terminal::Count | Terminal::Exists => {
            let count = case.terminal == Terminal::Count;
            g.note(if count { C::Count } else { C::Exists });
            let paged = if count { C::CountLimitOffset } else { C::ExistsLimitOffset };
            if g.rng.chance(1, 3) && !g.avoid.contains(&paged) {
                g.note(paged);
                case.order = order(&mut g);
                case.limit = g.rng.chance(3, 4).then(|| g.rng.below(20) as u64);
                case.offset = g.rng.chance(1, 2).then(|| g.rng.below(70) as u64);
            }
        }
        Terminal::Aggregate(_) => g.note(C::Aggregate),
        Terminal::GroupBy(..) => g.note(C::GroupBy),
        Terminal::Write(_) => {}
        Terminal::Keys { key, grouped, ref having, run } => {
            g.note(if grouped { C::GroupBy } else { C::Distinct });
            if having.is_some() {
                g.note(C::Having);
            }
            if run == Run::Exists && g.avoid.contains(&C::ExistsGrouped) {
                case.terminal = Terminal::Keys { key, grouped, having: having.clone(), run: Run::Count };
                return finish(case, g);
            }
            if run == Run::Exists {
                g.note(C::ExistsGrouped);
            }
            let paged = match run {
                Run::Rows => C::LimitOffset,
                Run::Count => C::CountLimitOffset,
                Run::Exists => C::ExistsLimitOffset,
            };
            g.note(match run {
                Run::Rows => C::Order,
                Run::Count => C::Count,
                Run::Exists => C::Exists,
            });
            if g.rng.chance(1, 2) && !g.avoid.contains(&paged) {
                g.note(paged);
                // Keys sort with NULLs first everywhere (explicitly), then the rows are unique.
                case.order = vec![Expr::column(key).asc().nulls_first()];
                g.note(C::OrderNullsExplicit);
                case.limit = g.rng.chance(3, 4).then(|| g.rng.below(4) as u64);
                case.offset = g.rng.chance(1, 2).then(|| g.rng.below(5) as u64);
            }
        }
    }
    finish(case, g)
}

fn finish(mut case: Case, mut g: Gen) -> Case {
    if matches!(case.terminal, Terminal::All | Terminal::First | Terminal::One) {
        g.note(C::DecimalRead);
    }
    super::join::maybe_join(&mut case, &mut g);
    // A row lock changes no answer: the rows where the dialect has locks, `Unsupported` elsewhere.
    let rows = matches!(case.terminal, Terminal::All | Terminal::First | Terminal::One);
    if rows && case.join.is_none() && !g.avoid.contains(&C::RowLock) && g.rng.below(8) == 0 {
        case.lock = true;
        g.note(C::RowLock);
    }
    super::write::maybe_write(&mut case, &mut g);
    case.used = g.used;
    case
}
