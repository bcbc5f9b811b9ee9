//! Expressions and ORDER BY → sea-query, with the dialect's emulations (ILIKE).

use super::iden;
use super::value::to_sea_value;
use crate::ast::{AggFunc, BinOp, Expr, Nulls, OrderBy};
use crate::dialect::Capabilities;
use crate::error::{Error, Result};
use crate::value::{Value, ValueKind};
use sea_query::{Asterisk, ExprTrait, Func, NullOrdering, Order, SelectStatement};

/// True when an IN list can go as one array parameter (with `Capabilities::array_params`): it
/// has a non-NULL item and all its non-NULL items are of one kind. `c = ANY(array)` and
/// `c <> ALL(array)` give what `c IN (…)` and `c NOT IN (…)` give, NULL items and a NULL `c`
/// included; an empty list keeps its constant (`1 = 2`, `1 = 1`).
pub(super) fn array_list(list: &[Value]) -> bool {
    let mut kind = None;
    for v in list {
        if v.is_null() {
            continue;
        }
        if matches!(v, Value::Array(_)) {
            return false;
        }
        let d = std::mem::discriminant(v);
        if *kind.get_or_insert(d) != d {
            return false;
        }
    }
    kind.is_some()
}

pub(super) struct ExprCompiler<'a> {
    pub dialect: &'static str,
    pub caps: &'a Capabilities,
    /// Inside an ON CONFLICT update of this table: plain columns are the existing row's
    /// (qualified, as PostgreSQL requires) and `excluded` is allowed.
    pub conflict_table: Option<&'a std::borrow::Cow<'static, str>>,
}

