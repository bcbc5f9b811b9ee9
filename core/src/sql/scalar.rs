//! Arithmetic, scalar functions, CASE, CAST, subqueries and `excluded` → sea-query, with one
//! meaning on every SQL dialect (or [`Error::Unsupported`]):
//!
//! - Division by zero is NULL everywhere (`a / NULLIF(b, 0)`; PostgreSQL would raise).
//! - Integer division truncates toward zero everywhere (MySQL's `/` would give a decimal: `DIV`).
//! - Decimal division is refused: the dialects pick different scales for the quotient.
//! - SQLite computes through `athanor_add`/`_sub`/`_mul`/`_div`/`_abs` (registered by the SQLite
//!   dialect): 64-bit integer overflow is an error as on the servers (SQLite would turn it into a
//!   float), and decimals (stored as text) are computed exactly, not as doubles. A Decimal result
//!   carries the numeric collation so it compares by value.
//! - `length` counts characters (`CHAR_LENGTH`), `now()` is the statement's start time in UTC.

use super::expr::ExprCompiler;
use super::iden;
use crate::ast::{ArithOp, CastType, Expr, ScalarFunc};
use crate::error::{Error, Result};
use crate::value::ValueKind;
use sea_query::{ExprTrait, Func};

/// The collation the SQLite dialect registers for Decimal text (numeric order).
const SQLITE_DECIMAL_COLLATION: &str = "athanor_decimal";

/// The error SQLite raises for a scalar subquery of more than one row (PostgreSQL's wording).
const SQLITE_SUBQUERY_ROWS: &str = "more than one row returned by a subquery used as an expression";

type S = sea_query::Expr;

