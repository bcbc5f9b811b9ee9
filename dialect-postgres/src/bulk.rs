//! Bulk inserts as one array parameter per column:
//! `INSERT INTO "t" ("a", "b") SELECT * FROM unnest($1::int8[], $2::text[])`.
//!
//! Multi-row `VALUES` with one parameter per value is PostgreSQL's slowest bulk path (the server
//! plans thousands of parameters; one statement shape per batch size; 65,535 parameters at most).
//! `unnest` binds as many parameters as there are columns, whatever the batch size: one
//! statement shape, and one statement (all or nothing by construction) up to
//! [`crate::compile::MAX_STATEMENT_BYTES`] of values.
//!
//! Element types come from the values ([`crate::array::elem_type`]): the same types the
//! single-row binds send, so the server applies the same assignment casts as for `VALUES`.
//! A column that is NULL in every row of the batch becomes a `NULL` in the select list
//! (typed by the target column, as in `VALUES`). A column whose values mix kinds with no exact
//! common type has no array type: such an insert keeps the `VALUES` form.

use crate::array::elem_type;
use crate::ddl::quote_ident;
use athanor_core::ast::{Insert, OnConflictAction};
use athanor_core::sql::quoted_list;
use athanor_core::{Error, Result, SqlQuery, Value};
use std::fmt::Write;
use std::ops::Range;

/// The `unnest` INSERT of `rows` of `i`, or `None` when a column has no array type.
pub fn unnest_insert(i: &Insert, rows: Range<usize>) -> Result<Option<SqlQuery>> {
    if i.on_conflict.as_ref().is_some_and(|oc| matches!(oc.action, OnConflictAction::Set(_))) {
        // An upsert assigning expressions (`volume + excluded.volume`) is compiled by core's
        // expression compiler, in the `VALUES` form.
        return Ok(None);
    }
    let n = i.columns.len();
    if n == 0 {
        return Err(Error::InvalidQuery("INSERT with no columns".into()));
    }
    let rows = &i.rows[rows];
    if let Some(r) = rows.iter().find(|r| r.len() != n) {
        return Err(Error::InvalidQuery(format!("an INSERT row has {} values for {n} columns", r.len())));
    }
    let mut params = Vec::with_capacity(n);
    // Per column: the array's cast, or None for an all-NULL column.
    let mut casts = Vec::with_capacity(n);
    for k in 0..n {
        let items: Vec<Value> = rows.iter().map(|r| r[k].clone()).collect();
        match elem_type(&items) {
            Some(t) => {
                casts.push(Some(t.array_sql()));
                params.push(Value::Array(items));
            }
            None if items.iter().all(Value::is_null) => casts.push(None),
            None => return Ok(None),
        }
    }
    if params.is_empty() {
        // Every value NULL: nothing to unnest.
        return Ok(None);
    }
    let mut sql = String::with_capacity(96 + 24 * n);
    let _ = write!(sql, "INSERT INTO {} ({}) SELECT ", quote_ident(&i.table), quoted_list(quote_ident, &i.columns));
    let all_typed = casts.iter().all(Option::is_some);
    if all_typed {
        sql.push('*');
    } else {
        let items: Vec<String> =
            casts.iter().enumerate().map(|(k, c)| if c.is_some() { format!("\"u\".\"c{k}\"") } else { "NULL".into() }).collect();
        sql.push_str(&items.join(", "));
    }
    sql.push_str(" FROM unnest(");
    let mut p = 0;
    for cast in casts.iter().flatten() {
        p += 1;
        let _ = write!(sql, "{}${p}::{cast}", if p > 1 { ", " } else { "" });
    }
    sql.push(')');
    if !all_typed {
        let names: Vec<String> = casts.iter().enumerate().filter(|(_, c)| c.is_some()).map(|(k, _)| format!("\"c{k}\"")).collect();
        let _ = write!(sql, " AS \"u\"({})", names.join(", "));
    }
    conflict_clause(&mut sql, i)?;
    if !i.returning.is_empty() {
        let _ = write!(sql, " RETURNING {}", quoted_list(quote_ident, &i.returning));
    }
    Ok(Some(SqlQuery { sql, params }))
}

