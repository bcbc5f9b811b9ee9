//! One checked-out SQLite connection, with transactions and savepoints through sqlx.

use crate::backend::{execute_on, fetch_on, stream_on};
use crate::error::map;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::{BackendConnection, Error, ExecResult, Result, Row, RowSink, TxOptions};
use futures_core::stream::BoxStream;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::Sqlite;
use sqlx_core::transaction::TransactionManager;

type Tm = <Sqlite as sqlx::Database>::TransactionManager;

/// A pooled SQLite connection.
pub struct SqliteConn {
    conn: PoolConnection<Sqlite>,
    echo: bool,
}

impl std::fmt::Debug for SqliteConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConn").field("depth", &Tm::get_transaction_depth(&self.conn)).finish()
    }
}

impl SqliteConn {
    pub(crate) fn new(conn: PoolConnection<Sqlite>, echo: bool) -> Self {
        SqliteConn { conn, echo }
    }
}

#[async_trait]
impl BackendConnection for SqliteConn {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        execute_on(&mut self.conn, self.echo, stmt).await
    }
    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        fetch_on(&mut *self.conn, self.echo, stmt, sink).await
    }
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        stream_on(&mut *self.conn, self.echo, stmt)
    }
    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        if options.read_only {
            return Err(Error::unsupported("sqlite", "read-only transactions"));
        }
        // SQLite transactions are always SERIALIZABLE, at least as strong as any level asked for.
        Tm::begin(&mut self.conn, None).await.map_err(map)
    }
    async fn commit(&mut self) -> Result<()> {
        Tm::commit(&mut self.conn).await.map_err(map)
    }
    async fn rollback(&mut self) -> Result<()> {
        Tm::rollback(&mut self.conn).await.map_err(map)
    }
    fn start_rollback(&mut self) {
        Tm::start_rollback(&mut self.conn)
    }
    fn transaction_depth(&self) -> usize {
        Tm::get_transaction_depth(&self.conn)
    }
}
