//! Table-qualified columns in single-table statements: typed model columns name their table
//! ([`Expr::QualifiedColumn`]) so joins can tell `orders.id` from `fills.id`; a statement on one
//! table alone says the same thing unqualified (`"id"`), which is how it is compiled.

use super::expr::Expr;
use super::statement::{OnConflictAction, Statement};
use std::borrow::Cow;

impl Expr {
    /// Visits every expression in the tree mutably, depth first, children before the node;
    /// subqueries are statements of their own and are not entered.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Expr::Binary { left, right, .. } | Expr::Arith { left, right, .. } => {
                left.walk_mut(f);
                right.walk_mut(f);
            }
            Expr::IsNull(e) | Expr::IsNotNull(e) | Expr::Not(e) => e.walk_mut(f),
            Expr::InList { expr, .. } | Expr::Cast { expr, .. } | Expr::InSubquery { expr, .. } => expr.walk_mut(f),
            Expr::Between { expr, low, high } => {
                expr.walk_mut(f);
                low.walk_mut(f);
                high.walk_mut(f);
            }
            Expr::And(v) | Expr::Or(v) | Expr::Func { args: v, .. } => v.iter_mut().for_each(|e| e.walk_mut(f)),
            Expr::Agg { arg: Some(a), .. } => a.walk_mut(f),
            Expr::Case { whens, otherwise, .. } => {
                for (c, r) in whens {
                    c.walk_mut(f);
                    r.walk_mut(f);
                }
                if let Some(o) = otherwise {
                    o.walk_mut(f);
                }
            }
            Expr::Column(_)
            | Expr::Value(_)
            | Expr::Agg { arg: None, .. }
            | Expr::QualifiedColumn { .. }
            | Expr::Exists(_)
            | Expr::Subquery(_)
            | Expr::Excluded(_) => {}
        }
        f(self);
    }

    /// `table.c` → `c` for every column of `table` (outside subqueries).
    pub fn unqualify(&mut self, table: &str) {
        self.walk_mut(&mut |e| {
            if let Expr::QualifiedColumn { table: t, column } = e {
                if t == table {
                    *e = Expr::Column(std::mem::take(column));
                }
            }
        });
    }

    fn names_table(&self, table: &str) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::QualifiedColumn { table: t, .. } if t == table));
        found
    }
}

impl Statement {
    /// The statement with its own table's qualifiers dropped from its columns, when it works on
    /// one table (a SELECT without joins, UPDATE, DELETE, INSERT … ON CONFLICT): the same
    /// meaning, in the SQL a single-table statement is written in. Borrowed when nothing changes.
    pub fn without_own_qualifiers(&self) -> Cow<'_, Statement> {
        let mut exprs: Vec<&Expr> = Vec::new();
        let table = match self {
            Statement::Select(s) if s.joins.is_empty() => {
                exprs.extend(s.columns.iter().map(|i| &i.expr));
                exprs.extend(s.filter.iter().chain(&s.group_by).chain(&s.having).chain(s.order_by.iter().map(|o| &o.expr)));
                &s.table
            }
            Statement::Update(u) => {
                exprs.extend(u.set.iter().map(|(_, e)| e).chain(&u.filter));
                &u.table
            }
            Statement::Delete(d) => {
                exprs.extend(&d.filter);
                &d.table
            }
            Statement::Insert(i) => {
                if let Some(OnConflictAction::Set(set)) = i.on_conflict.as_ref().map(|c| &c.action) {
                    exprs.extend(set.iter().map(|(_, e)| e));
                }
                &i.table
            }
            _ => return Cow::Borrowed(self),
        };
        if !exprs.iter().any(|e| e.names_table(table)) {
            return Cow::Borrowed(self);
        }
        let table = table.to_string();
        let mut out = self.clone();
        let mut fix = |e: &mut Expr| e.unqualify(&table);
        match &mut out {
            Statement::Select(s) => {
                s.columns.iter_mut().for_each(|i| fix(&mut i.expr));
                s.filter.iter_mut().chain(&mut s.group_by).chain(&mut s.having).for_each(&mut fix);
                s.order_by.iter_mut().for_each(|o| fix(&mut o.expr));
            }
            Statement::Update(u) => u.set.iter_mut().map(|(_, e)| e).chain(&mut u.filter).for_each(&mut fix),
            Statement::Delete(d) => d.filter.iter_mut().for_each(&mut fix),
            Statement::Insert(i) => {
                if let Some(OnConflictAction::Set(set)) = i.on_conflict.as_mut().map(|c| &mut c.action) {
                    set.iter_mut().for_each(|(_, e)| fix(e));
                }
            }
            _ => {}
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{Join, JoinKind, Select};

    fn q(t: &'static str, c: &'static str) -> Expr {
        Expr::QualifiedColumn { table: t.into(), column: c.into() }
    }

    #[test]
    fn own_table_qualifiers_drop_only_in_single_table_statements() {
        let filter = q("orders", "id")
            .and(q("other", "id").not())
            .and(Expr::Exists(Box::new(Select { filter: Some(q("orders", "x")), ..Default::default() })));
        let s = Statement::Select(Select { table: "orders".into(), filter: Some(filter), ..Default::default() });
        let Statement::Select(out) = s.without_own_qualifiers().into_owned() else { unreachable!() };
        let Some(Expr::And(parts)) = out.filter else { panic!() };
        assert_eq!(parts[0], Expr::column("id"));
        assert_eq!(parts[1], q("other", "id").not());
        // A subquery keeps its own scope.
        assert!(matches!(&parts[2], Expr::Exists(sub) if sub.filter == Some(q("orders", "x"))));

        let joined = Statement::Select(Select {
            table: "orders".into(),
            filter: Some(q("orders", "id")),
            joins: vec![Join { kind: JoinKind::Inner, table: "fills".into(), alias: None, on: q("fills", "order_id") }],
            ..Default::default()
        });
        assert!(matches!(joined.without_own_qualifiers(), Cow::Borrowed(_)));
        let plain = Statement::Select(Select { table: "orders".into(), filter: Some(Expr::column("id")), ..Default::default() });
        assert!(matches!(plain.without_own_qualifiers(), Cow::Borrowed(_)));
    }
}