/// ` ON CONFLICT (…) DO NOTHING | DO UPDATE SET "c" = "excluded"."c", …`, as core's compiler
/// writes it for `VALUES`.
fn conflict_clause(sql: &mut String, i: &Insert) -> Result<()> {
    let Some(oc) = &i.on_conflict else { return Ok(()) };
    sql.push_str(" ON CONFLICT");
    if !oc.target.is_empty() {
        let _ = write!(sql, " ({})", quoted_list(quote_ident, &oc.target));
    }
    match &oc.action {
        OnConflictAction::DoNothing => sql.push_str(" DO NOTHING"),
        OnConflictAction::Update(cols) if cols.is_empty() => return Err(Error::InvalidQuery("on_conflict_update with no columns".into())),
        OnConflictAction::Update(cols) => {
            let set: Vec<String> = cols.iter().map(|c| format!("{0} = \"excluded\".{0}", quote_ident(c))).collect();
            let _ = write!(sql, " DO UPDATE SET {}", set.join(", "));
        }
        // Left to the `VALUES` form by `unnest_insert`.
        OnConflictAction::Set(_) => return Err(Error::InvalidQuery("an expression upsert reached the unnest form".into())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use athanor_core::ast::OnConflict;

    fn ins(rows: Vec<Vec<Value>>) -> Insert {
        Insert { table: "t".into(), columns: vec!["a".into(), "b".into()], rows, ..Default::default() }
    }

    #[test]
    fn one_array_per_column() {
        let i = ins(vec![vec![Value::I64(1), Value::String("x".into())], vec![Value::I64(2), Value::Null]]);
        let q = unnest_insert(&i, 0..2).unwrap().unwrap();
        assert_eq!(q.sql, r#"INSERT INTO "t" ("a", "b") SELECT * FROM unnest($1::int8[], $2::text[])"#);
        assert_eq!(
            q.params,
            vec![Value::Array(vec![Value::I64(1), Value::I64(2)]), Value::Array(vec![Value::String("x".into()), Value::Null])]
        );
    }

    #[test]
    fn an_all_null_column_is_a_null_in_the_select_list() {
        let i = ins(vec![vec![Value::Null, Value::Bool(true)], vec![Value::Null, Value::Bool(false)]]);
        let q = unnest_insert(&i, 0..2).unwrap().unwrap();
        assert_eq!(q.sql, r#"INSERT INTO "t" ("a", "b") SELECT NULL, "u"."c1" FROM unnest($1::boolean[]) AS "u"("c1")"#);
        assert_eq!(q.params.len(), 1);
        let all_null = ins(vec![vec![Value::Null, Value::Null]; 2]);
        assert_eq!(unnest_insert(&all_null, 0..2).unwrap(), None);
    }

    #[test]
    fn conflict_and_returning() {
        let mut i = ins(vec![vec![Value::I64(1), Value::Decimal(rust_decimal::Decimal::new(1, 8))]; 2]);
        i.on_conflict = Some(OnConflict { target: vec!["a".into()], action: OnConflictAction::Update(vec!["b".into()]) });
        i.returning = vec!["a".into()];
        let q = unnest_insert(&i, 0..2).unwrap().unwrap();
        assert_eq!(
            q.sql,
            r#"INSERT INTO "t" ("a", "b") SELECT * FROM unnest($1::int8[], $2::numeric[]) ON CONFLICT ("a") DO UPDATE SET "b" = "excluded"."b" RETURNING "a""#
        );
        i.on_conflict = Some(OnConflict { target: vec![], action: OnConflictAction::DoNothing });
        i.returning.clear();
        let q = unnest_insert(&i, 0..1).unwrap().unwrap();
        assert_eq!(q.sql, r#"INSERT INTO "t" ("a", "b") SELECT * FROM unnest($1::int8[], $2::numeric[]) ON CONFLICT DO NOTHING"#);
    }

    #[test]
    fn mixed_kinds_keep_values() {
        let i = ins(vec![vec![Value::I64(1), Value::F64(1.5)], vec![Value::I64(2), Value::String("x".into())]]);
        assert_eq!(unnest_insert(&i, 0..2).unwrap(), None);
    }
}
