//! MySQL's side of the shared pool ([`athanor_pool`], also used by the PostgreSQL dialect): a
//! session type and a connector (connect, then the init statements and server detection).
//!
//! The pool returns a clean connection with no round trip, pings on checkout only a connection
//! that sat idle longer than `ping_after_idle`, never opens more than `maxsize`, and sends a
//! ROLLBACK queued from `Drop` off the caller's path; see [`athanor_pool`].

use crate::error::describe;
use athanor_pool::Connector;
use futures_core::future::BoxFuture;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::ConnectOptions;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use athanor_pool::PoolConfig;

/// Runs on each new connection before it is used (init statements, server detection).
pub type InitFn = Arc<dyn Fn(&mut MySqlConnection) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + '_>> + Send + Sync>;

/// A pool of MySQL sessions.
pub type ConnPool = athanor_pool::Pool<MyConnector>;
/// A checked-out session; back to the pool on drop.
pub type Pooled = athanor_pool::Pooled<MyConnector>;
/// Why an acquire failed.
pub type AcquireError = athanor_pool::AcquireError<sqlx::Error>;

/// A pool that opens nothing until the first acquire.
pub fn new_pool(connect: MySqlConnectOptions, init: InitFn, config: PoolConfig) -> Arc<ConnPool> {
    athanor_pool::Pool::new(MyConnector { connect, init }, config)
}

/// A sqlx `MySqlConnection` in the pool.
pub type MySession = athanor_pool::SqlxSession<MySqlConnection>;

/// Opens MySQL sessions (TCP_NODELAY on: [`athanor_pool::nodelay`]) and runs the init function on
/// each.
pub struct MyConnector {
    connect: MySqlConnectOptions,
    init: InitFn,
}

impl Connector for MyConnector {
    type Conn = MySession;
    type Error = sqlx::Error;
    fn connect(&self) -> BoxFuture<'_, Result<MySession, sqlx::Error>> {
        Box::pin(async move {
            let port = self.connect.get_socket().is_none().then(|| self.connect.get_port());
            let mut conn = athanor_pool::nodelay::connect(port, self.connect.connect()).await?;
            (self.init)(&mut conn).await?;
            Ok(athanor_pool::SqlxSession(conn))
        })
    }
    fn is_refusal(&self, e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(_))
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        describe(e)
    }
}
