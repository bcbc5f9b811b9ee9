//! One PostgreSQL session as the shared pool ([`athanor_pool`]) sees it, and the connector that
//! opens sessions under `connect_timeout`.

use crate::error::describe;
use athanor_pool::Connector;
use futures_core::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::ConnectOptions;
use std::time::Duration;

/// A sqlx `PgConnection` in the pool.
pub type PgSession = athanor_pool::SqlxSession<PgConnection>;

/// Opens sessions: connect (bounded by `connect_timeout`), TCP_NODELAY on (see `nodelay.rs`).
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
            let tcp = self.options.get_socket().is_none();
            let before = if tcp { crate::nodelay::sockets() } else { Default::default() };
            let r = match tokio::time::timeout(self.connect_timeout, self.options.connect()).await {
                Ok(r) => r.map(athanor_pool::SqlxSession),
                Err(_) => Err(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))),
            };
            if tcp && r.is_ok() {
                crate::nodelay::set_on_new(&before, self.options.get_port());
            }
            r
        })
    }
    fn is_refusal(&self, e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(_))
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        describe(e)
    }
}
