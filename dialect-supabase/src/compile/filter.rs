//! WHERE trees → PostgREST filters: `col=op.value` pairs at top level (ANDed), `or=(…)` and
//! `not.and=(…)` logic trees below.

use crate::encode::{filter_name, in_element, tree_value, value_text};
use crate::DIALECT;
use athanor_core::ast::{BinOp, Expr};
use athanor_core::{Error, Result, Value};

/// An expression with constant parts folded (`And([])` is true, `Or([])` is false).
enum Folded {
    True,
    False,
    Expr(Expr),
}

fn fold(e: &Expr) -> Folded {
    match e {
        Expr::And(items) => {
            let mut kept = Vec::new();
            for item in items {
                match fold(item) {
                    Folded::False => return Folded::False,
                    Folded::True => {}
                    Folded::Expr(Expr::And(inner)) => kept.extend(inner),
                    Folded::Expr(x) => kept.push(x),
                }
            }
            match kept.len() {
                0 => Folded::True,
                1 => Folded::Expr(kept.pop().expect("one item")),
                _ => Folded::Expr(Expr::And(kept)),
            }
        }
        Expr::Or(items) => {
            let mut kept = Vec::new();
            for item in items {
                match fold(item) {
                    Folded::True => return Folded::True,
                    Folded::False => {}
                    Folded::Expr(Expr::Or(inner)) => kept.extend(inner),
                    Folded::Expr(x) => kept.push(x),
                }
            }
            match kept.len() {
                0 => Folded::False,
                1 => Folded::Expr(kept.pop().expect("one item")),
                _ => Folded::Expr(Expr::Or(kept)),
            }
        }
        Expr::Not(inner) => match fold(inner) {
            Folded::True => Folded::False,
            Folded::False => Folded::True,
            Folded::Expr(Expr::Not(x)) => Folded::Expr(*x),
            Folded::Expr(x) => Folded::Expr(Expr::Not(Box::new(x))),
        },
        other => Folded::Expr(other.clone()),
    }
}

fn has_null_in(e: &Expr) -> bool {
    match e {
        Expr::InList { list, .. } => list.iter().any(Value::is_null),
        Expr::And(items) | Expr::Or(items) => items.iter().any(has_null_in),
        Expr::Not(inner) => has_null_in(inner),
        _ => false,
    }
}

/// An expression that is TRUE exactly when `e` is `want` (TRUE or FALSE) in SQL's three-valued
/// logic, with no NULL left in any `IN` list: PostgREST has no NULL list element (it reads
/// `null` as the text `'null'`). `x IN (a, NULL)` is TRUE when `x = a` and UNKNOWN otherwise,
/// never FALSE; so it is TRUE exactly when `x IN (a)`, and FALSE never (`x IN ()`, which the
/// server reads as FALSE for every row, NULLs included). `NOT IN (a, NULL)` is therefore never
/// TRUE, as in SQL. Negations are pushed through AND/OR only where such a list is below them.
pub(crate) fn null_in_lists(e: &Expr, want: bool) -> Expr {
    if !has_null_in(e) {
        return if want { e.clone() } else { Expr::Not(Box::new(e.clone())) };
    }
    match e {
        Expr::And(items) | Expr::Or(items) => {
            let parts = items.iter().map(|i| null_in_lists(i, want)).collect();
            // TRUE of AND is AND of TRUE; FALSE of AND is OR of FALSE (and dually for OR).
            if matches!(e, Expr::And(_)) == want {
                Expr::And(parts)
            } else {
                Expr::Or(parts)
            }
        }
        Expr::Not(inner) => null_in_lists(inner, !want),
        Expr::InList { expr, list, negated } => {
            let values: Vec<Value> = list.iter().filter(|v| !v.is_null()).cloned().collect();
            let member = Expr::InList { expr: expr.clone(), list: values, negated: false };
            let never = Expr::InList { expr: expr.clone(), list: Vec::new(), negated: false };
            // IN is TRUE on membership and never FALSE; NOT IN is FALSE on membership, never TRUE.
            if want != *negated {
                member
            } else {
                never
            }
        }
        other => other.clone(),
    }
}

/// One comparison: field, operator and operand.
struct Leaf {
    field: String,
    op: &'static str,
    operand: Operand,
}

