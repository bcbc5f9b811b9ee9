//! Expressions: columns, bound values, comparisons, boolean logic, aggregates and ordering.

use super::statement::Select;
use crate::value::{Value, ValueKind};
use std::borrow::Cow;

/// A binary comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE`
    Like,
    /// Case-insensitive `LIKE` (emulated where the dialect lacks it).
    ILike,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggFunc {
    /// `COUNT(expr)` or `COUNT(*)`.
    Count,
    /// `SUM`
    Sum,
    /// `AVG`
    Avg,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `COUNT(DISTINCT expr)`.
    CountDistinct,
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A scalar SQL function with one meaning on every dialect that compiles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarFunc {
    /// `COALESCE(a, b, …)`: the first non-NULL argument.
    Coalesce,
    /// `LOWER(text)`.
    Lower,
    /// `UPPER(text)`.
    Upper,
    /// The length of a text in characters.
    Length,
    /// The current timestamp (no arguments).
    Now,
    /// `ABS(number)`.
    Abs,
}

/// The target type of a [`Expr::Cast`], named portably (each dialect spells it its own way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CastType {
    /// Text.
    Text,
    /// A 64-bit integer.
    BigInt,
    /// `DECIMAL(precision, scale)`.
    Decimal(u8, u8),
    /// A double-precision float.
    Double,
    /// A date.
    Date,
    /// A timestamp without time zone.
    Timestamp,
}

