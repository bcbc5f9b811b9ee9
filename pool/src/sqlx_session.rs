//! [`SqlxSession`]: a sqlx connection as a [`PoolConnection`], one copy for every sqlx dialect.

use crate::PoolConnection;
use futures_core::future::BoxFuture;
use sqlx_core::connection::Connection;

/// A sqlx connection in the pool.
pub struct SqlxSession<C>(pub C);

impl<C> std::ops::Deref for SqlxSession<C> {
    type Target = C;
    fn deref(&self) -> &C {
        &self.0
    }
}

impl<C> std::ops::DerefMut for SqlxSession<C> {
    fn deref_mut(&mut self) -> &mut C {
        &mut self.0
    }
}

impl<C: Connection + 'static> PoolConnection for SqlxSession<C> {
    type Error = sqlx_core::Error;
    fn ping(&mut self) -> BoxFuture<'_, Result<(), sqlx_core::Error>> {
        Box::pin(self.0.ping())
    }
    fn needs_flush(&self) -> bool {
        self.0.should_flush()
    }
    fn flush(&mut self) -> BoxFuture<'_, Result<(), sqlx_core::Error>> {
        Box::pin(self.0.flush())
    }
    fn close(self) -> BoxFuture<'static, Result<(), sqlx_core::Error>> {
        Box::pin(self.0.close())
    }
}
