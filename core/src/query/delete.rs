//! [`Delete`]: DELETE. A filter (or `.all_rows()`) is required.

use super::{AsStatement, Returning};
use crate::ast::{Delete as DeleteAst, Statement};
use crate::engine::Executor;
use crate::error::Result;
use crate::model::Model;
use std::borrow::Cow;
use std::marker::PhantomData;

/// A DELETE from table `M`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete<M> {
    stmt: DeleteAst,
    _m: PhantomData<fn() -> M>,
}

impl<M> AsStatement for Delete<M> {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Delete(self.stmt.clone()))
    }
}

super::write_clauses::write_clauses!(Delete, delete, "DELETE", "a DELETE", "deleted");

impl<M> Delete<M> {
    pub(crate) fn new(table: impl Into<Cow<'static, str>>) -> Self {
        Delete { stmt: DeleteAst { table: table.into(), ..Default::default() }, _m: PhantomData }
    }
    /// The AST.
    pub fn ast(&self) -> &DeleteAst {
        &self.stmt
    }
    /// Runs it; returns the rows affected.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<u64> {
        Ok(exec.execute(&Statement::Delete(self.stmt)).await?.rows_affected)
    }
}

impl<M: Model> Delete<M> {
    /// `DELETE … RETURNING` every column of the model: `.all(exec)` returns the deleted rows as
    /// models (SQLite, PostgreSQL, Supabase, MariaDB ≥ 10.5;
    /// [`Error::Unsupported`](crate::Error::Unsupported) on MySQL before the statement is sent).
    pub fn returning(self) -> Returning<M> {
        self.returning_columns(M::COLUMNS.iter().copied())
    }
}
