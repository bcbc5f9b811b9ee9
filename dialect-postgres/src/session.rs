//! One PostgreSQL session as the shared pool ([`athanor_pool`]) sees it, and the connector that
//! opens sessions under `connect_timeout` on the first suitable host ([`crate::hosts`]).

use crate::error::describe;
use crate::hosts::connect::{open, NoHostFits};
use crate::hosts::{Host, Target};
use athanor_pool::Connector;
use futures_core::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::time::Duration;

/// A sqlx `PgConnection` in the pool.
pub type PgSession = athanor_pool::SqlxSession<PgConnection>;

/// Opens sessions: connect to the first host that answers and fits `target`, each attempt
/// bounded by `connect_timeout`. Every new session of the pool (after a failover too) is
/// opened this way, with TCP_NODELAY on ([`athanor_pool::nodelay`]).
pub struct PgConnector {
    /// Driver options (hold the password); the host is set per attempt.
    pub options: PgConnectOptions,
    /// The hosts, in the order they are tried.
    pub hosts: Vec<Host>,
    /// libpq's `target_session_attrs`.
    pub target: Target,
    /// Limit for one attempt (connect and role check) on one host.
    pub connect_timeout: Duration,
}

impl Connector for PgConnector {
    type Conn = PgSession;
    type Error = sqlx::Error;
    fn connect(&self) -> BoxFuture<'_, Result<PgSession, sqlx::Error>> {
        Box::pin(async move { open(&self.options, &self.hosts, self.target, self.connect_timeout).await.map(athanor_pool::SqlxSession) })
    }
    /// A server's own refusal, or every host answered and none fits.
    fn is_refusal(&self, e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(_)) || NoHostFits::find(e).is_some_and(|n| n.all_answered)
    }
    fn describe(&self, e: &sqlx::Error) -> String {
        describe(e)
    }
}
