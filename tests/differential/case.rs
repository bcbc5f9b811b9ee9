//! A generated case: its parts (filter, order, limit/offset, terminal, join, lock), and the
//! queries it builds from them through the public API.

use super::construct::Construct as C;
use super::data::Item;
use super::typed::TypedQuery;
use athanor::ast::{Expr, OrderBy};
use athanor::prelude::*;
use athanor::query::Select;

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
    pub fn select(&self) -> Select<Item> {
        let mut q = self.paged(self.filtered(Item::select()));
        if self.lock {
            q = q.for_update();
        }
        q
    }
    /// The untyped query for the aggregate terminals.
    pub fn row_select(&self) -> Select<Row> {
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
        self.paged(self.filtered(q))
    }
    /// `q` with the case's WHERE.
    pub fn filtered<M: FromRow>(&self, q: Select<M>) -> Select<M> {
        match &self.filter {
            Some(f) => q.filter(f.clone()),
            None => q,
        }
    }
    /// `q` with the case's ORDER BY terms appended, then its LIMIT and OFFSET.
    pub fn paged<M: FromRow>(&self, mut q: Select<M>) -> Select<M> {
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
