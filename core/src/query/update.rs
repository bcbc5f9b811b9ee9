//! [`Update`]: UPDATE with typed assignments. A filter (or `.all_rows()`) is required.

use super::{AsStatement, Operand};
use crate::ast::{Expr, Statement, Update as UpdateAst};
use crate::engine::Executor;
use crate::error::Result;
use crate::model::Column;
use crate::value::{SqlType, Value};
use std::borrow::Cow;
use std::marker::PhantomData;

/// An UPDATE of table `M`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update<M> {
    stmt: UpdateAst,
    _m: PhantomData<fn() -> M>,
}

impl<M> AsStatement for Update<M> {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Update(self.stmt.clone()))
    }
}

impl<M> Update<M> {
    pub(crate) fn new(table: impl Into<Cow<'static, str>>) -> Self {
        Update { stmt: UpdateAst { table: table.into(), ..Default::default() }, _m: PhantomData }
    }
    /// The AST.
    pub fn ast(&self) -> &UpdateAst {
        &self.stmt
    }
    /// `SET col = value`, typed by the column.
    pub fn set<T: SqlType>(mut self, col: Column<M, T>, value: impl Operand<T>) -> Self {
        self.stmt.set.push((Cow::Borrowed(col.name()), Expr::Value(value.into_value())));
        self
    }
    /// `SET name = value`, untyped (Core tables).
    pub fn set_value(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.stmt.set.push((name.into(), Expr::Value(value.into())));
        self
    }
    /// Adds a WHERE condition (ANDed with earlier ones).
    pub fn filter(mut self, cond: Expr) -> Self {
        self.stmt.filter = Some(Expr::and_onto(self.stmt.filter.take(), cond));
        self
    }
    /// Allows an UPDATE of every row.
    pub fn all_rows(mut self) -> Self {
        self.stmt.all_rows = true;
        self
    }
    /// Runs it; returns the rows affected.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<u64> {
        Ok(exec.execute(&Statement::Update(self.stmt)).await?.rows_affected)
    }
}
