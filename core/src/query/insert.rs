//! INSERT builders: [`Insert`] for Core tables, [`InsertOne`] and [`InsertMany`] for models.

use super::{AsStatement, ColumnName, Operand};
use crate::ast::{Expr, Insert as InsertAst, OnConflict, OnConflictAction, Statement};
use crate::dialect::ExecResult;
use crate::engine::Executor;
use crate::error::{Error, Result};
use crate::model::{Column, Model, RowCache};
use crate::row::{Row, RowAccess};
use crate::schema::Table;
use crate::value::Value;
use std::borrow::Cow;

/// An INSERT of one or many rows with optional conflict handling.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    stmt: InsertAst,
    /// The table's definition, to check values against their columns before they are sent.
    def: Option<Cow<'static, Table>>,
}

impl AsStatement for Insert {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Insert(self.checked(self.stmt.clone())?))
    }
}

/// Adds `col = expr` to the ON CONFLICT update of `oc` (replacing another action, keeping the target).
fn push_set(def: Option<&Table>, oc: &mut Option<OnConflict>, col: &'static str, expr: Expr) {
    let expr = crate::schema_check::fit_assignment(def.and_then(|t| t.get_column(col)), expr);
    let target = match oc.take() {
        Some(OnConflict { target, action: OnConflictAction::Set(mut sets) }) => {
            sets.push((Cow::Borrowed(col), expr));
            *oc = Some(OnConflict { target, action: OnConflictAction::Set(sets) });
            return;
        }
        Some(o) => o.target,
        None => Vec::new(),
    };
    *oc = Some(OnConflict { target, action: OnConflictAction::Set(vec![(Cow::Borrowed(col), expr)]) });
}

/// Checks (and brings to their column's scale) every value of `stmt`; see `Table::check_rows`.
fn check_insert(def: &Table, mut stmt: InsertAst) -> Result<InsertAst> {
    def.check_rows(&stmt.columns, &mut stmt.rows)?;
    Ok(stmt)
}

