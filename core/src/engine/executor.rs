//! [`Executor`]: what a query runs on.

use super::{Connection, Engine, Transaction};
use crate::ast::Statement;
use crate::dialect::{Capabilities, ExecResult, RowSink};
use crate::error::{Error, Result};
use crate::row::Row;
use async_trait::async_trait;
use futures_core::stream::BoxStream;

/// Something that runs statements: `&Engine` (any pooled connection), `&mut Connection`, or
/// `&mut Transaction`.
#[async_trait]
pub trait Executor<'e>: Send + Sized {
    /// What the dialect can express.
    fn capabilities(&self) -> Capabilities;
    /// Runs a statement that returns no rows.
    async fn execute(self, stmt: &Statement) -> Result<ExecResult>;
    /// Runs a query, handing each row to `sink`.
    async fn fetch(self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()>;
    /// Streams rows as they arrive.
    fn stream(self, stmt: Statement) -> BoxStream<'e, Result<Row>>;
}

/// Checks every dialect applies before compiling: no UPDATE or DELETE without a filter unless
/// `.all_rows()` was asked for.
pub fn check_statement(stmt: &Statement) -> Result<()> {
    match stmt {
        Statement::Update(u) if u.filter.is_none() && !u.all_rows => Err(Error::MissingFilter { statement: "UPDATE" }),
        Statement::Delete(d) if d.filter.is_none() && !d.all_rows => Err(Error::MissingFilter { statement: "DELETE" }),
        Statement::Insert(i) if i.rows.is_empty() => Err(Error::InvalidQuery("INSERT with no rows".into())),
        Statement::Insert(i) if i.rows.iter().any(|r| r.len() != i.columns.len()) => {
            Err(Error::InvalidQuery("INSERT row length differs from its column list".into()))
        }
        _ => Ok(()),
    }
}

fn error_stream<'e>(e: Error) -> BoxStream<'e, Result<Row>> {
    Box::pin(futures_util::stream::once(async move { Err(e) }))
}

#[async_trait]
impl<'e> Executor<'e> for &'e Engine {
    fn capabilities(&self) -> Capabilities {
        self.backend().capabilities()
    }
    async fn execute(self, stmt: &Statement) -> Result<ExecResult> {
        check_statement(stmt)?;
        self.backend().execute(stmt).await
    }
    async fn fetch(self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        check_statement(stmt)?;
        self.backend().fetch(stmt, sink).await
    }
    fn stream(self, stmt: Statement) -> BoxStream<'e, Result<Row>> {
        match check_statement(&stmt) {
            Ok(()) => self.backend().stream(stmt),
            Err(e) => error_stream(e),
        }
    }
}

#[async_trait]
impl<'e> Executor<'e> for &'e mut Connection {
    fn capabilities(&self) -> Capabilities {
        self.backend().capabilities()
    }
    async fn execute(self, stmt: &Statement) -> Result<ExecResult> {
        check_statement(stmt)?;
        self.raw().execute(stmt).await
    }
    async fn fetch(self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        check_statement(stmt)?;
        self.raw().fetch(stmt, sink).await
    }
    fn stream(self, stmt: Statement) -> BoxStream<'e, Result<Row>> {
        match check_statement(&stmt) {
            Ok(()) => self.raw().stream(stmt),
            Err(e) => error_stream(e),
        }
    }
}

#[async_trait]
impl<'e, 't: 'e> Executor<'e> for &'e mut Transaction<'t> {
    fn capabilities(&self) -> Capabilities {
        self.backend().capabilities()
    }
    async fn execute(self, stmt: &Statement) -> Result<ExecResult> {
        check_statement(stmt)?;
        self.raw()?.execute(stmt).await
    }
    async fn fetch(self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        check_statement(stmt)?;
        self.raw()?.fetch(stmt, sink).await
    }
    fn stream(self, stmt: Statement) -> BoxStream<'e, Result<Row>> {
        if let Err(e) = check_statement(&stmt) {
            return error_stream(e);
        }
        match self.raw() {
            Ok(c) => c.stream(stmt),
            Err(e) => error_stream(e),
        }
    }
}
