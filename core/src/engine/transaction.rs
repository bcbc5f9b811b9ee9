//! Transactions: commit, rollback, rollback on drop (also when the future is cancelled), and
//! savepoints for nested `begin()`.

use crate::dialect::{Backend, BackendConnection};
use crate::error::{Error, Result};
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
}

enum TxConn<'c> {
    Owned(Box<dyn BackendConnection>),
    Borrowed(&'c mut dyn BackendConnection),
}

/// An open transaction. `commit` or `rollback` ends it; dropping it rolls back.
pub struct Transaction<'c> {
    conn: TxConn<'c>,
    backend: Arc<dyn Backend>,
    open: bool,
}

impl fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction").field("dialect", &self.backend.dialect()).field("open", &self.open).finish()
    }
}

impl<'c> Transaction<'c> {
    pub(crate) async fn start_owned(
        mut conn: Box<dyn BackendConnection>,
        backend: Arc<dyn Backend>,
        options: TxOptions,
    ) -> Result<Transaction<'static>> {
        conn.begin(&options).await?;
        Ok(Transaction { conn: TxConn::Owned(conn), backend, open: true })
    }

    pub(crate) async fn start_borrowed(
        conn: &'c mut dyn BackendConnection,
        backend: Arc<dyn Backend>,
        options: TxOptions,
    ) -> Result<Transaction<'c>> {
        conn.begin(&options).await?;
        Ok(Transaction { conn: TxConn::Borrowed(conn), backend, open: true })
    }

    pub(crate) fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    fn conn(&mut self) -> &mut dyn BackendConnection {
        match &mut self.conn {
            TxConn::Owned(c) => &mut **c,
            TxConn::Borrowed(c) => &mut **c,
        }
    }

    pub(crate) fn raw(&mut self) -> Result<&mut dyn BackendConnection> {
        if !self.open {
            return Err(Error::State("the transaction has already ended".into()));
        }
        Ok(self.conn())
    }

    /// Starts a nested transaction (a SAVEPOINT) that borrows this one.
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        let backend = self.backend.clone();
        let conn = self.raw()?;
        Transaction::start_borrowed(conn, backend, TxOptions::default()).await
    }

    /// Commits (or releases the savepoint).
    pub async fn commit(mut self) -> Result<()> {
        let r = self.raw()?.commit().await;
        self.open = false;
        r
    }

    /// Rolls back (to the savepoint, when nested).
    pub async fn rollback(mut self) -> Result<()> {
        let r = self.raw()?.rollback().await;
        self.open = false;
        r
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn().start_rollback();
        }
    }
}
