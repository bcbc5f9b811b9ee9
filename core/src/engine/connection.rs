//! A connection checked out of an engine's pool.

use super::{Transaction, TxOptions};
use crate::dialect::{Backend, BackendConnection};
use crate::error::Result;
use std::fmt;
use std::sync::Arc;

/// One pooled connection; returned to the pool when dropped.
pub struct Connection {
    conn: Box<dyn BackendConnection>,
    backend: Arc<dyn Backend>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection").field("dialect", &self.backend.dialect()).finish()
    }
}

impl Connection {
    pub(crate) fn new(conn: Box<dyn BackendConnection>, backend: Arc<dyn Backend>) -> Self {
        Connection { conn, backend }
    }

    pub(crate) fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    pub(crate) fn raw(&mut self) -> &mut dyn BackendConnection {
        &mut *self.conn
    }

    /// Starts a transaction on this connection; it rolls back if dropped without `commit`.
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        self.begin_with(TxOptions::default()).await
    }

    /// Starts a transaction with options.
    pub async fn begin_with(&mut self, options: TxOptions) -> Result<Transaction<'_>> {
        Transaction::start_borrowed(&mut *self.conn, self.backend.clone(), options).await
    }
}