impl Insert {
    pub(crate) fn for_table(table: &Table) -> Self {
        Insert { stmt: InsertAst { table: table.name.clone(), ..Default::default() }, def: Some(Cow::Owned(table.clone())) }
    }
    fn checked(&self, stmt: InsertAst) -> Result<InsertAst> {
        match &self.def {
            Some(def) => check_insert(def, stmt),
            None => {
                for row in &stmt.rows {
                    for (c, v) in stmt.columns.iter().zip(row) {
                        crate::schema_check::check_float(c, v)?;
                    }
                }
                Ok(stmt)
            }
        }
    }
    /// The AST.
    pub fn ast(&self) -> &InsertAst {
        &self.stmt
    }
    /// The column list.
    pub fn columns<S: Into<Cow<'static, str>>>(mut self, cols: impl IntoIterator<Item = S>) -> Self {
        self.stmt.columns = cols.into_iter().map(Into::into).collect();
        self
    }
    /// Appends a row (values in column order).
    pub fn values<V: Into<Value>>(mut self, row: impl IntoIterator<Item = V>) -> Self {
        self.stmt.rows.push(row.into_iter().map(Into::into).collect());
        self
    }
    /// Names the conflict target columns (PostgREST `on_conflict`, SQL `ON CONFLICT (..)`).
    /// MySQL cannot name a target and refuses a statement that does.
    pub fn on_conflict<C: ColumnName>(mut self, target: impl IntoIterator<Item = C>) -> Self {
        let target: Vec<Cow<'static, str>> = target.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect();
        match &mut self.stmt.on_conflict {
            Some(oc) => oc.target = target,
            None => self.stmt.on_conflict = Some(OnConflict { target, action: OnConflictAction::DoNothing }),
        }
        self
    }
    /// On a duplicate key, overwrite these columns with the new values (upsert).
    pub fn on_conflict_update<C: ColumnName>(mut self, cols: impl IntoIterator<Item = C>) -> Self {
        let cols = cols.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect();
        let target = self.stmt.on_conflict.take().map(|o| o.target).unwrap_or_default();
        self.stmt.on_conflict = Some(OnConflict { target, action: OnConflictAction::Update(cols) });
        self
    }
    /// On a duplicate key, `SET name = expr` (repeat for more columns); in `expr` a plain column
    /// is the existing row's value and [`excluded`](super::excluded) the proposed one.
    pub fn on_conflict_set(mut self, name: &'static str, expr: impl Into<Expr>) -> Self {
        push_set(self.def.as_deref(), &mut self.stmt.on_conflict, name, expr.into());
        self
    }
    /// On a duplicate key, keep the existing row.
    pub fn on_conflict_do_nothing(mut self) -> Self {
        let target = self.stmt.on_conflict.take().map(|o| o.target).unwrap_or_default();
        self.stmt.on_conflict = Some(OnConflict { target, action: OnConflictAction::DoNothing });
        self
    }
    /// Returns these columns of the inserted rows (needs `insert_returning`).
    pub fn returning<S: Into<Cow<'static, str>>>(mut self, cols: impl IntoIterator<Item = S>) -> Self {
        self.stmt.returning = cols.into_iter().map(Into::into).collect();
        self
    }
    /// Runs the insert; returns rows affected and the generated key.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<ExecResult> {
        let stmt = self.checked(self.stmt.clone())?;
        exec.execute(&Statement::Insert(stmt)).await
    }
    /// Runs an insert with `returning(..)` and returns those rows.
    pub async fn fetch_all<'e, E: Executor<'e>>(self, exec: E) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        let mut cache = RowCache::default();
        let stmt = self.checked(self.stmt.clone())?;
        exec.fetch(&Statement::Insert(stmt), &mut |row: &dyn RowAccess| {
            out.push(<Row as crate::model::FromRow>::from_row(row, &mut cache)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }
}

/// Columns to insert for `rows`: every column, minus the auto-increment one when no row sets it.
fn model_columns<M: Model>(rows: &[&M]) -> (Vec<Cow<'static, str>>, Option<usize>) {
    let auto = M::AUTO_INCREMENT.and_then(|a| M::COLUMNS.iter().position(|c| *c == a));
    let skip = auto.filter(|&i| rows.iter().all(|r| is_unset_key(&r.values()[i])));
    let cols = M::COLUMNS.iter().enumerate().filter(|(i, _)| Some(*i) != skip).map(|(_, c)| Cow::Borrowed(*c)).collect();
    (cols, skip)
}

fn is_unset_key(v: &Value) -> bool {
    matches!(v, Value::Null | Value::I64(0) | Value::U64(0))
}

/// The INSERT of `rows`. When no row sets the auto-increment key its column is left out; when
/// some do, the others send NULL for it, which SQLite (`INTEGER PRIMARY KEY`) and MySQL
/// (`AUTO_INCREMENT`, whatever the `sql_mode`) both answer with a generated key, as SQLAlchemy
/// lets the database generate a key left `None`. A literal 0 would be stored as 0 by SQLite.
/// Values the columns cannot store exactly are refused (`check_insert`).
fn model_insert<M: Model>(rows: &[&M]) -> Result<InsertAst> {
    let (columns, skip) = model_columns(rows);
    let auto = M::AUTO_INCREMENT.and_then(|a| M::COLUMNS.iter().position(|c| *c == a));
    let rows = rows
        .iter()
        .map(|r| {
            let mut v = r.values();
            match (skip, auto) {
                (Some(i), _) => {
                    v.remove(i);
                }
                (None, Some(i)) if is_unset_key(&v[i]) => v[i] = Value::Null,
                _ => {}
            }
            v
        })
        .collect();
    check_insert(M::table(), InsertAst { table: Cow::Borrowed(M::TABLE), columns, rows, on_conflict: None, returning: Vec::new() })
}

/// INSERT of one model; `.execute()` returns it with its generated key.
#[derive(Debug, Clone)]
pub struct InsertOne<M> {
    row: M,
    on_conflict: Option<OnConflict>,
}

impl<M: Model + Clone> InsertOne<M> {
    pub(crate) fn new(row: M) -> Self {
        InsertOne { row, on_conflict: None }
    }
    fn ast(&self) -> Result<InsertAst> {
        let mut ast = model_insert(&[&self.row])?;
        ast.on_conflict = self.on_conflict.clone();
        Ok(ast)
    }
    /// On a duplicate key, overwrite these columns (upsert).
    pub fn on_conflict_update<C: ColumnName>(mut self, cols: impl IntoIterator<Item = C>) -> Self {
        self.on_conflict = Some(OnConflict {
            target: Vec::new(),
            action: OnConflictAction::Update(cols.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect()),
        });
        self
    }
    /// On a duplicate key, keep the existing row.
    pub fn on_conflict_do_nothing(mut self) -> Self {
        self.on_conflict = Some(OnConflict { target: Vec::new(), action: OnConflictAction::DoNothing });
        self
    }
    /// Names the conflict target (needed on PostgreSQL when the table has several unique keys
    /// the insert covers; refused by MySQL).
    pub fn on_conflict<C: ColumnName>(mut self, target: impl IntoIterator<Item = C>) -> Self {
        let target = target.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect();
        let action = self.on_conflict.take().map(|o| o.action).unwrap_or(OnConflictAction::DoNothing);
        self.on_conflict = Some(OnConflict { target, action });
        self
    }
    /// On a duplicate key, `SET col = value` (repeat for more columns), typed by the column:
    /// `.on_conflict_set(Candle::VOLUME, Candle::VOLUME + excluded(Candle::VOLUME))`. A plain
    /// column is the existing row's value, [`excluded`](super::excluded) the proposed one.
    pub fn on_conflict_set<T>(mut self, col: Column<M, T>, value: impl Operand<T>) -> Self {
        push_set(Some(M::table()), &mut self.on_conflict, col.name(), value.into_expr());
        self
    }
    /// Inserts and returns the row as stored, with its generated key. With
    /// `on_conflict_do_nothing`, a skipped row is [`Error::NotFound`] on dialects with RETURNING.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<M> {
        let ast = self.ast()?;
        let generated = M::AUTO_INCREMENT.is_some() && ast.columns.len() < M::COLUMNS.len();
        let mut row = self.row;
        if !generated {
            exec.execute(&Statement::Insert(ast)).await?;
            return Ok(row);
        }
        if exec.capabilities().insert_returning {
            let mut ast = ast;
            ast.returning = M::COLUMNS.iter().map(|c| Cow::Borrowed(*c)).collect();
            let mut stored = None;
            let mut cache = RowCache::default();
            exec.fetch(&Statement::Insert(ast), &mut |r: &dyn RowAccess| {
                stored = Some(M::from_row(r, &mut cache)?);
                Ok(())
            })
            .await?;
            // No row back means ON CONFLICT DO NOTHING skipped the insert.
            return stored.ok_or(Error::NotFound);
        }
        let res = exec.execute(&Statement::Insert(ast)).await?;
        let id = res.last_insert_id.ok_or_else(|| Error::State("the server reported no generated key".into()))?;
        row.set_generated_key(Value::U64(id))?;
        Ok(row)
    }
}