/// An expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column of the statement's table.
    Column(Cow<'static, str>),
    /// A bound value.
    Value(Value),
    /// `left op right`.
    Binary { op: BinOp, left: Box<Expr>, right: Box<Expr> },
    /// `expr IS NULL`.
    IsNull(Box<Expr>),
    /// `expr IS NOT NULL`.
    IsNotNull(Box<Expr>),
    /// `expr [NOT] IN (v1, v2, …)`.
    InList { expr: Box<Expr>, list: Vec<Value>, negated: bool },
    /// `expr BETWEEN low AND high`.
    Between { expr: Box<Expr>, low: Box<Expr>, high: Box<Expr> },
    /// All must hold (an empty list is true).
    And(Vec<Expr>),
    /// Any must hold (an empty list is false).
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// An aggregate; `None` argument means `COUNT(*)`. `kind` is the argument's kind where the
    /// builder knows it (typed columns), [`ValueKind::Any`] otherwise: SQLite needs it to compare
    /// MIN/MAX of a Decimal by value but MIN/MAX of text as text.
    Agg { func: AggFunc, arg: Option<Box<Expr>>, kind: ValueKind },
    /// `table.column`: a column of a named table or alias (joins, correlated subqueries).
    QualifiedColumn { table: Cow<'static, str>, column: Cow<'static, str> },
    /// `left op right` (arithmetic) on operands of `kind` (`I64` for every signed integer,
    /// `F64`, `Decimal`; anything else is refused), which is also the result's kind: the
    /// dialects need it to give one meaning (MySQL's integer `DIV`, SQLite's exact decimals).
    Arith { op: ArithOp, kind: ValueKind, left: Box<Expr>, right: Box<Expr> },
    /// A scalar function call yielding `kind` ([`ValueKind::Any`] when unknown).
    Func { func: ScalarFunc, kind: ValueKind, args: Vec<Expr> },
    /// `CASE WHEN c1 THEN r1 … ELSE otherwise END` (no ELSE: NULL), yielding `kind`
    /// ([`ValueKind::Any`] when unknown).
    Case { kind: ValueKind, whens: Vec<(Expr, Expr)>, otherwise: Option<Box<Expr>> },
    /// `CAST(expr AS type)` from a value of kind `from`: only conversions with one meaning on
    /// every dialect compile (see the README's Expressions part).
    Cast { expr: Box<Expr>, from: ValueKind, to: CastType },
    /// `expr [NOT] IN (SELECT …)`.
    InSubquery { expr: Box<Expr>, query: Box<Select>, negated: bool },
    /// `EXISTS (SELECT …)`.
    Exists(Box<Select>),
    /// `(SELECT …)` used as a value (one row, one column).
    Subquery(Box<Select>),
    /// The value the INSERT proposed for this column, inside an ON CONFLICT update
    /// (PostgreSQL/SQLite `excluded.col`, MySQL `VALUES(col)`).
    Excluded(Cow<'static, str>),
}

impl Expr {
    /// A column reference.
    pub fn column(name: impl Into<Cow<'static, str>>) -> Self {
        Expr::Column(name.into())
    }
    /// A bound value.
    pub fn value(v: impl Into<Value>) -> Self {
        Expr::Value(v.into())
    }
    /// `self op right`; `= NULL` and `<> NULL` become `IS NULL` and `IS NOT NULL`, as
    /// SQLAlchemy turns `col == None` into `col IS NULL` (see [`Expr::null_comparison`]).
    pub(crate) fn binary(self, op: BinOp, right: Expr) -> Self {
        match (op, right) {
            (BinOp::Eq, Expr::Value(Value::Null)) => Expr::IsNull(Box::new(self)),
            (BinOp::Ne, Expr::Value(Value::Null)) => Expr::IsNotNull(Box::new(self)),
            (op, right) => Expr::Binary { op, left: Box::new(self), right: Box::new(right) },
        }
    }

    /// For `x = NULL` or `x <> NULL` (NULL on either side): `Some((x, negated))`, which every
    /// dialect compiles as `x IS NULL` / `x IS NOT NULL`, so a hand-built AST means the same as
    /// the builders' `eq(None)`. Other comparisons with NULL (`<`, `LIKE`, …) keep SQL's meaning
    /// (they match nothing) and give `None`.
    pub fn null_comparison(&self) -> Option<(&Expr, bool)> {
        match self {
            Expr::Binary { op: op @ (BinOp::Eq | BinOp::Ne), left, right } => {
                let operand = match (&**left, &**right) {
                    (Expr::Value(Value::Null), other) | (other, Expr::Value(Value::Null)) => other,
                    _ => return None,
                };
                Some((operand, *op == BinOp::Ne))
            }
            _ => None,
        }
    }
    /// `self AND other`, flattening nested ANDs.
    pub fn and(self, other: Expr) -> Expr {
        match (self, other) {
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                Expr::And(a)
            }
            (Expr::And(mut a), e) => {
                a.push(e);
                Expr::And(a)
            }
            (e, Expr::And(mut b)) => {
                b.insert(0, e);
                Expr::And(b)
            }
            (a, b) => Expr::And(vec![a, b]),
        }
    }
    /// `existing AND cond`, or just `cond` when there is nothing yet (how filters accumulate).
    pub fn and_onto(existing: Option<Expr>, cond: Expr) -> Expr {
        match existing {
            Some(e) => e.and(cond),
            None => cond,
        }
    }

    /// `self OR other`, flattening nested ORs.
    pub fn or(self, other: Expr) -> Expr {
        match (self, other) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                Expr::Or(a)
            }
            (Expr::Or(mut a), e) => {
                a.push(e);
                Expr::Or(a)
            }
            (a, b) => Expr::Or(vec![a, b]),
        }
    }
    /// `NOT self`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
    /// Ascending order on this expression.
    pub fn asc(self) -> OrderBy {
        OrderBy { expr: self, desc: false, nulls: None }
    }
    /// Descending order on this expression.
    pub fn desc(self) -> OrderBy {
        OrderBy { expr: self, desc: true, nulls: None }
    }
    /// Visits every expression in the tree, depth first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::IsNull(e) | Expr::IsNotNull(e) | Expr::Not(e) => e.walk(f),
            Expr::InList { expr, .. } => expr.walk(f),
            Expr::Between { expr, low, high } => {
                expr.walk(f);
                low.walk(f);
                high.walk(f);
            }
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.walk(f)),
            Expr::Agg { arg: Some(a), .. } => a.walk(f),
            Expr::Arith { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::Func { args, .. } => args.iter().for_each(|e| e.walk(f)),
            Expr::Case { whens, otherwise, .. } => {
                for (c, r) in whens {
                    c.walk(f);
                    r.walk(f);
                }
                if let Some(o) = otherwise {
                    o.walk(f);
                }
            }
            Expr::Cast { expr, .. } | Expr::InSubquery { expr, .. } => expr.walk(f),
            // Subqueries are statements of their own: `walk` stays within this one.
            _ => {}
        }
    }
}

impl std::ops::Not for Expr {
    type Output = Expr;
    fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
}

/// Where NULLs sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nulls {
    /// NULLs before other values.
    First,
    /// NULLs after other values.
    Last,
}

/// One `ORDER BY` term.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    /// What to sort by.
    pub expr: Expr,
    /// Descending.
    pub desc: bool,
    /// Explicit NULL placement.
    pub nulls: Option<Nulls>,
}

impl OrderBy {
    /// NULLs first.
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(Nulls::First);
        self
    }
    /// NULLs last.
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(Nulls::Last);
        self
    }
}
