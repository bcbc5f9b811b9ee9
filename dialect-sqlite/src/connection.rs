//! One checked-out SQLite connection, with transactions and savepoints through sqlx.

use crate::backend::{compile_all, fetch_on, run_all, stream_on};
use crate::error::map;
use crate::pool::Pooled;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::engine::Atomic;
use athanor_core::{BackendConnection, Error, ExecResult, Result, Row, RowSink, SqlQuery, TxOptions};
use futures_core::stream::BoxStream;
use sqlx::sqlite::Sqlite;
use sqlx_core::transaction::TransactionManager;

type Tm = <Sqlite as sqlx::Database>::TransactionManager;

/// The state of one checked-out connection handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnState {
    /// Usable.
    Ready,
    /// Taken out of service by [`BackendConnection::discard`]: every open level's rollback is
    /// queued, a file database's connection is closed instead of pooled, and every later call
    /// on this handle fails.
    Discarded,
}

impl ConnState {
    fn check(self) -> Result<()> {
        match self {
            ConnState::Ready => Ok(()),
            ConnState::Discarded => Err(Error::State("this connection was discarded after a failed or cancelled COMMIT/ROLLBACK".into())),
        }
    }
}

/// A pooled SQLite connection.
pub struct SqliteConn {
    conn: Pooled,
    echo: bool,
    /// The pool's only connection holds an in-memory database: never close it.
    in_memory: bool,
    state: ConnState,
}

impl std::fmt::Debug for SqliteConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConn").field("state", &self.state).field("depth", &Tm::get_transaction_depth(&**self.conn)).finish()
    }
}

impl SqliteConn {
    pub(crate) fn new(conn: Pooled, echo: bool, in_memory: bool) -> Self {
        SqliteConn { conn, echo, in_memory, state: ConnState::Ready }
    }

    /// Runs the compiled `plan` of `stmt` in order; the chunks of an INSERT all or nothing (their
    /// own transaction, or a savepoint inside the caller's), cancellation included.
    pub(crate) async fn run_plan(&mut self, stmt: &Statement, plan: Vec<SqlQuery>) -> Result<ExecResult> {
        self.state.check()?;
        if !Atomic::<Self>::needed(stmt, plan.len()) {
            return run_all(&mut self.conn, self.echo, stmt, plan).await;
        }
        let mut scope = Atomic::begin(self).await?;
        let c = scope.conn();
        let r = run_all(&mut c.conn, c.echo, stmt, plan).await;
        scope.finish(r).await
    }
}

#[async_trait]
impl BackendConnection for SqliteConn {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        self.run_plan(stmt, compile_all(stmt)?).await
    }

    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.state.check()?;
        fetch_on(&mut **self.conn, self.echo, stmt, sink).await
    }

    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        if let Err(e) = self.state.check() {
            return Box::pin(futures_util::stream::once(async move { Err(e) }));
        }
        stream_on(&mut **self.conn, self.echo, stmt)
    }

    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        self.state.check()?;
        if options.read_only {
            return Err(Error::unsupported("sqlite", "read-only transactions"));
        }
        if options.deferrable {
            return Err(Error::unsupported("sqlite", "deferrable transactions"));
        }
        // SQLite transactions are always SERIALIZABLE, at least as strong as any level asked for.
        Tm::begin(&mut **self.conn, None).await.map_err(map)
    }

    async fn commit(&mut self) -> Result<()> {
        self.state.check()?;
        Tm::commit(&mut **self.conn).await.map_err(map)
    }

    async fn rollback(&mut self) -> Result<()> {
        self.state.check()?;
        Tm::rollback(&mut **self.conn).await.map_err(map)
    }

    fn start_rollback(&mut self) {
        // A discarded handle already queued a rollback of every level.
        if self.state == ConnState::Ready {
            Tm::start_rollback(&mut **self.conn)
        }
    }

    fn transaction_depth(&self) -> usize {
        Tm::get_transaction_depth(&**self.conn)
    }

    fn discard(&mut self) {
        if self.state == ConnState::Discarded {
            return;
        }
        // sqlx's worker runs queued rollbacks in order after anything in flight, each ending one
        // level (none at depth 0). One more than the depth seen covers a BEGIN still in flight.
        for _ in 0..=Tm::get_transaction_depth(&**self.conn) {
            Tm::start_rollback(&mut **self.conn);
        }
        if !self.in_memory {
            self.conn.close_on_drop();
        }
        self.state = ConnState::Discarded;
    }
}

#[cfg(test)]
mod tests {
    use super::ConnState;
    use athanor_core::Error;

    #[test]
    fn a_discarded_handle_refuses_work() {
        assert!(ConnState::Ready.check().is_ok());
        assert!(matches!(ConnState::Discarded.check(), Err(Error::State(_))));
    }
}
