//! INSERT / UPDATE / DELETE → `POST` / `PATCH` / `DELETE` with a JSON body and filters.
//!
//! Every write asks for `Prefer: count=exact` so `execute()` can report the rows affected from
//! `Content-Range`; a `returning` list adds `select=` and `Prefer: return=representation`.

use super::filter::push_filter;
use crate::encode::{list_name, value_json};
use crate::request::RequestParts;
use crate::DIALECT;
use athanor_core::ast::{Delete, Expr, Insert, OnConflictAction, Update};
use athanor_core::{Error, Result};
use std::borrow::Cow;

fn returning(req: &mut RequestParts, cols: &[Cow<'static, str>]) {
    if !cols.is_empty() {
        req.param("select", cols.iter().map(|c| list_name(c)).collect::<Vec<_>>().join(","));
        req.prefer.push("return=representation");
    }
}

/// Compiles an INSERT: one row is a JSON object, several are an array with `columns=`.
/// ON CONFLICT becomes `Prefer: resolution=…` and `on_conflict=`. Without a named target,
/// ignore-duplicates resolves on the primary key (the server's default), and an update list
/// implies the target: the inserted columns it leaves out.
pub fn compile_insert(stmt: &Insert) -> Result<RequestParts> {
    let mut req = RequestParts::new("POST", stmt.table.to_string());
    if let Some(oc) = &stmt.on_conflict {
        let mut target: Vec<&str> = oc.target.iter().map(|c| c.as_ref()).collect();
        match &oc.action {
            OnConflictAction::DoNothing => req.prefer.push("resolution=ignore-duplicates"),
            OnConflictAction::Set(_) => {
                return Err(Error::unsupported(
                    DIALECT,
                    "ON CONFLICT with expressions (PostgREST can only overwrite columns with the sent values)",
                ));
            }
            OnConflictAction::Update(cols) => {
                // merge-duplicates overwrites every column sent. The columns sent but not listed
                // for update must therefore be the conflict key (equal on conflict).
                let left: Vec<&str> =
                    stmt.columns.iter().map(|c| c.as_ref()).filter(|c| !target.contains(c) && !cols.iter().any(|u| u == c)).collect();
                if !target.is_empty() && !left.is_empty() {
                    return Err(Error::unsupported(
                        DIALECT,
                        format!("ON CONFLICT updating only some columns: PostgREST's merge-duplicates would also overwrite {left:?}; add them to the update list"),
                    ));
                }
                if target.is_empty() {
                    // No target named: the columns left out of the update list are taken as the
                    // conflict key. If they are not a unique key the server refuses (42P10)
                    // rather than silently overwriting them.
                    target = left;
                }
                req.prefer.push("resolution=merge-duplicates");
            }
        }
        if !target.is_empty() {
            req.param("on_conflict", target.iter().map(|c| list_name(c)).collect::<Vec<_>>().join(","));
        }
    }
    let object = |row: &Vec<athanor_core::Value>| -> serde_json::Value {
        let map = stmt.columns.iter().zip(row).map(|(c, v)| (c.to_string(), value_json(v))).collect::<serde_json::Map<_, _>>();
        serde_json::Value::Object(map)
    };
    req.body = Some(if stmt.rows.len() == 1 {
        object(&stmt.rows[0])
    } else {
        req.param("columns", stmt.columns.iter().map(|c| crate::encode::quote(c)).collect::<Vec<_>>().join(","));
        serde_json::Value::Array(stmt.rows.iter().map(object).collect())
    });
    req.prefer.push("count=exact");
    returning(&mut req, &stmt.returning);
    Ok(req)
}

/// Compiles an UPDATE: `PATCH` with the assignments as a JSON object.
pub fn compile_update(stmt: &Update) -> Result<RequestParts> {
    let mut req = RequestParts::new("PATCH", stmt.table.to_string());
    let mut body = serde_json::Map::new();
    for (col, e) in &stmt.set {
        let Expr::Value(v) = e else {
            return Err(Error::unsupported(DIALECT, "UPDATE … SET to an expression (only values)"));
        };
        body.insert(col.to_string(), value_json(v));
    }
    push_filter(stmt.filter.as_ref(), &mut req.query)?;
    req.body = Some(serde_json::Value::Object(body));
    req.prefer.push("count=exact");
    returning(&mut req, &stmt.returning);
    Ok(req)
}

/// Compiles a DELETE with its filters.
pub fn compile_delete(stmt: &Delete) -> Result<RequestParts> {
    let mut req = RequestParts::new("DELETE", stmt.table.to_string());
    push_filter(stmt.filter.as_ref(), &mut req.query)?;
    req.prefer.push("count=exact");
    returning(&mut req, &stmt.returning);
    Ok(req)
}
