//! Writes of one model instance by its primary key: [`Model::save`], [`Model::update_columns`],
//! [`Model::delete_instance`] and [`Model::refresh`] call these.
//!
//! Each is one statement. "No row has this key" is [`Error::NotFound`], read from the rows the
//! statement matched: SQLite, PostgreSQL and PostgREST (`count=exact`) count matched rows, and
//! MySQL/MariaDB does too because sqlx-mysql always connects with `CLIENT_FOUND_ROWS` (without it
//! the server counts only *changed* rows, and saving an unchanged instance would look like a
//! missing row; `tests/model_suite/instance.rs` saves an unchanged instance on every dialect).

use super::{Col, Delete, Update};
use crate::ast::Expr;
use crate::engine::Executor;
use crate::error::{Error, Result};
use crate::model::Model;
use std::borrow::Cow;

/// `pk1 = v1 AND pk2 = v2 …` for `m`'s key; [`Error::InvalidQuery`] when `M` has no primary key.
fn key_filter<M: Model>(m: &M, what: &str) -> Result<Expr> {
    if M::PRIMARY_KEY.is_empty() {
        return Err(Error::InvalidQuery(format!("{what} on `{}`, which has no primary key to find its row by", M::TABLE)));
    }
    let filter = M::PRIMARY_KEY.iter().zip(m.primary_key_values()).map(|(c, v)| Col::new(*c).eq(v)).reduce(Expr::and);
    Ok(filter.expect("a non-empty key"))
}

/// Checks `names` are columns of `M` outside its key, in `M::COLUMNS` order of first mention.
pub(crate) fn columns_to_write<M: Model>(names: Vec<&'static str>) -> Result<Vec<&'static str>> {
    if names.is_empty() {
        return Err(Error::InvalidQuery(format!("update_columns on `{}` with no columns", M::TABLE)));
    }
    let mut out: Vec<&'static str> = Vec::with_capacity(names.len());
    for name in names {
        if !M::COLUMNS.contains(&name) {
            return Err(Error::InvalidQuery(format!("`{name}` is not a column of `{}`", M::TABLE)));
        }
        if M::PRIMARY_KEY.contains(&name) {
            return Err(Error::InvalidQuery(format!(
                "`{name}` is part of `{}`'s primary key, which finds the row; it cannot be updated by key",
                M::TABLE
            )));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// `UPDATE <table> SET <cols> = <m's values> WHERE <key> = <m's key>`; [`Error::NotFound`] when
/// no row has the key. With no column to set (every column is in the key) it checks the row exists.
pub(crate) async fn write_columns<'e, M: Model, E: Executor<'e>>(m: &M, exec: E, cols: &[&'static str], what: &str) -> Result<()> {
    let filter = key_filter(m, what)?;
    if cols.is_empty() {
        return match M::select().filter(filter).exists(exec).await? {
            true => Ok(()),
            false => Err(Error::NotFound),
        };
    }
    let values = m.values();
    let mut update = Update::<M>::for_table(Cow::Borrowed(M::table()));
    for name in cols {
        let i = M::COLUMNS.iter().position(|c| c == name).expect("checked to be a column");
        update = update.set_value(*name, values[i].clone());
    }
    match update.filter(filter).execute(exec).await? {
        0 => Err(Error::NotFound),
        _ => Ok(()),
    }
}

/// Every column outside the key (and the auto-increment column).
pub(crate) async fn save<'e, M: Model, E: Executor<'e>>(m: &M, exec: E) -> Result<()> {
    write_columns(m, exec, &M::non_key_columns(), "save").await
}

/// `DELETE FROM <table> WHERE <key> = <m's key>`; [`Error::NotFound`] when no row has the key.
pub(crate) async fn delete<'e, M: Model, E: Executor<'e>>(m: &M, exec: E) -> Result<()> {
    let filter = key_filter(m, "delete_instance")?;
    match Delete::<M>::new(M::TABLE).filter(filter).execute(exec).await? {
        0 => Err(Error::NotFound),
        _ => Ok(()),
    }
}

/// Reloads every field of `m` from its row; [`Error::NotFound`] when no row has the key.
pub(crate) async fn refresh<'e, M: Model, E: Executor<'e>>(m: &mut M, exec: E) -> Result<()> {
    let filter = key_filter(m, "refresh")?;
    *m = M::select().filter(filter).one(exec).await?;
    Ok(())
}
