//! [`PgBackend`]: one engine's pool of PostgreSQL sessions (the shared [`athanor_pool`]).
//! Connects lazily.

use crate::compile;
use crate::conflict::UniqueKeys;
use crate::connection::PgConn;
use crate::error::{convert, DIALECT};
use crate::limits::Limits;
use crate::options::{Settings, DEFAULT_MAX_CONNECTIONS};
use crate::session::PgConnector;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::dialect::stream_checked_out;
use athanor_core::{Backend, BackendConnection, Capabilities, Compiled, Error, ExecResult, Result, Row, RowSink, SqlQuery};
use athanor_pool::{AcquireError, Pool, PoolConfig};
use futures_core::stream::BoxStream;
use sqlx::postgres::PgConnection;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// With pre-ping on (the default), a checkout pings a connection idle longer than this.
pub const DEFAULT_PING_AFTER_IDLE: Duration = Duration::from_secs(1);
/// Default connection lifetime.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
pub use crate::limits::MAX_PING_TIMEOUT;

/// The pool of this dialect.
pub type PgPool = Pool<PgConnector>;

/// Shared by the backend and its connections.
pub(crate) struct Inner {
    pool: Arc<PgPool>,
    warmed: std::sync::Once,
    pub host: String,
    pub echo: bool,
    /// Behind a transaction pooler: unnamed statements.
    pub pooler: bool,
    pub acquire_timeout: Duration,
    /// Time limits on the server's answers.
    pub limits: Limits,
    /// Unique keys per table, for `ON CONFLICT` without a target.
    pub keys: UniqueKeys,
}

impl Inner {
    pub fn pool(&self) -> &Arc<PgPool> {
        self.warmed.call_once(|| self.pool.warm_up());
        &self.pool
    }

    pub fn plan(&self, stmt: &Statement) -> Result<Vec<SqlQuery>> {
        if let Statement::CreateTable(t) = stmt {
            self.keys.learn(t);
        }
        let resolved = self.keys.resolve_cached(stmt);
        let plan = compile::plan(resolved.as_ref().unwrap_or(stmt))?;
        if self.echo {
            for q in &plan {
                tracing::info!(target: "athanor::sql", dialect = DIALECT, params = q.params.len(), "{}", q.sql);
            }
        }
        Ok(plan)
    }

    /// The plan before checkout when no catalog lookup is needed; `None` otherwise.
    pub fn plan_before_checkout(&self, stmt: &Statement) -> Result<Option<Vec<SqlQuery>>> {
        if self.keys.needs_lookup(stmt) {
            return Ok(None);
        }
        self.plan(stmt).map(Some)
    }

    /// `stmt` with its conflict target filled in from the catalog, when it needs one.
    pub async fn resolve_conflict_target(&self, conn: &mut PgConnection, stmt: &Statement) -> Result<Option<Statement>> {
        if !self.keys.needs_lookup(stmt) {
            return Ok(None);
        }
        self.keys.lookup(conn, stmt).await.map_err(|e| self.err(e))?;
        Ok(self.keys.resolve_cached(stmt))
    }

    pub fn err(&self, e: sqlx::Error) -> Error {
        convert(e, &self.host)
    }

    pub fn acquire_error(&self, e: AcquireError<sqlx::Error>) -> Error {
        match e {
            AcquireError::Connect(e) => self.err(e),
            AcquireError::Closed => Error::State("the engine was disposed".into()),
            AcquireError::Timeout(last_error) => Error::PoolTimeout { host: self.host.clone(), waited: self.acquire_timeout, last_error },
        }
    }
}

/// The PostgreSQL backend. Its `Debug` shows the host, never the credentials.
pub struct PgBackend {
    inner: Arc<Inner>,
}

impl fmt::Debug for PgBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgBackend").field("host", &self.inner.host).field("pooler", &self.inner.pooler).finish_non_exhaustive()
    }
}

impl PgBackend {
    /// Builds the pool (no connection is opened yet).
    pub fn new(settings: Settings) -> Self {
        let e = &settings.engine;
        let config = PoolConfig {
            max: e.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
            min: e.min_connections.unwrap_or(0),
            acquire_timeout: settings.acquire_timeout,
            idle_timeout: e.idle_timeout.or(Some(Duration::from_secs(600))),
            max_lifetime: e.max_lifetime.or(Some(DEFAULT_MAX_LIFETIME)),
            ping_after_idle: e.pre_ping.unwrap_or(true).then(|| e.pre_ping_after.unwrap_or(DEFAULT_PING_AFTER_IDLE)),
            ping_timeout: settings.limits.ping,
        };
        let connector = PgConnector {
            options: settings.connect,
            hosts: settings.hosts,
            target: settings.target,
            connect_timeout: settings.connect_timeout,
        };
        let inner = Inner {
            pool: Pool::new(connector, config),
            warmed: std::sync::Once::new(),
            host: settings.host,
            echo: e.echo.unwrap_or(false),
            pooler: settings.pooler,
            acquire_timeout: settings.acquire_timeout,
            limits: settings.limits,
            keys: UniqueKeys::default(),
        };
        PgBackend { inner: Arc::new(inner) }
    }

    /// The connection pool (size, idle count, settings).
    pub fn pool(&self) -> &PgPool {
        self.inner.pool()
    }

    /// True when statements go unnamed (a transaction pooler was detected or declared).
    pub fn behind_pooler(&self) -> bool {
        self.inner.pooler
    }

    async fn acquire_mine(&self) -> Result<PgConn> {
        match self.inner.pool().acquire().await {
            Ok(c) => Ok(PgConn::new(c, self.inner.clone())),
            Err(e) => Err(self.inner.acquire_error(e)),
        }
    }
}

#[async_trait]
impl Backend for PgBackend {
    fn dialect(&self) -> &'static str {
        DIALECT
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn capabilities(&self) -> Capabilities {
        compile::capabilities()
    }
    fn compile(&self, stmt: &Statement) -> Result<Compiled> {
        let mut qs = self.inner.plan(stmt)?;
        Ok(if qs.len() == 1 { Compiled::Sql(qs.remove(0)) } else { Compiled::Script(qs) })
    }
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>> {
        Ok(Box::new(self.acquire_mine().await?))
    }
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        // A COPY insert needs no plan.
        let plan = if crate::copy::use_copy(stmt).is_some() { None } else { self.inner.plan_before_checkout(stmt)? };
        self.acquire_mine().await?.run_statement(stmt, plan).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        let plan = self.inner.plan_before_checkout(stmt)?;
        self.acquire_mine().await?.fetch_rows(stmt, plan, sink).await
    }
    fn stream<'a>(&'a self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        stream_checked_out(self.acquire_mine(), stmt)
    }
    async fn close(&self) {
        self.inner.pool.close().await
    }
}
