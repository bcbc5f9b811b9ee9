//! Aggregate queries with one answer everywhere: in a query with GROUP BY, HAVING or an aggregate,
//! every column the select list, HAVING or ORDER BY names outside an aggregate must be grouped.
//! PostgreSQL refuses such a column (42803, unless it depends on a grouped primary key, which the
//! AST cannot tell), MySQL with `ONLY_FULL_GROUP_BY` too, while MariaDB's default mode and SQLite
//! answer with the value of some row of the group. Refused before any I/O on every dialect.

use crate::ast::{Expr, Select};
use crate::error::{Error, Result};

fn has_agg(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |x| found |= matches!(x, Expr::Agg { .. }));
    found
}

fn has_value(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |x| found |= matches!(x, Expr::Value(_)));
    found
}

/// The direct operands of `e` (subqueries are their own scope: not descended into).
fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Binary { left, right, .. } | Expr::Arith { left, right, .. } => vec![left, right],
        Expr::IsNull(x) | Expr::IsNotNull(x) | Expr::Not(x) => vec![x],
        Expr::InList { expr, .. } | Expr::Cast { expr, .. } | Expr::InSubquery { expr, .. } => vec![expr],
        Expr::Between { expr, low, high } => vec![expr, low, high],
        Expr::And(v) | Expr::Or(v) | Expr::Func { args: v, .. } => v.iter().collect(),
        Expr::Case { whens, otherwise, .. } => whens.iter().flat_map(|(c, r)| [c, r]).chain(otherwise.as_deref()).collect(),
        Expr::Column(_)
        | Expr::QualifiedColumn { .. }
        | Expr::Value(_)
        | Expr::Agg { .. }
        | Expr::Exists(_)
        | Expr::Subquery(_)
        | Expr::Excluded(_) => Vec::new(),
    }
}

struct Check<'a> {
    s: &'a Select,
    dialect: &'static str,
}

impl Check<'_> {
    /// A column of `e` outside an aggregate and outside every grouped expression.
    fn ungrouped<'e>(&self, e: &'e Expr) -> Result<Option<&'e Expr>> {
        if let Some(g) = self.s.group_by.iter().find(|g| *g == e) {
            if self.dialect == "postgresql" && has_value(g) {
                // `g * $1` in the select list and `g * $2` in GROUP BY are different expressions there.
                return Err(Error::unsupported(
                    self.dialect,
                    "GROUP BY an expression holding a bound value that the select list, HAVING or ORDER BY repeats \
                     (PostgreSQL tells the two parameters apart)",
                ));
            }
            return Ok(None);
        }
        if matches!(e, Expr::Column(_) | Expr::QualifiedColumn { .. }) {
            return Ok(Some(e));
        }
        for c in children(e) {
            if let Some(x) = self.ungrouped(c)? {
                return Ok(Some(x));
            }
        }
        Ok(None)
    }
}

/// Refuses an aggregate query naming a column that is neither grouped nor aggregated.
pub(super) fn check(s: &Select, dialect: &'static str) -> Result<()> {
    let grouped = !s.group_by.is_empty()
        || s.having.is_some()
        || s.columns.iter().any(|c| has_agg(&c.expr))
        || s.order_by.iter().any(|o| has_agg(&o.expr));
    if !grouped {
        return Ok(());
    }
    let refuse = |what: String| {
        Err(Error::InvalidQuery(format!(
            "{what} is neither grouped nor aggregated: PostgreSQL refuses it, MariaDB and SQLite would answer with \
             some row's value; add it to group_by or aggregate it"
        )))
    };
    if s.columns.is_empty() {
        return refuse("a select of every column (`*`) with GROUP BY or an aggregate: a column".into());
    }
    let check = Check { s, dialect };
    let labels: Vec<&str> = s.columns.iter().filter_map(|c| c.alias.as_deref()).collect();
    let order = s.order_by.iter().map(|o| &o.expr).filter(|e| !matches!(e, Expr::Column(n) if labels.contains(&n.as_ref())));
    for e in s.columns.iter().map(|c| &c.expr).chain(s.having.iter()).chain(order) {
        if let Some(col) = check.ungrouped(e)? {
            return refuse(format!("column {col:?}"));
        }
    }
    Ok(())
}