enum Operand {
    /// A scalar, verbatim at top level, quoted as needed inside trees.
    Text(String),
    /// A keyword (`null`), never quoted.
    Word(&'static str),
    /// The elements of `in.(…)`, already quoted.
    List(Vec<String>),
}

impl Leaf {
    fn operand(&self, in_tree: bool) -> String {
        match &self.operand {
            Operand::Text(s) if in_tree => tree_value(s),
            Operand::Text(s) => s.clone(),
            Operand::Word(w) => (*w).to_owned(),
            Operand::List(items) => format!("({})", items.join(",")),
        }
    }
}

fn column(e: &Expr) -> Result<&str> {
    match e {
        Expr::Column(c) => Ok(c),
        Expr::Agg { .. } => Err(Error::unsupported(DIALECT, "aggregates in filters (HAVING)")),
        _ => Err(Error::unsupported(DIALECT, "filters on expressions other than a column (compare a column with a value)")),
    }
}

fn flip(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Gt => BinOp::Lt,
        BinOp::Le => BinOp::Ge,
        BinOp::Ge => BinOp::Le,
        BinOp::Eq | BinOp::Ne => op,
        BinOp::Like | BinOp::ILike => return None,
    })
}

fn op_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Eq => "eq",
        BinOp::Ne => "neq",
        BinOp::Lt => "lt",
        BinOp::Le => "lte",
        BinOp::Gt => "gt",
        BinOp::Ge => "gte",
        BinOp::Like => "like",
        BinOp::ILike => "ilike",
    }
}

fn comparison(op: BinOp, left: &Expr, right: &Expr) -> Result<Leaf> {
    let (op, col, value) = match (left, right) {
        (c, Expr::Value(v)) => (op, column(c)?, v),
        (Expr::Value(v), c) => (flip(op).ok_or_else(|| Error::unsupported(DIALECT, "LIKE with the pattern on the left"))?, column(c)?, v),
        _ => return Err(Error::unsupported(DIALECT, "comparing two columns or expressions (PostgREST compares a column with a value)")),
    };
    if value.is_null() {
        return Err(Error::InvalidQuery(format!("`{col}` compared with NULL is never true in SQL; use is_null() / is_not_null()")));
    }
    let text = value_text(value)?;
    if let (BinOp::Like | BinOp::ILike, Value::String(p)) = (op, value) {
        if let Some(why) = athanor_core::query::like_pattern_problem(p) {
            return Err(Error::InvalidQuery(why.into()));
        }
    }
    if matches!(op, BinOp::Like | BinOp::ILike) && text.contains('*') {
        return Err(Error::unsupported(DIALECT, "a literal `*` in a LIKE pattern (PostgREST reads every `*` as the `%` wildcard)"));
    }
    Ok(Leaf { field: filter_name(col), op: op_name(op), operand: Operand::Text(text) })
}