impl ExprCompiler<'_> {
    fn is(&self, name: &str) -> bool {
        self.dialect == name
    }

    /// A custom expression: `?` in `template` marks the operands, in order (`$` on PostgreSQL).
    /// sea-query parenthesizes a custom expression where it is an operand of its operators, not
    /// inside another custom one.
    fn cust(&self, template: &str, args: impl IntoIterator<Item = S>) -> S {
        let t = if self.is("postgresql") { template.replace('?', "$") } else { template.to_owned() };
        S::cust_with_exprs(t, args)
    }

    /// On SQLite a Decimal-valued expression is text: give it the numeric collation so that
    /// comparisons and ORDER BY go by value, as a Decimal column's do.
    fn decimal_collated(&self, kind: ValueKind, e: S) -> S {
        if kind == ValueKind::Decimal && self.is("sqlite") {
            self.cust(&format!("? COLLATE \"{SQLITE_DECIMAL_COLLATION}\""), [e])
        } else {
            e
        }
    }

    /// MySQL: text an expression makes (a CAST to text, a CASE of texts) takes the connection's
    /// collation (`utf8mb4_general_ci`: case-insensitive, PAD SPACE), so `'pos' = 'POS'` would
    /// hold; it gets the binary no-pad collation of Athanor's text columns instead, and compares,
    /// sorts and groups exactly, as on the other dialects.
    fn text_collated(&self, kind: ValueKind, e: S) -> S {
        if kind == ValueKind::String && self.is("mysql") {
            self.cust(&format!("CONVERT(? USING utf8mb4) {}", super::MYSQL_BINARY_TEXT_COLLATION), [e])
        } else {
            e
        }
    }

    /// A subquery, its own table's columns unqualified as for any single-table select (a column
    /// of the outer table stays qualified: a correlated reference).
    fn subquery(&self, q: &crate::ast::Select) -> Result<sea_query::SelectStatement> {
        let stmt = crate::ast::Statement::Select(q.clone());
        let stmt = stmt.without_own_qualifiers();
        let crate::ast::Statement::Select(q) = &*stmt else { unreachable!("a select stays a select") };
        super::select(&ExprCompiler { dialect: self.dialect, caps: self.caps, conflict_table: None }, q)
    }

    pub(super) fn arith(&self, op: ArithOp, kind: ValueKind, left: &Expr, right: &Expr) -> Result<S> {
        if !matches!(kind, ValueKind::I64 | ValueKind::F64 | ValueKind::Decimal) {
            return Err(Error::unsupported(self.dialect, "arithmetic other than on signed integers, f64 and Decimal"));
        }
        if op == ArithOp::Div && kind == ValueKind::Decimal {
            return Err(Error::unsupported(
                self.dialect,
                "Decimal division (the dialects round the quotient to different scales; cast to f64 or multiply instead)",
            ));
        }
        let (l, r) = (self.expr(left)?, self.expr(right)?);
        if self.is("sqlite") {
            let name = match op {
                ArithOp::Add => "athanor_add",
                ArithOp::Sub => "athanor_sub",
                ArithOp::Mul => "athanor_mul",
                ArithOp::Div => "athanor_div",
            };
            return Ok(self.decimal_collated(kind, S::from(Func::cust(name).args([l, r]))));
        }
        // sea-query's own operators: it parenthesizes by precedence.
        Ok(match op {
            ArithOp::Add => l.add(r),
            ArithOp::Sub => l.sub(r),
            ArithOp::Mul => l.mul(r),
            ArithOp::Div if kind == ValueKind::I64 && self.is("mysql") => {
                S::Binary(Box::new(l), sea_query::BinOper::Custom("DIV"), Box::new(S::from(Func::cust("NULLIF").args([r, S::cust("0")]))))
            }
            ArithOp::Div => l.div(S::from(Func::cust("NULLIF").args([r, S::cust("0")]))),
        })
    }

    pub(super) fn func(&self, func: ScalarFunc, kind: ValueKind, args: &[Expr]) -> Result<S> {
        let want = match func {
            ScalarFunc::Now => 0,
            ScalarFunc::Coalesce => args.len().max(1),
            _ => 1,
        };
        if args.len() != want {
            return Err(Error::InvalidQuery(format!("{func:?} takes {want} argument(s), got {}", args.len())));
        }
        let mut a = args.iter().map(|e| self.expr(e)).collect::<Result<Vec<_>>>()?;
        Ok(match func {
            ScalarFunc::Coalesce => self.decimal_collated(kind, S::from(Func::coalesce(a))),
            // SQLite's lower()/upper() are replaced by Unicode ones on every connection.
            ScalarFunc::Lower => S::from(Func::lower(a.remove(0))),
            ScalarFunc::Upper => S::from(Func::upper(a.remove(0))),
            // Characters, not bytes (MySQL's LENGTH counts bytes); SQLite's length() counts
            // the characters of text.
            ScalarFunc::Length if self.is("sqlite") => S::from(Func::cust("LENGTH").arg(a.remove(0))),
            ScalarFunc::Length => S::from(Func::cust("CHAR_LENGTH").arg(a.remove(0))),
            // The statement's start, in UTC, with microseconds, in the form each dialect stores
            // a `DateTime<Utc>` in (SQLite: the text Athanor binds, so comparisons hold).
            ScalarFunc::Now if self.is("sqlite") => S::cust("strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')"),
            ScalarFunc::Now if self.is("mysql") => S::cust("UTC_TIMESTAMP(6)"),
            ScalarFunc::Now => S::cust("statement_timestamp()"),
            ScalarFunc::Abs => {
                if !matches!(kind, ValueKind::I64 | ValueKind::F64 | ValueKind::Decimal) {
                    return Err(Error::unsupported(self.dialect, "ABS other than of signed integers, f64 and Decimal"));
                }
                if self.is("sqlite") {
                    self.decimal_collated(kind, S::from(Func::cust("athanor_abs").arg(a.remove(0))))
                } else {
                    S::from(Func::abs(a.remove(0)))
                }
            }
        })
    }

    pub(super) fn case(&self, kind: ValueKind, whens: &[(Expr, Expr)], otherwise: Option<&Expr>) -> Result<S> {
        let Some(((c0, r0), rest)) = whens.split_first() else {
            return Err(Error::InvalidQuery("CASE with no WHEN".into()));
        };
        let mut case = S::case(self.expr(c0)?, self.expr(r0)?);
        for (c, r) in rest {
            case = case.case(self.expr(c)?, self.expr(r)?);
        }
        if let Some(o) = otherwise {
            case = case.finally(self.expr(o)?);
        }
        let e: S = case.into();
        Ok(self.text_collated(kind, self.decimal_collated(kind, e)))
    }

    /// Only conversions whose result is the same on every dialect compile; see the module docs.
    pub(super) fn cast(&self, expr: &Expr, from: ValueKind, to: CastType) -> Result<S> {
        use CastType as C;
        use ValueKind as K;
        let refuse = || Err(Error::unsupported(self.dialect, format!("CAST from {from:?} to {to:?} (the dialects disagree on it)")));
        let ok = match (from, to) {
            (K::I64, C::BigInt | C::Double | C::Text) => true,
            // Every i64 fits: no dialect clamps (MySQL) or raises (PostgreSQL) on overflow.
            (K::I64, C::Decimal(p, s)) => p <= 65 && s <= 30 && p >= s && p - s >= 19,
            (K::Decimal, C::Double | C::Text) => true,
            (K::DateTime, C::Date) => true,
            _ => false,
        };
        if !ok {
            return refuse();
        }
        let e = self.expr(expr)?;
        let sqlite = self.is("sqlite");
        let mysql = self.is("mysql");
        Ok(match to {
            // Exact text at the scale, as a Decimal column stores it.
            C::Decimal(_, 0) if sqlite => self.decimal_collated(K::Decimal, self.cust("CAST(? AS TEXT)", [e])),
            C::Decimal(_, s) if sqlite => {
                let zeros = "0".repeat(s as usize);
                self.decimal_collated(K::Decimal, self.cust(&format!("(CAST(? AS TEXT) || '.{zeros}')"), [e]))
            }
            C::Date if sqlite => S::from(Func::cust("date").arg(e)),
            _ => {
                let ty = match to {
                    C::Text if mysql => "CHAR".to_owned(),
                    C::Text => "TEXT".to_owned(),
                    C::BigInt if mysql => "SIGNED".to_owned(),
                    C::BigInt if sqlite => "INTEGER".to_owned(),
                    C::BigInt => "BIGINT".to_owned(),
                    C::Decimal(p, s) if mysql => format!("DECIMAL({p}, {s})"),
                    C::Decimal(p, s) => format!("NUMERIC({p}, {s})"),
                    C::Double if sqlite => "REAL".to_owned(),
                    C::Double if mysql => "DOUBLE".to_owned(),
                    C::Double => "DOUBLE PRECISION".to_owned(),
                    C::Date => "DATE".to_owned(),
                    C::Timestamp => return refuse(),
                };
                let cast = self.cust(&format!("CAST(? AS {ty})"), [e]);
                if to == C::Text {
                    self.text_collated(K::String, cast)
                } else {
                    cast
                }
            }
        })
    }

    /// An expression assigned to a column (UPDATE SET, ON CONFLICT SET). A Decimal expression
    /// the builders wrapped in a cast to the column's `DECIMAL(p, s)` (see
    /// `schema_check::fit_assignment`) is rounded to the scale, half away from zero, and refused
    /// when too large, as PostgreSQL and MySQL assign it (SQLite: `athanor_fit_decimal`). That cast
    /// is compiled only here: elsewhere MySQL would clamp a value too large instead of failing.
    pub(super) fn assigned(&self, e: &Expr) -> Result<S> {
        let Expr::Cast { expr, from: ValueKind::Decimal, to: CastType::Decimal(p, s) } = e else {
            return self.expr(e);
        };
        let x = self.expr(expr)?;
        Ok(if self.is("sqlite") {
            S::from(Func::cust("athanor_fit_decimal").args([x, S::cust(p.to_string()), S::cust(s.to_string())]))
        } else if self.is("mysql") {
            self.cust(&format!("CAST(? AS DECIMAL({p}, {s}))"), [x])
        } else {
            self.cust(&format!("CAST(? AS NUMERIC({p}, {s}))"), [x])
        })
    }

    pub(super) fn in_subquery(&self, expr: &Expr, q: &crate::ast::Select, negated: bool) -> Result<S> {
        if self.is("mysql") && (q.limit.is_some() || q.offset.is_some()) {
            return Err(Error::unsupported(self.dialect, "LIMIT inside IN (SELECT …)"));
        }
        let (e, sub) = (self.expr(expr)?, self.subquery(q)?);
        Ok(if negated { e.not_in_subquery(sub) } else { e.in_subquery(sub) })
    }

    pub(super) fn exists(&self, q: &crate::ast::Select) -> Result<S> {
        if self.is("sqlite") && q.limit.is_none() && q.offset.is_none() {
            // SQLite 3.51 loses the outer query's OFFSET (wrong rows) when an EXISTS subquery has
            // no LIMIT; `LIMIT 1` does not change what EXISTS means and avoids it
            // (tests/sqlite_exists_offset.rs).
            let q = crate::ast::Select { limit: Some(1), ..q.clone() };
            return Ok(S::exists(self.subquery(&q)?));
        }
        Ok(S::exists(self.subquery(q)?))
    }

    /// `(SELECT …)` as a value. More than one row is an error on PostgreSQL and MySQL; SQLite
    /// would quietly take the first, so there the value is
    /// `CASE WHEN EXISTS (<the same query from its second row on>) THEN athanor_error(..) ELSE (SELECT …) END`
    /// (`athanor_error` is registered by the SQLite dialect and fails the statement). A query of
    /// at most one row (`LIMIT 0`/`1`, aggregates without GROUP BY) needs no check.
    pub(super) fn scalar_subquery(&self, q: &crate::ast::Select) -> Result<S> {
        let value = S::SubQuery(None, Box::new(self.subquery(q)?.into()));
        let mut aggregate = false;
        q.columns.iter().for_each(|c| c.expr.walk(&mut |e| aggregate |= matches!(e, Expr::Agg { .. })));
        if !self.is("sqlite") || q.limit.is_some_and(|l| l < 2) || (aggregate && q.group_by.is_empty()) {
            return Ok(value);
        }
        let second = crate::ast::Select { limit: Some(1), offset: Some(q.offset.unwrap_or(0).saturating_add(1)), ..q.clone() };
        let more = S::SubQuery(None, Box::new(self.subquery(&second)?.into()));
        Ok(self.cust(&format!("CASE WHEN EXISTS ? THEN athanor_error('{SQLITE_SUBQUERY_ROWS}') ELSE ? END"), [more, value]))
    }

    /// `excluded.col` (PostgreSQL, SQLite) or `VALUES(col)` (MySQL), only inside an ON CONFLICT
    /// update (MySQL's `VALUES(col)` is NULL anywhere else).
    #[allow(clippy::ptr_arg)] // `iden` tells a borrowed 'static name from an owned one
    pub(super) fn excluded(&self, col: &std::borrow::Cow<'static, str>) -> Result<S> {
        if self.conflict_table.is_none() {
            return Err(Error::InvalidQuery("excluded(..) is only meaningful in an ON CONFLICT update".into()));
        }
        Ok(if self.is("mysql") {
            S::from(Func::cust("VALUES").arg(S::col(iden(col))))
        } else {
            S::col((sea_query::Alias::new("excluded"), iden(col)))
        })
    }
}
