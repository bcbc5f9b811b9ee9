//! One PostgreSQL session as the shared pool ([`athanor_pool`]) sees it, and the connector that
//! opens sessions under `connect_timeout`.

use crate::error::describe;
use athanor_pool::{Connector, PoolConnection};
use futures_core::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};
use std::time::Duration;

/// A sqlx `PgConnection` in the pool.
pub struct PgSession(pub PgConnection);

impl std::ops::Deref for PgSession {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl std::ops::DerefMut for PgSession {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}

impl PoolConnection for PgSession {
    type Error = sqlx::Error;
    fn ping(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(self.0.ping())
    }
    fn needs_flush(&self) -> bool {
        self.0.should_flush()
    }
    fn flush(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(self.0.flush())
    }
    fn close(self) -> BoxFuture<'static, Result<(), sqlx::Error>> {
        Box::pin(self.0.close())
    }
}

/// Opens sessions: connect (bounded by `connect_timeout`).
pub struct PgConnector {
    /// Driver options (hold the password).
    pub options: PgConnectOptions,
    /// Limit for one connect.
    pub connect_timeout: Duration,
}

impl Connector for PgConnector {
    type Conn = PgSession;
    type Error = sqlx::Error;
    fn connect(&self) -> BoxFuture<'_, Result<PgSession, sqlx::Error>> {
        Box::pin(async move {
            match tokio::time::timeout(self.connect_timeout, self.options.connect()).await {
                Ok(r) => r.map(PgSession),
                Err(_) => Err(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))),
            }
        })
    }
    fn is_refusal(&self, e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(_))
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        describe(e)
    }
}
