//! [`Col`]: an untyped column handle for Core tables and raw expressions.

use crate::ast::{AggFunc, BinOp, Expr, OrderBy};
use crate::value::Value;
use std::borrow::Cow;

/// A column by name, comparing with any value: `col("symbol").eq("BTC")`; qualified with its
/// table (or alias) by [`Col::of`] for joins: `Col::of("orders", "id")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Col {
    table: Option<Cow<'static, str>>,
    name: Cow<'static, str>,
}

/// A column by name.
pub fn col(name: impl Into<Cow<'static, str>>) -> Col {
    Col::new(name)
}

impl Col {
    /// A column by name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Col {
        Col { table: None, name: name.into() }
    }
    /// The column `name` of `table` (a table name or a join alias): `"table"."name"` in SQL.
    pub fn of(table: impl Into<Cow<'static, str>>, name: impl Into<Cow<'static, str>>) -> Col {
        Col { table: Some(table.into()), name: name.into() }
    }
    /// The column as an expression.
    pub fn expr(&self) -> Expr {
        match &self.table {
            None => Expr::Column(self.name.clone()),
            Some(t) => Expr::QualifiedColumn { table: t.clone(), column: self.name.clone() },
        }
    }
    fn cmp(&self, op: BinOp, v: impl Into<Value>) -> Expr {
        self.expr().binary(op, Expr::Value(v.into()))
    }
    /// `col = v`.
    pub fn eq(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Eq, v)
    }
    /// `col <> v`.
    pub fn ne(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Ne, v)
    }
    /// `col < v`.
    pub fn lt(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Lt, v)
    }
    /// `col <= v`.
    pub fn le(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Le, v)
    }
    /// `col > v`.
    pub fn gt(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Gt, v)
    }
    /// `col >= v`.
    pub fn ge(&self, v: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Ge, v)
    }
    /// `col LIKE pattern`: case-sensitive; `%` is any run of characters, `_` one character, and
    /// `\` makes the next character literal, on every dialect.
    pub fn like(&self, pattern: impl Into<Value>) -> Expr {
        self.cmp(BinOp::Like, pattern)
    }
    /// Case-insensitive LIKE (Unicode case folding), with `like`'s wildcards and escape.
    pub fn ilike(&self, pattern: impl Into<Value>) -> Expr {
        self.cmp(BinOp::ILike, pattern)
    }
    /// The text contains `s` (taken literally: `%`, `_` and `\` are escaped).
    pub fn contains(&self, s: &str) -> Expr {
        self.like(format!("%{}%", escape_like(s)))
    }
    /// The text starts with `s` (taken literally).
    pub fn starts_with(&self, s: &str) -> Expr {
        self.like(format!("{}%", escape_like(s)))
    }
    /// The text ends with `s` (taken literally).
    pub fn ends_with(&self, s: &str) -> Expr {
        self.like(format!("%{}", escape_like(s)))
    }
    /// Case-insensitive [`Col::contains`].
    pub fn icontains(&self, s: &str) -> Expr {
        self.ilike(format!("%{}%", escape_like(s)))
    }
    /// Case-insensitive [`Col::starts_with`].
    pub fn istarts_with(&self, s: &str) -> Expr {
        self.ilike(format!("{}%", escape_like(s)))
    }
    /// Case-insensitive [`Col::ends_with`].
    pub fn iends_with(&self, s: &str) -> Expr {
        self.ilike(format!("%{}", escape_like(s)))
    }
    /// `col IS NULL`.
    pub fn is_null(&self) -> Expr {
        Expr::IsNull(Box::new(self.expr()))
    }
    /// `col IS NOT NULL`.
    pub fn is_not_null(&self) -> Expr {
        Expr::IsNotNull(Box::new(self.expr()))
    }
    /// `col IN (…)`; an empty list matches nothing.
    pub fn in_list<V: Into<Value>>(&self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::InList { expr: Box::new(self.expr()), list: values.into_iter().map(Into::into).collect(), negated: false }
    }
    /// `col NOT IN (…)`; an empty list matches everything.
    pub fn not_in_list<V: Into<Value>>(&self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::InList { expr: Box::new(self.expr()), list: values.into_iter().map(Into::into).collect(), negated: true }
    }
    /// `col BETWEEN low AND high`.
    pub fn between(&self, low: impl Into<Value>, high: impl Into<Value>) -> Expr {
        Expr::Between { expr: Box::new(self.expr()), low: Box::new(Expr::Value(low.into())), high: Box::new(Expr::Value(high.into())) }
    }
    fn agg(&self, func: AggFunc) -> Expr {
        Expr::Agg { func, arg: Some(Box::new(self.expr())), kind: crate::value::ValueKind::Any }
    }
    /// `COUNT(col)`.
    pub fn count(&self) -> Expr {
        self.agg(AggFunc::Count)
    }
    /// `SUM(col)`.
    pub fn sum(&self) -> Expr {
        self.agg(AggFunc::Sum)
    }
    /// `AVG(col)`.
    pub fn avg(&self) -> Expr {
        self.agg(AggFunc::Avg)
    }
    /// `MIN(col)`.
    pub fn min(&self) -> Expr {
        self.agg(AggFunc::Min)
    }
    /// `MAX(col)`.
    pub fn max(&self) -> Expr {
        self.agg(AggFunc::Max)
    }
    /// Ascending order.
    pub fn asc(&self) -> OrderBy {
        self.expr().asc()
    }
    /// Descending order.
    pub fn desc(&self) -> OrderBy {
        self.expr().desc()
    }
}

/// `s` as a LIKE pattern that matches exactly `s`: `\`, `%` and `_` get a `\` before them
/// (`\` is the escape character of every dialect's LIKE, see [`Col::like`]).
///
/// ```
/// assert_eq!(athanor_core::query::escape_like(r"5%_a\b"), r"5\%\_a\\b");
/// ```
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Why `pattern` cannot be a LIKE pattern, if it cannot: it ends in an unpaired `\` (the escape
/// character with nothing to escape), which PostgreSQL refuses (SQLSTATE 22025) and SQLite and
/// MySQL read differently, so every dialect refuses it before any I/O.
///
/// ```
/// use athanor_core::query::like_pattern_problem;
/// assert!(like_pattern_problem(r"50\%").is_none());
/// assert!(like_pattern_problem(r"ends\\").is_none());
/// assert!(like_pattern_problem(r"ends\").is_some());
/// ```
pub fn like_pattern_problem(pattern: &str) -> Option<&'static str> {
    let trailing = pattern.bytes().rev().take_while(|b| *b == b'\\').count();
    (trailing % 2 == 1)
        .then_some("a LIKE pattern ends with the escape character `\\` and nothing to escape; write `\\\\` for a literal backslash, or use escape_like()/contains()")
}

impl From<Col> for Expr {
    fn from(c: Col) -> Expr {
        c.expr()
    }
}
impl From<Col> for OrderBy {
    fn from(c: Col) -> OrderBy {
        c.asc()
    }
}
