//! SELECT → `GET /{table}?select=…` (rows) or `HEAD` (count, exists).

use super::filter::push_filter;
use super::select_list::{check_grouping, items, select_list};
use crate::encode::list_name;
use crate::request::RequestParts;
use crate::DIALECT;
use athanor_core::ast::{Expr, Nulls, Select, SelectKind};
use athanor_core::{Error, Result};

fn order_list(stmt: &Select) -> Result<Option<String>> {
    if stmt.order_by.is_empty() {
        return Ok(None);
    }
    let mut terms = Vec::with_capacity(stmt.order_by.len());
    for o in &stmt.order_by {
        let Expr::Column(c) = &o.expr else {
            return Err(Error::unsupported(DIALECT, "ORDER BY an expression (only columns)"));
        };
        let dir = if o.desc { "desc" } else { "asc" };
        let nulls = match o.nulls {
            Some(Nulls::First) => ".nullsfirst",
            Some(Nulls::Last) => ".nullslast",
            None => "",
        };
        terms.push(format!("{}.{dir}{nulls}", list_name(c)));
    }
    Ok(Some(terms.join(",")))
}

/// Compiles a SELECT. Count is `HEAD` with `Prefer: count=exact` and no LIMIT/OFFSET (the
/// backend applies them to the total, which avoids the server's 416 past the end); exists is
/// `HEAD … limit=1`, answered by the range in `Content-Range`.
pub fn compile_select(stmt: &Select) -> Result<RequestParts> {
    // Named first: a joined select's list holds the other table's columns, which would
    // otherwise be refused as "expressions" without saying why.
    if !stmt.joins.is_empty() {
        return Err(Error::unsupported(DIALECT, "JOIN (PostgREST embeds related tables through foreign keys instead)"));
    }
    if stmt.lock.is_some() {
        return Err(Error::unsupported(DIALECT, "row locks (FOR UPDATE/FOR SHARE): PostgREST has no transaction across requests"));
    }
    let list_items = items(stmt)?;
    check_grouping(stmt, &list_items)?;
    let grouped = list_items.iter().any(|i| i.aggregate);
    if grouped && stmt.kind != SelectKind::Rows {
        return Err(Error::unsupported(DIALECT, "count() or exists() of an aggregate query"));
    }
    if stmt.distinct {
        return Err(Error::unsupported(DIALECT, "SELECT DISTINCT"));
    }
    let list = select_list(stmt)?;
    let mut req = RequestParts::new(if stmt.kind == SelectKind::Rows { "GET" } else { "HEAD" }, stmt.table.to_string());
    match stmt.kind {
        SelectKind::Rows => req.param("select", list),
        SelectKind::Count | SelectKind::Exists => req.param("select", "*"),
    }
    push_filter(stmt.filter.as_ref(), &mut req.query)?;
    match stmt.kind {
        SelectKind::Rows => {
            if let Some(order) = order_list(stmt)? {
                req.param("order", order);
            }
            if let Some(offset) = stmt.offset {
                req.param("offset", offset.to_string());
            }
            if let Some(limit) = stmt.limit {
                req.param("limit", limit.to_string());
            }
        }
        SelectKind::Count => req.prefer.push("count=exact"),
        SelectKind::Exists => {
            if let Some(offset) = stmt.offset {
                req.param("offset", offset.to_string());
            }
            req.param("limit", stmt.limit.unwrap_or(1).min(1).to_string());
        }
    }
    Ok(req)
}