/// `in.(…)` of the distinct values. `()` reads as the empty list (no row matches); a lone
/// empty string is sent twice, since the server reads `("")` as the empty list too.
fn in_list(col: &Expr, list: &[Value]) -> Result<Leaf> {
    let mut seen: Vec<&Value> = Vec::with_capacity(list.len());
    for v in list {
        if v.is_null() {
            return Err(Error::State("a NULL in an IN list reached the encoder; null_in_lists() rewrites it away".into()));
        }
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    let mut items = seen.into_iter().map(in_element).collect::<Result<Vec<_>>>()?;
    if items.len() == 1 && items[0] == "\"\"" {
        items.push(items[0].clone());
    }
    Ok(Leaf { field: filter_name(column(col)?), op: "in", operand: Operand::List(items) })
}

/// A leaf and whether it is negated, or `None` for a logic node (`and`/`or`/`between`).
fn leaf(e: &Expr) -> Result<Option<(Leaf, bool)>> {
    Ok(Some(match e {
        Expr::Binary { op, left, right } => (comparison(*op, left, right)?, false),
        Expr::IsNull(c) => (Leaf { field: filter_name(column(c)?), op: "is", operand: Operand::Word("null") }, false),
        Expr::IsNotNull(c) => (Leaf { field: filter_name(column(c)?), op: "is", operand: Operand::Word("null") }, true),
        Expr::InList { expr, list, negated } => (in_list(expr, list)?, *negated),
        Expr::Not(inner) => match leaf(inner)? {
            Some((l, neg)) => (l, !neg),
            None => return Ok(None),
        },
        Expr::Agg { .. } => return Err(Error::unsupported(DIALECT, "aggregates in filters (HAVING)")),
        Expr::Column(_) | Expr::Value(_) => {
            return Err(Error::unsupported(DIALECT, "a bare column or value as a filter (compare it with a value)"))
        }
        Expr::And(_) | Expr::Or(_) | Expr::Between { .. } => return Ok(None),
        Expr::QualifiedColumn { .. }
        | Expr::Arith { .. }
        | Expr::Func { .. }
        | Expr::Case { .. }
        | Expr::Cast { .. }
        | Expr::InSubquery { .. }
        | Expr::Exists(_)
        | Expr::Subquery(_)
        | Expr::Excluded(_) => {
            return Err(Error::unsupported(DIALECT, "this expression in a filter (PostgREST compares a column with values)"))
        }
    }))
}

fn between_parts(expr: &Expr, low: &Expr, high: &Expr) -> Result<Vec<Leaf>> {
    Ok(vec![comparison(BinOp::Ge, expr, low)?, comparison(BinOp::Le, expr, high)?])
}

/// A node inside a logic tree: `f.op.v`, `f.not.op.v`, `and(…)`, `not.or(…)`.
fn tree_item(e: &Expr) -> Result<String> {
    if let Some((l, neg)) = leaf(e)? {
        let not = if neg { "not." } else { "" };
        return Ok(format!("{}.{not}{}.{}", l.field, l.op, l.operand(true)));
    }
    let (negated, node) = match e {
        Expr::Not(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    let not = if negated { "not." } else { "" };
    let (name, items) = match node {
        Expr::And(items) => ("and", items.iter().map(tree_item).collect::<Result<Vec<_>>>()?),
        Expr::Or(items) => ("or", items.iter().map(tree_item).collect::<Result<Vec<_>>>()?),
        Expr::Between { expr, low, high } => {
            ("and", between_parts(expr, low, high)?.into_iter().map(|l| format!("{}.{}.{}", l.field, l.op, l.operand(true))).collect())
        }
        _ => return Err(Error::unsupported(DIALECT, "this filter expression")),
    };
    Ok(format!("{not}{name}({})", items.join(",")))
}

/// Appends the query pairs for a WHERE expression. A filter that folds to constant false (an
/// empty OR) has no PostgREST form and is refused with [`Error::InvalidQuery`]. NULLs inside
/// `IN` lists are first rewritten away with SQL's three-valued logic ([`null_in_lists`]).
pub fn push_filter(filter: Option<&Expr>, out: &mut Vec<(String, String)>) -> Result<()> {
    let Some(e) = filter else { return Ok(()) };
    let e = null_in_lists(e, true);
    match fold(&e) {
        Folded::True => Ok(()),
        Folded::False => Err(Error::InvalidQuery("the filter is always false (an empty OR); PostgREST has no literal false filter".into())),
        Folded::Expr(e) => top_level(&e, out),
    }
}

fn top_level(e: &Expr, out: &mut Vec<(String, String)>) -> Result<()> {
    if let Some((l, neg)) = leaf(e)? {
        let not = if neg { "not." } else { "" };
        out.push((l.field.clone(), format!("{not}{}.{}", l.op, l.operand(false))));
        return Ok(());
    }
    match e {
        Expr::And(items) => items.iter().try_for_each(|i| top_level(i, out)),
        Expr::Between { expr, low, high } => {
            for l in between_parts(expr, low, high)? {
                out.push((l.field.clone(), format!("{}.{}", l.op, l.operand(false))));
            }
            Ok(())
        }
        Expr::Or(items) => {
            let items = items.iter().map(tree_item).collect::<Result<Vec<_>>>()?;
            out.push(("or".into(), format!("({})", items.join(","))));
            Ok(())
        }
        Expr::Not(inner) => {
            let (key, items) = match inner.as_ref() {
                Expr::And(items) => ("not.and", items.iter().map(tree_item).collect::<Result<Vec<_>>>()?),
                Expr::Or(items) => ("not.or", items.iter().map(tree_item).collect::<Result<Vec<_>>>()?),
                Expr::Between { expr, low, high } => (
                    "not.and",
                    between_parts(expr, low, high)?.into_iter().map(|l| format!("{}.{}.{}", l.field, l.op, l.operand(true))).collect(),
                ),
                _ => return Err(Error::unsupported(DIALECT, "this negated filter expression")),
            };
            out.push((key.into(), format!("({})", items.join(","))));
            Ok(())
        }
        _ => Err(Error::unsupported(DIALECT, "this filter expression")),
    }
}
