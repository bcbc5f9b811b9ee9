//! Transactions: commit, rollback, rollback on drop (also when the future is cancelled), and
//! savepoints for nested `begin()`.

use super::lifecycle::Lifecycle;
use crate::dialect::{Backend, BackendConnection};
use crate::error::Result;
use std::fmt;
use std::sync::Arc;

/// SQL isolation levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// READ UNCOMMITTED
    ReadUncommitted,
    /// READ COMMITTED
    ReadCommitted,
    /// REPEATABLE READ
    RepeatableRead,
    /// SERIALIZABLE
    Serializable,
}

impl IsolationLevel {
    /// The SQL spelling.
    pub fn as_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// Options for `begin_with`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxOptions {
    /// Isolation level; `None` is the server default.
    pub isolation: Option<IsolationLevel>,
    /// A read-only transaction.
    pub read_only: bool,
    /// A deferrable transaction (PostgreSQL's `SERIALIZABLE READ ONLY DEFERRABLE`: waits for a
    /// snapshot that cannot fail with a serialization error). Dialects without it refuse it with
    /// `Unsupported` before any I/O.
    pub deferrable: bool,
}

impl TxOptions {
    /// Sets the isolation level.
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }
    /// Makes the transaction read-only.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }
    /// Makes the transaction deferrable (see [`TxOptions::deferrable`]).
    pub fn deferrable(mut self) -> Self {
        self.deferrable = true;
        self
    }
}

enum TxConn<'c> {
    Owned(Box<dyn BackendConnection>),
    Borrowed(&'c mut dyn BackendConnection),
}

/// An open transaction. `commit` or `rollback` ends it; dropping it rolls back.
///
/// If COMMIT fails, `commit` rolls the transaction back before returning the COMMIT error (or,
/// when that rollback fails too, the connection is discarded): the connection is never reused
/// inside a transaction in an unknown state, and the next `begin()` sends BEGIN.
pub struct Transaction<'c> {
    conn: TxConn<'c>,
    backend: Arc<dyn Backend>,
    life: Lifecycle,
}

impl fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction").field("dialect", &self.backend.dialect()).field("state", &self.life.state()).finish()
    }
}

impl<'c> Transaction<'c> {
    pub(crate) async fn start_owned(
        conn: Box<dyn BackendConnection>,
        backend: Arc<dyn Backend>,
        options: TxOptions,
    ) -> Result<Transaction<'static>> {
        Transaction { conn: TxConn::Owned(conn), backend, life: Lifecycle::new() }.started(options).await
    }

    pub(crate) async fn start_borrowed(
        conn: &'c mut dyn BackendConnection,
        backend: Arc<dyn Backend>,
        options: TxOptions,
    ) -> Result<Transaction<'c>> {
        Transaction { conn: TxConn::Borrowed(conn), backend, life: Lifecycle::new() }.started(options).await
    }

    /// Sends BEGIN; if this future is dropped first, the drop discards the connection.
    async fn started(mut self, options: TxOptions) -> Result<Self> {
        let (life, conn) = self.parts();
        life.begin(conn, &options).await?;
        Ok(self)
    }

    pub(crate) fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    fn parts(&mut self) -> (&mut Lifecycle, &mut dyn BackendConnection) {
        let conn: &mut dyn BackendConnection = match &mut self.conn {
            TxConn::Owned(c) => &mut **c,
            TxConn::Borrowed(c) => &mut **c,
        };
        (&mut self.life, conn)
    }

    pub(crate) fn raw(&mut self) -> Result<&mut dyn BackendConnection> {
        self.life.state().check_open()?;
        Ok(self.parts().1)
    }

    /// Starts a nested transaction (a SAVEPOINT) that borrows this one.
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        let backend = self.backend.clone();
        let conn = self.raw()?;
        Transaction::start_borrowed(conn, backend, TxOptions::default()).await
    }

    /// Commits (or releases the savepoint). On failure the transaction is rolled back (its
    /// connection discarded if that fails too) and the COMMIT error returned.
    pub async fn commit(mut self) -> Result<()> {
        let (life, conn) = self.parts();
        life.commit(conn).await
    }

    /// Rolls back (to the savepoint, when nested). If ROLLBACK fails the connection is discarded.
    pub async fn rollback(mut self) -> Result<()> {
        let (life, conn) = self.parts();
        life.rollback(conn).await
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        let (life, conn) = self.parts();
        life.on_drop(conn);
    }
}
