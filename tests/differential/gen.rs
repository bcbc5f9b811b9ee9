//! The query generator: a random case (filter, order, limit/offset and how it is run) built
//! only from the public API, from a seeded [`Rng`].

use super::construct::Construct as C;
use super::data::{at, price, Item, NAMES, NEAR_NAMES, PRICES};
use super::ops::{self, Gen, Kind, Op, CMP_OPS, NULL_OPS, TEXT_OPS};
use super::rng::Rng;
use super::typed::TypedQuery;
use athanor::ast::{AggFunc, BinOp, Expr, OrderBy};
use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;
use athanor::Value;

/// How a case's query is run.
#[derive(Debug, Clone, PartialEq)]
pub enum Terminal {
    /// `.all()`.
    All,
    /// `.first()`.
    First,
    /// `.one()`.
    One,
    /// `.count()`.
    Count,
    /// `.exists()`.
    Exists,
    /// `select(&table).columns(aggregates)`, one row.
    Aggregate(Vec<Agg>),
    /// `select(&table).columns([key, aggregates…]).group_by([key])`.
    GroupBy(&'static str, Vec<Agg>),
    /// `select(&table).columns([key])` made distinct or grouped (with HAVING), then run as rows,
    /// `.count()` or `.exists()`.
    Keys { key: &'static str, grouped: bool, having: Option<Expr>, run: Run },
    /// A typed projection or aggregate through the model API (see [`super::typed`]).
    Typed(TypedQuery),
    /// UPDATE/DELETE … RETURNING (see [`super::write`]).
    Write(super::write::Write),
}

/// How a [`Terminal::Keys`] query is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Rows,
    Count,
    Exists,
}

/// How an aggregate's result is read and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    /// An integer (COUNT).
    Int,
    /// A Decimal, compared by value and scale.
    Num,
    /// A Decimal compared to within 0.0001 or 1e-12 relative (AVG).
    Avg,
    /// Text.
    Text,
    /// A datetime.
    Time,
}

/// One aggregate of the select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Agg {
    pub expr: Expr,
    pub kind: AggKind,
}

/// One generated query.
#[derive(Debug, Clone)]
pub struct Case {
    pub filter: Option<Expr>,
    pub order: Vec<OrderBy>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub terminal: Terminal,
    pub used: std::collections::BTreeSet<C>,
    /// Joined to itself (`super::join`).
    pub join: Option<super::join::Join>,
    /// `FOR UPDATE` (row terminals only).
    pub lock: bool,
}

impl Case {
    /// The model query (every terminal but the aggregates runs it).
    pub fn select(&self) -> athanor::query::Select<Item> {
        let mut q = Item::select();
        if let Some(f) = &self.filter {
            q = q.filter(f.clone());
        }
        for o in &self.order {
            q = q.order_by(o.clone());
        }
        if let Some(n) = self.limit {
            q = q.limit(n);
        }
        if let Some(n) = self.offset {
            q = q.offset(n);
        }
        if self.lock {
            q = q.for_update();
        }
        q
    }
    /// The untyped query for the aggregate terminals.
    pub fn row_select(&self) -> athanor::query::Select<Row> {
        let mut q = athanor::select(Item::table());
        match &self.terminal {
            Terminal::Aggregate(aggs) => q = q.columns(aggs.iter().map(|a| a.expr.clone())),
            Terminal::GroupBy(key, aggs) => {
                let list = std::iter::once(Expr::column(*key)).chain(aggs.iter().map(|a| a.expr.clone()));
                q = q.columns(list).group_by([Expr::column(*key)]);
            }
            Terminal::Keys { key, grouped, having, .. } => {
                q = q.columns([Expr::column(*key)]);
                q = if *grouped { q.group_by([Expr::column(*key)]) } else { q.distinct() };
                if let Some(h) = having {
                    q = q.having(h.clone());
                }
            }
            _ => {}
        }
        if let Some(f) = &self.filter {
            q = q.filter(f.clone());
        }
        for o in &self.order {
            q = q.order_by(o.clone());
        }
        if let Some(n) = self.limit {
            q = q.limit(n);
        }
        if let Some(n) = self.offset {
            q = q.offset(n);
        }
        q
    }
    /// Whether row order is part of the answer (else rows are compared sorted).
    pub fn ordered(&self) -> bool {
        !self.order.is_empty()
            && matches!(
                self.terminal,
                Terminal::All
                    | Terminal::First
                    | Terminal::One
                    | Terminal::Keys { run: Run::Rows, .. }
                    | Terminal::Typed(TypedQuery::Columns | TypedQuery::Scalar)
            )
    }
}

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

const NULLABLE: &[&str] = &["name", "price", "rank", "flag", "at"];

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
fn filter(g: &mut Gen, depth: usize) -> Expr {
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

/// ORDER BY terms, always ending with the key so ties are broken the same way everywhere.
fn order(g: &mut Gen) -> Vec<OrderBy> {
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
