//! The VALUES part of an INSERT rendered directly, for dialects that skip sea-query on inserts: a
//! bulk insert binds tens of thousands of values, and converting each to a sea-query value and back
//! cost more than the rendering.

use crate::ast::Insert;
use crate::compiled::SqlQuery;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::ops::Range;

/// `quote`d names joined by `, `.
pub fn quoted_list(quote: fn(&str) -> String, names: &[Cow<'static, str>]) -> String {
    names.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

/// `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)` for `rows` of `i`, with their values in order.
/// The dialect appends its conflict and RETURNING clauses.
pub fn insert_values(quote: fn(&str) -> String, i: &Insert, rows: Range<usize>) -> Result<SqlQuery> {
    if i.columns.is_empty() {
        return Err(Error::InvalidQuery("INSERT with no columns".into()));
    }
    let row = format!("({})", vec!["?"; i.columns.len()].join(", "));
    let mut sql = String::with_capacity(64 + i.columns.len() * 16 + (row.len() + 2) * rows.len());
    sql.push_str("INSERT INTO ");
    sql.push_str(&quote(&i.table));
    sql.push_str(" (");
    sql.push_str(&quoted_list(quote, &i.columns));
    sql.push_str(") VALUES ");
    for k in 0..rows.len() {
        if k > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row);
    }
    let mut params = Vec::with_capacity(rows.len() * i.columns.len());
    for r in &i.rows[rows] {
        params.extend(r.iter().cloned());
    }
    Ok(SqlQuery { sql, params })
}
