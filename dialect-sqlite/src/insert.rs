//! INSERT rendered directly (no sea-query round trip, see [`insert_values`]). The SQL is the text
//! sea-query's SQLite backend produces (checked in the tests below).

use crate::backend::CAPABILITIES;
use crate::ddl::quote_ident as quote;
use athanor_core::ast::{Insert, OnConflictAction};
use athanor_core::sql::{conflict_set_sql, insert_values, quoted_list, SqlDialect};
use athanor_core::{Error, Result, SqlQuery};
use std::ops::Range;

/// `INSERT INTO … VALUES …` for `rows` of `i`, with its ON CONFLICT and RETURNING clauses
/// (SQLite supports both, with or without a conflict target).
pub fn render(i: &Insert, rows: Range<usize>) -> Result<SqlQuery> {
    let SqlQuery { mut sql, mut params } = insert_values(quote, i, rows)?;
    if let Some(oc) = &i.on_conflict {
        sql.push_str(" ON CONFLICT ");
        if !oc.target.is_empty() {
            sql.push('(');
            sql.push_str(&quoted_list(quote, &oc.target));
            sql.push(')');
        }
        match &oc.action {
            OnConflictAction::DoNothing => sql.push_str(" DO NOTHING"),
            OnConflictAction::Update(up) if up.is_empty() => {
                return Err(Error::InvalidQuery("on_conflict_update with no columns".into()));
            }
            OnConflictAction::Update(up) => {
                let sets: Vec<String> = up.iter().map(|c| quote(c)).map(|q| format!("{q} = \"excluded\".{q}")).collect();
                sql.push_str(" DO UPDATE SET ");
                sql.push_str(&sets.join(", "));
            }
            OnConflictAction::Set(sets) => {
                let d = SqlDialect { name: "sqlite", caps: &CAPABILITIES, builder: || sea_query::SqliteQueryBuilder };
                let set = conflict_set_sql(&d, &i.table, sets)?;
                sql.push_str(" DO UPDATE SET ");
                sql.push_str(&set.sql);
                params.extend(set.params);
            }
        }
    }
    if !i.returning.is_empty() {
        sql.push_str(" RETURNING ");
        sql.push_str(&quoted_list(quote, &i.returning));
    }
    Ok(SqlQuery { sql, params })
}

#[cfg(test)]
mod tests {
    use super::*;
    use athanor_core::ast::{ArithOp, Expr, OnConflict, Statement};
    use athanor_core::sql::{compile, SqlDialect};
    use athanor_core::Value;
    use athanor_core::ValueKind;

    fn via_sea_query(i: &Insert) -> SqlQuery {
        let d = SqlDialect { name: "sqlite", caps: &CAPABILITIES, builder: || sea_query::SqliteQueryBuilder };
        compile(&d, &Statement::Insert(i.clone())).unwrap().sql().unwrap().clone()
    }

    #[test]
    fn same_sql_and_params_as_sea_query() {
        let base = Insert {
            table: "t\"x".into(),
            columns: vec!["a".into(), "b\"".into(), "c".into()],
            rows: vec![
                vec![Value::I64(1), Value::from("x"), Value::Null],
                vec![Value::U64(2), Value::Bytes(vec![0, 1]), Value::Decimal(rust_decimal::Decimal::new(12345, 3))],
            ],
            on_conflict: None,
            returning: vec![],
        };
        let conflicts = [
            None,
            Some(OnConflict { target: vec![], action: OnConflictAction::DoNothing }),
            Some(OnConflict { target: vec!["a".into()], action: OnConflictAction::DoNothing }),
            Some(OnConflict { target: vec!["a".into(), "b\"".into()], action: OnConflictAction::Update(vec!["c".into()]) }),
            Some(OnConflict { target: vec![], action: OnConflictAction::Update(vec!["a".into(), "b\"".into()]) }),
            Some(OnConflict { target: vec!["a".into()], action: OnConflictAction::Set(vec![("c".into(), c_plus_excluded_c())]) }),
        ];
        for oc in conflicts {
            for returning in [vec![], vec!["a".into(), "c".into()]] {
                let i = Insert { on_conflict: oc.clone(), returning, ..base.clone() };
                assert_eq!(render(&i, 0..2).unwrap(), via_sea_query(&i), "{:?}", i.on_conflict);
                assert_eq!(render(&i, 1..2).unwrap().params, base.rows[1]);
            }
        }
    }

    fn c_plus_excluded_c() -> Expr {
        Expr::Arith {
            op: ArithOp::Add,
            kind: ValueKind::I64,
            left: Box::new(Expr::column("c")),
            right: Box::new(Expr::Excluded("c".into())),
        }
    }

    #[test]
    fn conflict_set_expressions_are_qualified_and_bound_after_the_rows() {
        let i = Insert {
            table: "t".into(),
            columns: vec!["a".into(), "c".into()],
            rows: vec![vec![Value::I64(1), Value::I64(2)]],
            on_conflict: Some(OnConflict {
                target: vec!["a".into()],
                action: OnConflictAction::Set(vec![("c".into(), c_plus_excluded_c()), ("a".into(), Expr::value(9))]),
            }),
            returning: vec![],
        };
        let q = render(&i, 0..1).unwrap();
        assert_eq!(
            q.sql,
            r#"INSERT INTO "t" ("a", "c") VALUES (?, ?) ON CONFLICT ("a") DO UPDATE SET "c" = athanor_add("t"."c", "excluded"."c"), "a" = ?"#
        );
        assert_eq!(q.params, vec![Value::I64(1), Value::I64(2), Value::I64(9)]);
        assert_eq!(q, via_sea_query(&i));
    }

    #[test]
    fn an_empty_update_list_is_refused() {
        let i = Insert {
            table: "t".into(),
            columns: vec!["a".into()],
            rows: vec![vec![Value::I64(1)]],
            on_conflict: Some(OnConflict { target: vec![], action: OnConflictAction::Update(vec![]) }),
            returning: vec![],
        };
        assert!(matches!(render(&i, 0..1), Err(Error::InvalidQuery(_))));
    }
}
