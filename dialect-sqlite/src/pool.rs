//! SQLite's side of the shared pool ([`athanor_pool`], as for MySQL and PostgreSQL): a connector
//! that opens a connection and registers Athanor's functions on it.
//!
//! A SQLite connection talks to its own worker thread, not through the tokio runtime that opened
//! it, so it fits every runtime: an engine outlives the runtimes that used it.

use athanor_pool::Connector;
use futures_core::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::ConnectOptions;

/// A pool of SQLite connections.
pub type ConnPool = athanor_pool::Pool<SqliteConnector>;
/// A checked-out connection; back to the pool on drop.
pub type Pooled = athanor_pool::Pooled<SqliteConnector>;

/// Opens SQLite connections with Athanor's functions registered.
pub struct SqliteConnector {
    pub(crate) connect: SqliteConnectOptions,
}

impl Connector for SqliteConnector {
    type Conn = athanor_pool::SqlxSession<SqliteConnection>;
    type Error = sqlx::Error;
    fn connect(&self) -> BoxFuture<'_, Result<Self::Conn, sqlx::Error>> {
        Box::pin(async move {
            let mut conn = self.connect.connect().await?;
            crate::functions::register(&mut conn).await?;
            Ok(athanor_pool::SqlxSession(conn))
        })
    }
    fn is_refusal(&self, _: &sqlx::Error) -> bool {
        // Opening a file fails the same way on every try (no such directory, not a database).
        true
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        e.to_string()
    }
    fn runtime_bound(&self) -> bool {
        false
    }
}
