//! INSERT rendered directly (no sea-query round trip, see [`insert_values`]). The SQL is the same
//! text sea-query's MySQL backend produces (checked in the tests below).

use crate::ddl::quote_ident;
use crate::error::DIALECT;
use athanor_core::ast::{Insert, OnConflictAction};
use athanor_core::sql::{conflict_set_sql, insert_values, quoted_list, SqlDialect};
use athanor_core::{Capabilities, Error, Result, SqlQuery};
use std::ops::Range;

/// `INSERT INTO … VALUES …` for `rows` of `i`, with its ON DUPLICATE KEY and RETURNING clauses.
pub fn render(caps: &Capabilities, i: &Insert, rows: Range<usize>) -> Result<SqlQuery> {
    if !i.returning.is_empty() && !caps.insert_returning {
        return Err(Error::unsupported(DIALECT, "INSERT … RETURNING"));
    }
    let SqlQuery { mut sql, mut params } = insert_values(quote_ident, i, rows)?;
    if let Some(oc) = &i.on_conflict {
        if !oc.target.is_empty() && !caps.on_conflict_target {
            return Err(Error::unsupported(
                DIALECT,
                "an ON CONFLICT target (ON DUPLICATE KEY UPDATE applies to every unique key; leave the target empty)",
            ));
        }
        sql.push_str(" ON DUPLICATE KEY UPDATE ");
        match &oc.action {
            OnConflictAction::DoNothing => {
                let first = quote_ident(&i.columns[0]);
                sql.push_str(&format!("{first} = {first}"));
            }
            OnConflictAction::Update(up) if up.is_empty() => {
                return Err(Error::InvalidQuery("on_conflict_update with no columns".into()));
            }
            OnConflictAction::Update(up) => {
                let sets: Vec<String> = up.iter().map(|c| quote_ident(c)).map(|q| format!("{q} = VALUES({q})")).collect();
                sql.push_str(&sets.join(", "));
            }
            OnConflictAction::Set(sets) => {
                let d = SqlDialect { name: DIALECT, caps, builder: || sea_query::MysqlQueryBuilder };
                let set = conflict_set_sql(&d, &i.table, sets)?;
                sql.push_str(&set.sql);
                params.extend(set.params);
            }
        }
    }
    if !i.returning.is_empty() {
        sql.push_str(" RETURNING ");
        sql.push_str(&quoted_list(quote_ident, &i.returning));
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

    fn via_sea_query(caps: &Capabilities, i: &Insert) -> Result<SqlQuery> {
        let d = SqlDialect { name: DIALECT, caps, builder: || sea_query::MysqlQueryBuilder };
        Ok(compile(&d, &Statement::Insert(i.clone()))?.sql().unwrap().clone())
    }

    #[test]
    fn same_sql_and_params_as_sea_query() {
        let caps = crate::compile::capabilities(false);
        let base = Insert {
            table: "t`x".into(),
            columns: vec!["a".into(), "b`".into(), "c".into()],
            rows: vec![
                vec![Value::I64(1), Value::from("x"), Value::Null],
                vec![Value::U64(2), Value::Bytes(vec![0, 1]), Value::Decimal(rust_decimal::Decimal::new(12345, 3))],
            ],
            on_conflict: None,
            returning: vec![],
        };
        let actions = [
            None,
            Some(OnConflictAction::DoNothing),
            Some(OnConflictAction::Update(vec!["c".into()])),
            Some(OnConflictAction::Update(vec!["a".into(), "b`".into()])),
            Some(OnConflictAction::Set(vec![(
                "c".into(),
                Expr::Arith {
                    op: ArithOp::Add,
                    kind: ValueKind::I64,
                    left: Box::new(Expr::column("c")),
                    right: Box::new(Expr::Excluded("c".into())),
                },
            )])),
        ];
        for action in actions {
            let i = Insert { on_conflict: action.map(|action| OnConflict { target: vec![], action }), ..base.clone() };
            let ours = render(&caps, &i, 0..2).unwrap();
            assert_eq!(ours, via_sea_query(&caps, &i).unwrap(), "{:?}", i.on_conflict);
            let one = render(&caps, &i, 1..2).unwrap();
            assert_eq!(one.params, base.rows[1]);
        }
    }

    #[test]
    fn refusals_match_core() {
        let caps = crate::compile::capabilities(false);
        let i = Insert { table: "t".into(), columns: vec!["a".into()], rows: vec![vec![Value::I64(1)]], ..Default::default() };
        let target =
            Insert { on_conflict: Some(OnConflict { target: vec!["a".into()], action: OnConflictAction::DoNothing }), ..i.clone() };
        assert_eq!(render(&caps, &target, 0..1).unwrap_err().to_string(), via_sea_query(&caps, &target).unwrap_err().to_string());
        let ret = Insert { returning: vec!["a".into()], ..i.clone() };
        assert_eq!(render(&caps, &ret, 0..1).unwrap_err().to_string(), via_sea_query(&caps, &ret).unwrap_err().to_string());
        let empty = Insert { on_conflict: Some(OnConflict { target: vec![], action: OnConflictAction::Update(vec![]) }), ..i };
        assert!(matches!(render(&caps, &empty, 0..1), Err(Error::InvalidQuery(_))));
    }
}