impl ExprCompiler<'_> {
    /// The ESCAPE operand naming `\` in this dialect's SQL text, whatever its string-literal mode.
    fn like_escape(&self) -> &'static str {
        if self.dialect == "mysql" {
            "X'5C'"
        } else {
            "'\\'"
        }
    }

    /// `(a LIKE b ESCAPE …)` as a sea-query custom expression: `?` marks the operands, `$` on
    /// PostgreSQL (whose builder numbers its placeholders); `lower` folds both sides.
    fn like_sql(&self, op: &str, lower: bool) -> String {
        let p = if self.dialect == "postgresql" { "$" } else { "?" };
        let (a, b) = if lower { (format!("LOWER({p})"), format!("LOWER({p})")) } else { (p.to_owned(), p.to_owned()) };
        format!("({a} {op} {b} ESCAPE {})", self.like_escape())
    }

    pub fn expr(&self, e: &Expr) -> Result<sea_query::Expr> {
        use sea_query::Expr as S;
        Ok(match e {
            Expr::Column(c) => match self.conflict_table {
                Some(t) => S::col((iden(t), iden(c))),
                None => S::col(iden(c)),
            },
            Expr::QualifiedColumn { table, column } => S::col((iden(table), iden(column))),
            Expr::Value(Value::Array(_)) => return Err(Error::unsupported(self.dialect, "an array value in an expression")),
            Expr::Value(v) if crate::schema_check::unportable(v) => return Err(crate::schema_check::unportable_in_query(v)),
            Expr::Value(v) => S::val(to_sea_value(v)),
            Expr::Binary { .. } if e.null_comparison().is_some() => {
                let (operand, negated) = e.null_comparison().expect("checked");
                let x = self.expr(operand)?;
                if negated {
                    x.is_not_null()
                } else {
                    x.is_null()
                }
            }
            Expr::Binary { op, left, right } => {
                let (l, r) = match op {
                    BinOp::Like | BinOp::ILike => {
                        if let Expr::Value(crate::value::Value::String(p)) = &**right {
                            if let Some(why) = crate::query::like_pattern_problem(p) {
                                return Err(Error::InvalidQuery(why.into()));
                            }
                        }
                        (self.expr(left)?, self.expr(right)?)
                    }
                    _ => (self.compared(left)?, self.compared(right)?),
                };
                match op {
                    BinOp::Eq => l.eq(r),
                    BinOp::Ne => l.ne(r),
                    BinOp::Lt => l.lt(r),
                    BinOp::Le => l.lte(r),
                    BinOp::Gt => l.gt(r),
                    BinOp::Ge => l.gte(r),
                    // One meaning everywhere: `\` escapes the next pattern character. SQLite has no
                    // default escape; MySQL's depends on NO_BACKSLASH_ESCAPES, and so would a
                    // `'\'` literal, hence the hex literal there.
                    BinOp::Like => S::cust_with_exprs(self.like_sql("LIKE", false), [l, r]),
                    // PostgreSQL: native ILIKE.
                    BinOp::ILike if self.caps.ilike => S::cust_with_exprs(self.like_sql("ILIKE", false), [l, r]),
                    // MySQL and SQLite have no ILIKE: the documented emulation is LOWER(a) LIKE LOWER(b)
                    // (SQLite's LOWER is replaced by a Unicode one on every connection).
                    BinOp::ILike => S::cust_with_exprs(self.like_sql("LIKE", true), [l, r]),
                }
            }
            Expr::IsNull(e) => self.expr(e)?.is_null(),
            Expr::IsNotNull(e) => self.expr(e)?.is_not_null(),
            Expr::InList { list, .. } if list.iter().any(crate::schema_check::unportable) => {
                let v = list.iter().find(|v| crate::schema_check::unportable(v)).expect("checked");
                return Err(crate::schema_check::unportable_in_query(v));
            }
            Expr::InList { list, .. } if list.iter().any(|v| matches!(v, Value::Array(_))) => {
                return Err(Error::unsupported(self.dialect, "an array value in an IN list"));
            }
            Expr::InList { expr, list, negated } if self.caps.array_params && array_list(list) => {
                let p = if self.dialect == "postgresql" { "$" } else { "?" };
                let op = if *negated { "<> ALL" } else { "= ANY" };
                let array = S::val(to_sea_value(&Value::Array(list.clone())));
                S::cust_with_exprs(format!("{p} {op}({p})"), [self.expr(expr)?, array])
            }
            Expr::InList { expr, list, negated } => {
                let e = self.expr(expr)?;
                let vals = list.iter().map(|v| S::val(to_sea_value(v)));
                match (list.is_empty(), negated) {
                    // An empty IN is false, an empty NOT IN true, on every dialect.
                    (true, false) => S::val(1).eq(2),
                    (true, true) => S::val(1).eq(1),
                    (false, false) => e.is_in(vals),
                    (false, true) => e.is_not_in(vals),
                }
            }
            Expr::Between { expr, low, high } => self.compared(expr)?.between(self.expr(low)?, self.expr(high)?),
            Expr::And(v) => match v.len() {
                0 => S::val(1).eq(1),
                _ => {
                    let mut it = v.iter();
                    let first = self.expr(it.next().expect("non-empty"))?;
                    it.try_fold(first, |acc, e| Ok::<_, Error>(acc.and(self.expr(e)?)))?
                }
            },
            Expr::Or(v) => match v.len() {
                0 => S::val(1).eq(2),
                _ => {
                    let mut it = v.iter();
                    let first = self.expr(it.next().expect("non-empty"))?;
                    it.try_fold(first, |acc, e| Ok::<_, Error>(acc.or(self.expr(e)?)))?
                }
            },
            Expr::Not(e) => self.expr(e)?.not(),
            Expr::Agg { func, arg, .. } => {
                if !self.caps.group_by {
                    return Err(Error::unsupported(self.dialect, "aggregate functions"));
                }
                let a = match arg {
                    Some(a) => self.expr(a)?,
                    None => S::col(Asterisk),
                };
                S::from(match func {
                    AggFunc::Count => Func::count(a),
                    AggFunc::Sum => Func::sum(a),
                    // MySQL rounds a DECIMAL or integer AVG to `div_precision_increment` (4) more
                    // digits; averaging the values as doubles gives the double the other dialects
                    // give (PostgreSQL's exact AVG, SQLite's double), to rounding.
                    AggFunc::Avg if self.dialect == "mysql" => Func::avg(S::cust_with_exprs("(? + 0E0)", [a])),
                    AggFunc::Avg => Func::avg(a),
                    AggFunc::Min => Func::min(a),
                    AggFunc::Max => Func::max(a),
                    AggFunc::CountDistinct => Func::count_distinct(a),
                })
            }
            Expr::Arith { op, kind, left, right } => self.arith(*op, *kind, left, right)?,
            Expr::Func { func, kind, args } => self.func(*func, *kind, args)?,
            Expr::Case { kind, whens, otherwise } => self.case(*kind, whens, otherwise.as_deref())?,
            Expr::Cast { expr, from, to } => self.cast(expr, *from, *to)?,
            Expr::InSubquery { expr, query, negated } => self.in_subquery(expr, query, *negated)?,
            Expr::Exists(q) => self.exists(q)?,
            Expr::Subquery(q) => self.scalar_subquery(q)?,
            Expr::Excluded(c) => self.excluded(c)?,
        })
    }

    /// `e` as an operand of a comparison or a sort key. SQLite: the result of SUM, MIN or MAX
    /// carries no collation, so a Decimal's exact text would compare and sort as text
    /// (`'99.99' > '100'`); it is compared by the Decimal columns' collation instead (numbers by
    /// value, other text by bytes, numbers first). Integers and floats are unaffected. MIN/MAX
    /// of a typed non-Decimal argument (text, times) keep SQLite's text order: the collation would
    /// compare `'10'` and `'9'` as numbers, where the other dialects compare text.
    fn compared(&self, e: &Expr) -> Result<sea_query::Expr> {
        let x = self.expr(e)?;
        let decimal = match e {
            Expr::Agg { func: AggFunc::Sum, .. } => true,
            Expr::Agg { func: AggFunc::Min | AggFunc::Max, kind, .. } => matches!(kind, ValueKind::Decimal | ValueKind::Any),
            _ => false,
        };
        if self.dialect == "sqlite" && decimal {
            // The dialect-sqlite crate registers this collation (`DECIMAL_COLLATION`) on every connection.
            return Ok(sea_query::Expr::cust_with_exprs("? COLLATE \"athanor_decimal\"", [x]));
        }
        Ok(x)
    }

    pub fn order(&self, q: &mut SelectStatement, o: &OrderBy) -> Result<()> {
        let e = self.compared(&o.expr)?;
        let order = if o.desc { Order::Desc } else { Order::Asc };
        // A placement the dialect gives anyway is left out: the plain ORDER BY can use an index
        // (MySQL would otherwise sort by `c IS NULL` first).
        let native = if self.caps.nulls_sort_low == o.desc { Nulls::Last } else { Nulls::First };
        match o.nulls.filter(|n| *n != native) {
            None => q.order_by_expr(e, order),
            Some(Nulls::First) => q.order_by_expr_with_nulls(e, order, NullOrdering::First),
            Some(Nulls::Last) => q.order_by_expr_with_nulls(e, order, NullOrdering::Last),
        };
        Ok(())
    }
}