impl<M: Model + Clone> AsStatement for InsertOne<M> {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Insert(self.ast()?))
    }
}

/// Bulk INSERT of models. The dialect splits it into statements within the server's limits and
/// runs them all or nothing (see [`crate::engine::Atomic`]).
#[derive(Debug, Clone)]
pub struct InsertMany<M> {
    /// The statement, or why a value cannot be stored (reported when it runs).
    stmt: std::result::Result<InsertAst, (String, String)>,
    _m: std::marker::PhantomData<fn() -> M>,
}

impl<M: Model> InsertMany<M> {
    pub(crate) fn new(rows: &[M]) -> Self {
        let refs: Vec<&M> = rows.iter().collect();
        let stmt = model_insert(&refs).map_err(|e| match e {
            Error::InvalidValue { column, reason } => (column, reason),
            other => (String::new(), other.to_string()),
        });
        InsertMany { stmt, _m: std::marker::PhantomData }
    }
    fn stmt(&self) -> Result<&InsertAst> {
        self.stmt.as_ref().map_err(|(column, reason)| Error::InvalidValue { column: column.clone(), reason: reason.clone() })
    }
    /// Names the conflict target (PostgREST `on_conflict`; refused by MySQL).
    pub fn on_conflict<C: ColumnName>(mut self, target: impl IntoIterator<Item = C>) -> Self {
        let target = target.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect();
        if let Ok(stmt) = &mut self.stmt {
            let action = stmt.on_conflict.take().map(|o| o.action).unwrap_or(OnConflictAction::DoNothing);
            stmt.on_conflict = Some(OnConflict { target, action });
        }
        self
    }
    /// On a duplicate key, overwrite these columns with the new values (upsert).
    pub fn on_conflict_update<C: ColumnName>(mut self, cols: impl IntoIterator<Item = C>) -> Self {
        if let Ok(stmt) = &mut self.stmt {
            let target = stmt.on_conflict.take().map(|o| o.target).unwrap_or_default();
            stmt.on_conflict = Some(OnConflict {
                target,
                action: OnConflictAction::Update(cols.into_iter().map(|c| Cow::Borrowed(c.column_name())).collect()),
            });
        }
        self
    }
    /// On a duplicate key, `SET col = value` (repeat for more columns); see
    /// [`InsertOne::on_conflict_set`].
    pub fn on_conflict_set<T>(mut self, col: Column<M, T>, value: impl Operand<T>) -> Self {
        if let Ok(stmt) = &mut self.stmt {
            push_set(Some(M::table()), &mut stmt.on_conflict, col.name(), value.into_expr());
        }
        self
    }
    /// On a duplicate key, overwrite every non-key column.
    pub fn on_conflict_update_all(self) -> Self {
        self.on_conflict_update(M::non_key_columns())
    }
    /// On a duplicate key, keep the existing row.
    pub fn on_conflict_do_nothing(mut self) -> Self {
        if let Ok(stmt) = &mut self.stmt {
            let target = stmt.on_conflict.take().map(|o| o.target).unwrap_or_default();
            stmt.on_conflict = Some(OnConflict { target, action: OnConflictAction::DoNothing });
        }
        self
    }
    /// Inserts every row; returns the rows affected (MySQL reports found rows: an upserted changed
    /// row counts twice, and a row `on_conflict_do_nothing` skipped once).
    /// A value its column cannot store as given is [`Error::InvalidValue`], before any I/O.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<u64> {
        if self.stmt()?.rows.is_empty() {
            return Ok(0);
        }
        let stmt = self.stmt.unwrap_or_default();
        Ok(exec.execute(&Statement::Insert(stmt)).await?.rows_affected)
    }
}

impl<M: Model> AsStatement for InsertMany<M> {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Insert(self.stmt()?.clone()))
    }
}
