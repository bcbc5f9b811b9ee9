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
    fn is_refusal(&self, e: &sqlx::Error) -> bool {
        // A file busy or locked for a moment (another connection switching a fresh file to WAL)
        // is retried until the checkout's deadline; other failures (no such directory, not a
        // database) are the same on every try.
        !is_busy(e)
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        e.to_string()
    }
    fn runtime_bound(&self) -> bool {
        false
    }
}

/// SQLITE_BUSY or SQLITE_LOCKED, extended codes included.
fn is_busy(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else { return false };
    db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
}
